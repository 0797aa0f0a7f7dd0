"""Files kept outside the database, named by the SHA-256 of their bytes.

The name a sender gave a file is never part of its path — `../../x` is just
a label in the attachments table — and the same bytes are stored once
however often they arrive. A write lands in a temporary file that is synced
and then renamed into place, so a crash leaves either the whole file or none.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

_HEX = re.compile(r"^[0-9a-f]{64}$")


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, data: bytes) -> str:
        """Store `data`; returns its SHA-256 (hex), which is all that is needed to read it back."""
        sha = hashlib.sha256(data).hexdigest()
        path = self.path(sha)
        if path.exists():
            return sha
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha

    def path(self, sha: str) -> Path:
        if not _HEX.match(sha):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha[:2] / sha[2:4] / sha

    def read(self, sha: str) -> bytes:
        return self.path(sha).read_bytes()

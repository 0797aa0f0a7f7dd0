"""One set of figures for every process of an installation: prometheus_client's multi-process mode.

`sameside serve --workers N` runs N server processes and `sameside worker`
runs more; a scrape reaches only one of them. In multi-process mode each
process writes its counters and histograms to files in a folder they share
(`PROMETHEUS_MULTIPROC_DIR`), and the process that answers the scrape adds
them all up. The variable must be set before `prometheus_client` is first
imported, so the command line calls `share()` first thing, before the app or
the worker is loaded. This module imports nothing of prometheus_client.

The folder is per machine (the processes share files), so keep `data_dir`
on local disk, or give each machine its own.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

log = logging.getLogger(__name__)

VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
FOLDER = "metrics"


def share(data_dir: Path, *, clean: bool) -> Path:
    """Point this process (and those it starts) at `data_dir/metrics`; `clean` empties it first.

    The server cleans it as it starts (the figures of processes gone before
    it mean nothing now); a worker joins it as it is.
    """
    folder = (data_dir / FOLDER).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    if clean:
        for stale in folder.glob("*.db"):
            stale.unlink(missing_ok=True)
    if "prometheus_client" in sys.modules and os.environ.get(VARIABLE) != str(folder):
        log.warning("prometheus_client was loaded before the metrics folder was set: this process counts alone")
    os.environ[VARIABLE] = str(folder)
    return folder


def shared_folder() -> Path | None:
    """The folder this process writes its figures to, or None when it keeps them to itself."""
    value = os.environ.get(VARIABLE)
    return Path(value) if value else None

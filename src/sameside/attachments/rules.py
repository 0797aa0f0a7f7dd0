"""Which files we take, what they really are, and what each refusal says. Pure: no I/O.

A file's type is read from its first bytes, never from its name or the type
the browser claimed: a short table of magic numbers covers what people send a
help desk (images, PDFs, office documents, archives, text) and the programs we
refuse. Only PNG, JPEG, GIF and WebP are ever shown inline (`PREVIEWABLE`);
everything else, HTML and SVG above all, is only ever downloaded.

Each refusal names the file and says why in words a person can act on
("big.pdf: 31 MB, over the 25 MB limit"); the files that pass still go with
the message.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

PREVIEWABLE = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
"""Raster formats a browser decodes as pictures only: the one kind of file we ever show inline."""

OCTET = "application/octet-stream"

# Names Windows or a desktop runs on a double click, whatever their bytes (a .js or .bat is plain text).
PROGRAM_EXTENSIONS = frozenset(
    {
        *("exe", "com", "scr", "pif", "bat", "cmd", "msi", "msp", "msix", "appx", "dll", "cpl", "sys"),
        *("vb", "vbs", "vbe", "js", "jse", "mjs", "wsf", "wsc", "wsh", "ps1", "psm1", "hta"),
        *("jar", "lnk", "reg", "scf", "inf", "sh", "command", "app", "apk"),
    }
)

# What a name promises that its bytes must keep: a "photo.png" that is HTML is refused.
PROMISED = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "jpe": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "pdf": "application/pdf",
}

# ZIP and OLE containers: the bytes say "container", the name says which document (both checked).
_ZIP_KINDS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
_OLE_KINDS = {"doc": "application/msword", "xls": "application/vnd.ms-excel", "ppt": "application/vnd.ms-powerpoint"}

NAMES = {
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "image/gif": "GIF image",
    "image/webp": "WebP image",
    "image/tiff": "TIFF image",
    "image/bmp": "BMP image",
    "image/heic": "HEIC image",
    "image/svg+xml": "SVG drawing",
    "application/pdf": "PDF",
    "text/html": "HTML",
    "application/xml": "XML",
    "text/plain": "text",
    "text/csv": "text",
    "application/zip": "ZIP archive",
    "application/x-ole-storage": "Office document",
    OCTET: "unrecognised data",
}

_PROGRAMS = (
    b"\x7fELF",  # Linux and BSD programs
    b"\xfe\xed\xfa\xce",  # Mach-O (macOS), both word orders and widths
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal binaries and Java classes
    b"\x00asm",  # WebAssembly
    b"dex\n",  # Android
    b"#!",  # scripts with an interpreter line
)

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"PK\x03\x04", "application/zip"),
    (b"PK\x05\x06", "application/zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
    (b"\x1f\x8b", "application/gzip"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"Rar!\x1a\x07", "application/vnd.rar"),
    (b"OggS", "audio/ogg"),
    (b"ID3", "audio/mpeg"),
    (b"fLaC", "audio/flac"),
    (b"\x1aE\xdf\xa3", "video/webm"),
)

_MARKUP = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<iframe", b"<meta", b"<a ", b"<div", b"<img")


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_count: int


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: the name the sender gave, its full size, and its bytes (none when over the limit)."""

    filename: str
    size: int
    data: bytes


@dataclass(frozen=True)
class File:
    """A file we took: an inert name, the type its bytes show, the bytes themselves."""

    filename: str
    content_type: str
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.data)

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Refusal:
    filename: str
    reason: str

    def __str__(self) -> str:
        return f"{self.filename}: {self.reason}"


@dataclass(frozen=True)
class Sorted:
    accepted: list[File]
    refused: list[Refusal]

    @property
    def message(self) -> str:
        """One sentence per refused file, for a page or an API answer."""
        return "; ".join(str(r) for r in self.refused)


def sniff(data: bytes, filename: str = "") -> str:
    """The media type the bytes show; the name only picks the document kind inside a ZIP or OLE container."""
    head = data[:4096]
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1"):
            return "image/heic"
        return "audio/mp4" if brand.startswith(b"M4A") else "video/mp4"
    if head[:2] == b"BM" and head[6:10] == b"\x00\x00\x00\x00":  # reserved bytes: "BMW" is text
        return "image/bmp"
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            ext = extension(filename)
            if kind == "application/zip":
                return _ZIP_KINDS.get(ext, kind)
            if kind == "application/x-ole-storage":
                return _OLE_KINDS.get(ext, kind)
            return kind
    if is_program(head):
        return "application/x-executable"
    return _text_kind(head, filename)


def is_program(head: bytes) -> bool:
    # "MZ": Windows and DOS programs and DLLs; their header is binary (a text that starts "MZ" is not one).
    return head.startswith(_PROGRAMS) or (head.startswith(b"MZ") and b"\x00" in head[:64])


def _text_kind(head: bytes, filename: str) -> str:
    if b"\x00" in head:
        return OCTET
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as cut:
        if cut.start < len(head) - 4:  # not merely a character split at our 4 KB cut
            return OCTET
        text = head[: cut.start].decode("utf-8")
    lowered = text.lstrip("\ufeff \t\r\n").lower().encode()
    if lowered.startswith((b"<?xml", b"<svg", b"<!doctype svg")):
        return "image/svg+xml" if b"<svg" in lowered else "application/xml"
    if lowered.startswith(_MARKUP) or b"<script" in lowered or b"<html" in lowered:
        return "text/html"
    return "text/csv" if extension(filename) == "csv" else "text/plain"


def extension(filename: str) -> str:
    _, dot, ext = filename.rpartition(".")
    return ext.lower() if dot else ""


def inert_name(raw: str) -> str:
    """A name to show and to offer on download, never a path: no directories, controls or direction marks.

    Windows ignores trailing dots and spaces ("report.exe." runs), so they go
    too, as do leading dots (no hidden files); the extension survives shortening.
    """
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    # Cc: controls (CR, LF, NUL); Cf: format characters, among them the right-to-left override that makes
    # "invoice\u202efdp.exe" read as "invoiceexe.pdf".
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf"))
    name = "".join("_" if c in '<>:"|?*' else c for c in name)
    name = " ".join(name.split()).strip(". ")
    if not name:
        return "file"
    if len(name) > 200:
        ext = extension(name)
        keep = f".{ext}" if ext and len(ext) <= 16 else ""
        name = name[: 200 - len(keep)].rstrip(". ") + keep
    return name


def size_words(size: int) -> str:
    if size >= 1024 * 1024:
        value = size / (1024 * 1024)
        return f"{value:.0f} MB" if value >= 10 or value.is_integer() else f"{value:.1f} MB"
    if size >= 1024:
        return f"{round(size / 1024)} KB"
    return "1 byte" if size == 1 else f"{size} bytes"


def _over(size: int, limit: int) -> str:
    said = size_words(size)
    if said == size_words(limit):  # 25 MB and a few bytes must not read "25 MB, over the 25 MB limit"
        said = f"{size:,} bytes"
    return f"{said}, over the {size_words(limit)} limit"


def judge(upload: Upload, limits: Limits) -> File | Refusal:
    """Take one file, or say precisely why not."""
    name = inert_name(upload.filename)
    if upload.size == 0:
        return Refusal(name, "the file is empty")
    if upload.size > limits.max_bytes or len(upload.data) != upload.size:
        return Refusal(name, _over(max(upload.size, len(upload.data)), limits.max_bytes))
    kind = sniff(upload.data, name)
    ext = extension(name)
    if kind == "application/x-executable" or ext in PROGRAM_EXTENSIONS:
        return Refusal(name, "programs are not accepted")
    promised = PROMISED.get(ext)
    if promised is not None and promised != kind:
        return Refusal(
            name, f"the name says {NAMES[promised]} but the contents are {NAMES.get(kind, kind)}; send the real file"
        )
    return File(name, kind, upload.data)


def check(uploads: Sequence[Upload], limits: Limits) -> Sorted:
    """Sort the files of one message into those we take and those we refuse (beyond the count limit too)."""
    accepted: list[File] = []
    refused: list[Refusal] = []
    for upload in uploads:
        if not upload.filename and upload.size == 0:
            continue  # a file field left empty: nothing was chosen
        verdict = judge(upload, limits)
        if isinstance(verdict, Refusal):
            refused.append(verdict)
        elif len(accepted) >= limits.max_count:
            refused.append(Refusal(verdict.filename, f"only {limits.max_count} files can go with one message"))
        else:
            accepted.append(verdict)
    return Sorted(accepted, refused)


def previewable(head: bytes) -> str | None:
    """The type to show a stored file inline as, judged from its bytes again; None: download only."""
    kind = sniff(head)
    return kind if kind in PREVIEWABLE else None


def for_email(files: Sequence[File], budget: int) -> tuple[list[File], list[File]]:
    """Which files ride an email (in order, while they fit `budget` bytes) and which are left on the case."""
    attached: list[File] = []
    left: list[File] = []
    used = 0
    for f in files:
        if not left and used + f.size <= budget:
            attached.append(f)
            used += f.size
        else:
            left.append(f)
    return attached, left

"""Headers and bodies into text, whatever the sender's charset claims: decoding with honest fallbacks."""

from __future__ import annotations

import binascii
import codecs
import functools
import re

_DECLARED_CHARSET = re.compile(rb"charset\s*=\s*[\"']?([A-Za-z0-9_:.-]+)", re.IGNORECASE)


def charset_hint(raw: bytes) -> str | None:
    """The first charset the message declares other than ASCII or UTF-8: the best guess for raw 8-bit headers.

    Mailers that put raw bytes in headers mostly use the charset of the body.
    """
    for match in _DECLARED_CHARSET.finditer(raw, 0, 65536):
        label = match.group(1).decode("ascii").lower()
        if label not in {"us-ascii", "ascii", "utf-8", "utf8"}:
            return label
    return None


# -- header decoding --------------------------------------------------------------------------

_FOLD = re.compile(r"\r?\n(?=[ \t])|\r(?=[ \t])")
ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([QqBb])\?([^?]*)\?=")
_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\x85]")


def unfold(value: str, hint: str | None = None) -> str:
    """Header value with folding removed and raw 8-bit bytes decoded (UTF-8, the hinted charset, Windows-1252)."""
    if not value.isascii():
        value = decode_bytes_guessing(value.encode("utf-8", "surrogateescape"), hint)
    return _FOLD.sub("", value)


def decode_header_value(value: str) -> str:
    """RFC 2047 encoded-words decoded; whitespace between adjacent encoded words dropped."""
    if "=?" not in value:
        return value
    out: list[str] = []
    pending = bytearray()
    pending_charset = ""
    position = 0
    after_word = False
    for match in ENCODED_WORD.finditer(value):
        gap = value[position : match.start()]
        if gap and not (after_word and gap.isspace()):
            out.append(decode_bytes(bytes(pending), pending_charset)[0] if pending else "")
            pending.clear()
            out.append(gap)
        charset = match.group(1).split("*", 1)[0].lower()
        data = _decode_word(match.group(2), match.group(3))
        if pending and charset != pending_charset:
            out.append(decode_bytes(bytes(pending), pending_charset)[0])
            pending.clear()
        pending += data
        pending_charset = charset
        position = match.end()
        after_word = True
    if pending:
        out.append(decode_bytes(bytes(pending), pending_charset)[0])
    out.append(value[position:])
    return "".join(out)


def _decode_word(encoding: str, text: str) -> bytes:
    data = text.encode("utf-8", "surrogateescape")
    if encoding in "Qq":
        return binascii.a2b_qp(data, header=True)
    return base64_lenient(data)


def base64_lenient(data: bytes) -> bytes:
    """Base64 decoded leniently: stray characters skipped, missing padding supplied."""
    try:
        return binascii.a2b_base64(data)
    except binascii.Error:
        cleaned = _NOT_BASE64.sub(b"", data.split(b"=", 1)[0])
        cleaned = cleaned[: len(cleaned) - 1] if len(cleaned) % 4 == 1 else cleaned
        try:
            return binascii.a2b_base64(cleaned + b"=" * (-len(cleaned) % 4))
        except binascii.Error:
            return b""


def one_line(value: str) -> str:
    """A single line: CR/LF/TAB and other controls become spaces, runs collapsed, NUL gone.

    What we store as a subject or display name must never be able to start a
    new header line when it is written into an outgoing message.
    """
    if value.isascii() and value.isprintable() and "  " not in value:
        return value.strip()
    return " ".join(_CONTROL.sub(" ", value.replace("\x00", "")).split())


# -- charsets ---------------------------------------------------------------------------------

_CHARSET_ALIASES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("", "x-unknown", "unknown", "unknown-8bit", "x-user-defined", "default", "8bit"), ()),
    **dict.fromkeys(
        ("us-ascii", "ascii", "ansi_x3.4-1968", "us", "iso646-us", "cp367"), ("utf-8", "cp1252", "latin-1")
    ),
    **dict.fromkeys(("iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "cp819"), ("cp1252", "latin-1")),
    **dict.fromkeys(("windows-1252", "cp1252", "x-cp1252"), ("cp1252", "latin-1")),
    **dict.fromkeys(("unicode-1-1-utf-7", "utf7", "x-utf-7"), ("utf-7",)),
    **dict.fromkeys(("utf8", "x-utf8", "unicode-1-1-utf-8", "utf-8"), ("utf-8",)),
    **dict.fromkeys(("iso-8859-8-i", "iso-8859-8-e", "iso_8859-8-i", "csiso88598i"), ("iso8859-8",)),
    **dict.fromkeys(("iso-8859-6-i", "iso-8859-6-e"), ("iso8859-6",)),
    **dict.fromkeys(("gb2312", "gbk", "x-gbk", "cp936", "euc-cn", "csgb2312", "gb_2312-80", "chinese"), ("gb18030",)),
    **dict.fromkeys(
        ("ks_c_5601-1987", "ks_c_5601", "ks_c_5601-1989", "ksc5601", "euc-kr", "korean", "windows-949"), ("cp949",)
    ),
    **dict.fromkeys(
        ("iso-2022-jp", "csiso2022jp", "iso-2022-jp-1", "iso-2022-jp-2", "iso-2022-jp-3", "iso-2022-jp-ms"),
        ("iso2022_jp_2", "iso2022_jp_ext", "iso2022_jp_2004"),
    ),
    **dict.fromkeys(
        ("shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis", "windows-31j", "cp932"),
        ("cp932", "shift_jis_2004"),
    ),
    **dict.fromkeys(("euc-jp", "x-euc-jp", "eucjp"), ("euc_jp", "euc_jis_2004")),
    **dict.fromkeys(("big5", "big5-hkscs", "x-x-big5", "cn-big5", "csbig5"), ("big5hkscs", "cp950")),
    **dict.fromkeys(("windows-874", "x-windows-874", "tis-620", "iso-8859-11"), ("cp874",)),
    **dict.fromkeys(("x-mac-roman", "macintosh", "mac"), ("mac_roman",)),
    **dict.fromkeys(("x-mac-cyrillic",), ("mac_cyrillic",)),
}


@functools.lru_cache(maxsize=256)
def _codecs_for(label: str) -> tuple[tuple[str, ...], bool]:
    """Python codecs to try for a MIME charset label, and whether the label was understood."""
    name = label.strip().strip("\"'").lower()
    if name in _CHARSET_ALIASES:
        return _CHARSET_ALIASES[name], True
    for candidate in (name, name.removeprefix("x-"), name.replace("_", "-")):
        try:
            info = codecs.lookup(candidate)
        except LookupError:
            continue
        if getattr(info, "_is_text_encoding", True):  # never zlib_codec, base64_codec and friends
            return (info.name,), True
    return (), False


def decode_bytes_guessing(data: bytes, hint: str | None = None) -> str:
    """Text of unlabelled bytes: UTF-8 if valid, else the hinted charset, else Windows-1252, else Latin-1.

    UTF-8 cut off in the middle of a character (a truncated file name) still counts as UTF-8.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.start > 0:
            return data.decode("utf-8", errors="replace")
    for codec in _codecs_for(hint)[0] if hint else ():
        try:
            return data.decode(codec)
        except UnicodeError:
            continue
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def decode_bytes(data: bytes, charset: str | None) -> tuple[str, str | None]:
    """Text of `data` in the declared charset, with fallbacks, and a defect if it was not clean."""
    candidates, known = _codecs_for(charset or "")
    for codec in candidates:
        try:
            return data.decode(codec), None
        except UnicodeError:
            continue
    if not candidates:
        text = decode_bytes_guessing(data)
        return text, None if known else f"unknown charset {charset!r}, decoded as UTF-8/Windows-1252"
    if candidates[0] != "utf-8":
        try:
            return data.decode("utf-8"), f"bytes are not valid {charset}, decoded as UTF-8"
        except UnicodeDecodeError:
            pass
    return data.decode(candidates[0], errors="replace"), f"bytes are not valid {charset}, undecodable ones replaced"


# -- addresses, ids, dates --------------------------------------------------------------------

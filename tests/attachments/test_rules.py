"""Which files are taken, what their bytes say they are, and the precise words of each refusal."""

from __future__ import annotations

import pytest

from sameside.attachments.rules import (
    File,
    Limits,
    Refusal,
    Upload,
    check,
    for_email,
    inert_name,
    previewable,
    size_words,
    sniff,
)

MB = 1024 * 1024
LIMITS = Limits(max_bytes=25 * MB, max_count=3)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
GIF = b"GIF89a" + b"\x00" * 32
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48


def up(name: str, data: bytes, size: int | None = None) -> Upload:
    return Upload(name, len(data) if size is None else size, data)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (GIF, "image/gif"),
        (WEBP, "image/webp"),
        (PDF, "application/pdf"),
        (HTML, "text/html"),
        (b"  \n<html><body>hi", "text/html"),
        (SVG, "image/svg+xml"),
        (b"<svg viewBox='0 0 1 1'></svg>", "image/svg+xml"),
        (b"Order 1234 never came.\nPlease help.", "text/plain"),
        ("Grüße aus Köln".encode(), "text/plain"),
        (b"BMW 320d, reg. AB-123", "text/plain"),
        (b"MZ Logistics invoice", "text/plain"),
        (b"\x00\x01\x02\x03garbage", "application/octet-stream"),
        (PE, "application/x-executable"),
        (b"\x7fELF\x02\x01\x01", "application/x-executable"),
        (b"#!/bin/sh\nrm -rf ~", "application/x-executable"),
        (b"PK\x03\x04\x14\x00", "application/zip"),
    ],
)
def test_the_type_comes_from_the_bytes(data: bytes, kind: str) -> None:
    assert sniff(data, "whatever.txt") == kind


def test_a_zip_named_docx_is_a_word_document_and_the_name_alone_makes_nothing_one() -> None:
    assert sniff(b"PK\x03\x04rest", "report.docx").endswith("wordprocessingml.document")
    assert sniff(b"plain words", "report.docx") == "text/plain"


def test_accepted_files_carry_their_sniffed_type_not_the_claimed_one() -> None:
    result = check([up("photo.png", PNG), up("notes.txt", HTML)], LIMITS)
    assert [(f.filename, f.content_type) for f in result.accepted] == [
        ("photo.png", "image/png"),
        ("notes.txt", "text/html"),
    ]
    assert result.refused == []


@pytest.mark.parametrize(
    ("upload", "said"),
    [
        (up("report.exe", PE), "report.exe: programs are not accepted"),
        (up("invoice.pdf", PE), "invoice.pdf: programs are not accepted"),
        (up("run.bat", b"del C:\\*"), "run.bat: programs are not accepted"),
        (up("report.exe.", b"x"), "report.exe: programs are not accepted"),
        (up("big.pdf", b"", size=31 * MB), "big.pdf: 31 MB, over the 25 MB limit"),
        (up("edge.pdf", b"", size=25 * MB + 1), "edge.pdf: 26,214,401 bytes, over the 25 MB limit"),
        (up("empty.txt", b""), "empty.txt: the file is empty"),
        (up("photo.png", HTML), "photo.png: the name says PNG image but the contents are HTML; send the real file"),
        (up("cat.jpg", PNG), "cat.jpg: the name says JPEG image but the contents are PNG image; send the real file"),
    ],
)
def test_each_refusal_names_the_file_and_says_why(upload: Upload, said: str) -> None:
    result = check([upload, up("fine.txt", b"hello")], LIMITS)
    assert [str(r) for r in result.refused] == [said]
    assert [f.filename for f in result.accepted] == ["fine.txt"], "the rest of the message still goes"


def test_files_past_the_count_are_refused_by_name() -> None:
    result = check([up(f"f{i}.txt", b"x") for i in range(5)], LIMITS)
    assert [f.filename for f in result.accepted] == ["f0.txt", "f1.txt", "f2.txt"]
    assert result.refused == [
        Refusal("f3.txt", "only 3 files can go with one message"),
        Refusal("f4.txt", "only 3 files can go with one message"),
    ]
    assert result.message.startswith("f3.txt: only 3 files")


def test_an_empty_file_field_is_no_file_at_all() -> None:
    assert check([Upload("", 0, b"")], LIMITS).refused == []


@pytest.mark.parametrize(
    ("raw", "inert"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ana\\report.pdf", "report.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("a\r\nBcc: x@y.z.txt", "aBcc_ x@y.z.txt"),
        (".htaccess", "htaccess"),
        ('quote".txt', "quote_.txt"),
        ("   ", "file"),
        ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
    ],
)
def test_names_are_made_inert(raw: str, inert: str) -> None:
    assert inert_name(raw) == inert


def test_only_safe_rasters_preview() -> None:
    assert previewable(PNG) == "image/png" and previewable(WEBP) == "image/webp"
    assert previewable(SVG) is None and previewable(HTML) is None and previewable(PDF) is None


def test_sizes_in_words() -> None:
    assert [size_words(n) for n in (1, 900, 2048, int(1.5 * MB), 31 * MB)] == [
        "1 byte",
        "900 bytes",
        "2 KB",
        "1.5 MB",
        "31 MB",
    ]


def test_email_takes_files_in_order_while_they_fit() -> None:
    a, b, c = File("a.txt", "text/plain", b"x" * 10), File("b.txt", "text/plain", b"x" * 20), File("c", "t/p", b"x")
    assert for_email([a, b, c], 25) == ([a], [b, c])

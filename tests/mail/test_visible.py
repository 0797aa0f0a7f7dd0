"""split_reply on the reply shapes our customers' mail clients produce."""

from __future__ import annotations

import time

import pytest

from sameside.mail.visible import MAX_CHARS, Split, split_reply, visible_text


def test_gmail_on_wrote() -> None:
    text = (
        "Yes, Tuesday works for me.\n\n"
        "On Mon, Apr 2, 2012 at 6:26 PM, Megan One <megan@example.com> wrote:\n\n"
        "> Can we meet on Tuesday?\n> Megan\n"
    )
    split = split_reply(text)
    assert split.visible == "Yes, Tuesday works for me."
    assert split.quoted.startswith("On Mon, Apr 2, 2012")
    assert "> Can we meet" in split.quoted
    assert split.signature == ""


def test_on_wrote_broken_over_lines() -> None:
    text = (
        "Thanks, that fixed it.\n\n"
        "On Dec 16, 2011, at 12:47 PM, Corey Donohoe\n<reply@reply.github.com>\nwrote:\n\n> Try restarting.\n"
    )
    split = split_reply(text)
    assert split.visible == "Thanks, that fixed it."
    assert split.quoted.startswith("On Dec 16, 2011")


def test_outlook_header_block() -> None:
    text = (
        "Please cancel my order.\n\n"
        "From: Support [mailto:help@example.com]\n"
        "Sent: Friday, 23 March 2012 5:08 p.m.\n"
        "To: Jane Doe\n"
        "Subject: Your order\n\n"
        "Your order has shipped.\n"
    )
    split = split_reply(text)
    assert split.visible == "Please cancel my order."
    assert split.quoted.startswith("From: Support")


def test_outlook_original_message_and_underscores() -> None:
    original = "Hello\n\n-----Original Message-----\nFrom: bob <bob@example.com>\nSent: Mon\n\nHi\n"
    assert split_reply(original).visible == "Hello"
    underscores = "Reply above the line\n________________________________\nFrom: A\nSent: B\nTo: C\n\nOld text\n"
    assert split_reply(underscores).visible == "Reply above the line"


def test_apple_mail_quote_header_inside_quote() -> None:
    text = "Hello\n> On 22 Aug 2015, at 19:21, Adam Renberg <adam@example.com> wrote:\n>\n> Hi there!\n"
    assert split_reply(text).visible == "Hello"


@pytest.mark.parametrize(
    "header",
    [
        "Am 01.03.2023 um 10:00 schrieb Anna Schmidt <anna@example.de>:",
        "Le 15 déc. 2016 à 09:35, Company Questions <questions@example.com> a écrit :",
        "Von: Anna Schmidt <anna@example.de>\nGesendet: Montag, 1. März 2023 10:00\nAn: Support\nBetreff: Frage",
        "De : Company Questions<mailto:questions@example.com>\nEnvoyé le :jeudi 15 décembre 2016 09:35\n"
        "À : someone@example.fr\nObjet :Curabitur",
    ],
)
def test_german_and_french_quote_headers(header: str) -> None:
    text = f"Vielen Dank, merci.\n\n{header}\n\n> Alter Text\n"
    split = split_reply(text)
    assert split.visible == "Vielen Dank, merci."
    assert split.quoted.startswith(header.split("\n", maxsplit=1)[0])


def test_languages_narrow_the_headers() -> None:
    text = "Danke.\n\nAm 01.03.2023 um 10:00 schrieb Anna Schmidt:\nalter Text ohne Zitatzeichen\n"
    assert split_reply(text, languages=["de"]).visible == "Danke."


def test_signature_delimiter() -> None:
    text = "See you then.\n\n-- \nJane Doe\nAcme Ltd\n"
    split = split_reply(text)
    assert split == Split(visible="See you then.", quoted="", signature="-- \nJane Doe\nAcme Ltd")


def test_phone_signature_before_quote() -> None:
    text = "Hello\n\nSent from my iPhone\n\nOn Apr 3, 2012, at 4:19 PM, bob <bob@example.com> wrote:\n\n> Hi\n"
    split = split_reply(text)
    assert split.visible == "Hello"
    assert split.signature == "Sent from my iPhone"
    assert split.quoted.startswith("On Apr 3, 2012")


def test_prose_is_not_a_signature_or_header() -> None:
    text = (
        "Sent from my desk, which is easier than my phone.\n\nHere is what I wrote:\nthe printer jams.\n\n"
        "Data: attached below"
    )
    assert split_reply(text) == Split(visible=text, quoted="", signature="")


def test_no_quote() -> None:
    text = "My password reset link has expired.\nCan you send a new one?"
    assert split_reply(text) == Split(visible=text, quoted="", signature="")


def test_reply_below_the_quote() -> None:
    text = "On 04/02/2012 06:26 PM, Megan One wrote:\n> Hi\nHello"
    split = split_reply(text)
    assert split.visible == "Hello"
    assert split.quoted == "On 04/02/2012 06:26 PM, Megan One wrote:\n> Hi"


def test_trailing_quote_with_unknown_attribution() -> None:
    text = 'Hello\n02.04.2012 14:20 пользователь "bob@example.org" <\nbob@example.org> написал:\n\n> Hi\n>\n'
    assert split_reply(text).visible == "Hello"


def test_fully_quoted_message_falls_back_to_the_whole_text() -> None:
    text = "> Hi\n> are you there?\n"
    assert split_reply(text).visible == text.strip()


def test_forward_with_header_at_top_falls_back_to_the_whole_text() -> None:
    text = "---------- Forwarded message ---------\nFrom: A <a@example.com>\nDate: today\n\nPlease see below.\n"
    assert split_reply(text).visible == text.strip()


def test_forward_with_a_note_keeps_the_note() -> None:
    text = "FYI, see below.\n\n---------- Forwarded message ---------\nFrom: A <a@example.com>\n\nBody\n"
    split = split_reply(text)
    assert split.visible == "FYI, see below."
    assert split.quoted.startswith("---------- Forwarded message")


@pytest.mark.parametrize("text", ["", "   \n\n ", "\n"])
def test_empty(text: str) -> None:
    assert split_reply(text) == Split(visible="", quoted="", signature="")
    assert visible_text(text) == ""


def test_crlf_is_normalised() -> None:
    assert visible_text("Hi\r\n\r\nOn Mon, Jan 1, 2024 at 9:00 AM, A <a@example.com> wrote:\r\n> x\r\n") == "Hi"


@pytest.mark.parametrize(
    "text",
    [
        ">" * 5000,
        "On " * 3000 + "wrote:",
        "From: x\n" * 3000,
        "\x00\ufeff\u202e> \n--\n",
        "-- \n",
        "a" * (MAX_CHARS + 10),
        "Hi\n" + "x" * MAX_CHARS + "\nOn Mon, A wrote:\n> q",
    ],
)
@pytest.mark.timed
def test_never_raises_never_empty_and_stays_fast(text: str) -> None:
    started = time.perf_counter()
    split = split_reply(text)
    assert time.perf_counter() - started < 0.5
    assert split.visible.strip()

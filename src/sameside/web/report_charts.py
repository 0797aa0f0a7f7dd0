"""The reports page's figures in words, and their trends as small server-drawn charts (SVG) with their numbers.

Every chart is an `<svg role="img">` with a title and a description that says
what the line does in words, and a table of the same numbers under it: the
chart is for a glance, the table for anyone who cannot or would rather not
read a line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sameside.grants.rules import Money
from sameside.reports.queries import Headline
from sameside.reports.rules import Figures

WIDTH = 240
HEIGHT = 56
PAD = 4


def minutes_words(minutes: float | None) -> str:
    if minutes is None:
        return "–"
    m = round(minutes)
    if m < 60:
        return f"{m} min"
    if m < 48 * 60:
        hours, rest = divmod(m, 60)
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    return f"{m / 1440:.1f} days"


def percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f} %"


def times(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def tone(value: float | None) -> str:
    return "–" if value is None else f"{value:+.2f}"


@dataclass(frozen=True)
class Chart:
    title: str
    desc: str
    paths: tuple[str, ...]
    """SVG path data, one per unbroken run of points (a point with nothing to measure breaks the line)."""
    dots: tuple[tuple[float, float], ...]
    width: int = WIDTH
    height: int = HEIGHT


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    count: str


@dataclass(frozen=True)
class Card:
    key: str
    title: str
    value: str
    caption: str
    chart: Chart | None
    rows: tuple[Row, ...]
    count_label: str
    measured: bool = True


def step_label(first: date, last: date) -> str:
    return f"{first:%d %b}" if first == last else f"{first:%d %b}–{last:%d %b}"


def chart(title: str, values: list[float | None], labels: list[str], say: Callable[[float | None], str]) -> Chart:
    known = [v for v in values if v is not None]
    low, high = (min(known), max(known)) if known else (0.0, 1.0)
    if high == low:
        low, high = low - 1, high + 1
    n = max(1, len(values) - 1)
    points: list[tuple[float, float] | None] = [
        None
        if v is None
        else (
            round(PAD + (WIDTH - 2 * PAD) * i / n, 1),
            round(HEIGHT - PAD - (HEIGHT - 2 * PAD) * (v - low) / (high - low), 1),
        )
        for i, v in enumerate(values)
    ]
    paths: list[str] = []
    run: list[tuple[float, float]] = []
    for p in [*points, None]:
        if p is None:
            if run:
                paths.append("M" + " L".join(f"{x},{y}" for x, y in run))
            run = []
        else:
            run.append(p)
    dots = tuple(p for p in points if p is not None)
    if known:
        first_i = next(i for i, v in enumerate(values) if v is not None)
        last_i = max(i for i, v in enumerate(values) if v is not None)
        desc = (
            f"From {say(values[first_i])} ({labels[first_i]}) to {say(values[last_i])} ({labels[last_i]}); "
            f"lowest {say(min(known))}, highest {say(max(known))}."
        )
    else:
        desc = "Nothing to measure in this period yet."
    return Chart(title=title, desc=desc, paths=tuple(paths), dots=dots[-1:] if len(dots) > 1 else dots)


def cards(report: Headline) -> list[Card]:
    """The figures in the order a lead reads them: the customer's experience first."""
    f = report.figures
    labels = [step_label(p.first, p.last) for p in report.trend]
    trend = [p.figures for p in report.trend]

    def card(
        key: str,
        title: str,
        value: str,
        caption: str,
        of: Callable[[Figures], float | None],
        say: Callable[[float | None], str],
        count: Callable[[Figures], int],
        count_label: str,
    ) -> Card:
        values = [of(x) for x in trend]
        rows = tuple(Row(label, say(v), str(count(x))) for label, v, x in zip(labels, values, trend, strict=True))
        return Card(key, title, value, caption, chart(title, values, labels, say), rows, count_label)

    def tone_change(x: Figures) -> float | None:
        return None if x.first_tone is None or x.last_tone is None else x.last_tone - x.first_tone

    return [
        card(
            "first-reply",
            "Time to first human reply",
            f"{minutes_words(f.reply_p50_minutes)} · 90 % within {minutes_words(f.reply_p90_minutes)}",
            f"Median over {f.first_replies} first replies by a person; automatic acknowledgements never count.",
            lambda x: x.reply_p50_minutes,
            minutes_words,
            lambda x: x.first_replies,
            "Replies",
        ),
        card(
            "fcr",
            "First-contact resolution",
            percent(f.first_contact_resolution),
            f"Of {f.fcr_decided} resolutions whose week has passed, solved with no further contact.",
            lambda x: x.first_contact_resolution,
            percent,
            lambda x: x.fcr_decided,
            "Resolutions judged",
        ),
        card(
            "csat",
            "Customer satisfaction (CSAT)",
            percent(f.csat),
            f"Answered 4 or 5 out of 5, of {f.answers} answers"
            + (f"; average {f.mean_score:.1f}." if f.mean_score is not None else "."),
            lambda x: x.csat,
            percent,
            lambda x: x.answers,
            "Answers",
        ),
        card(
            "repeats",
            "Repeat contacts",
            percent(f.repeat_rate),
            f"Of {f.opened} new cases, about a problem solved the week before. Lower is better.",
            lambda x: x.repeat_rate,
            percent,
            lambda x: x.opened,
            "New cases",
        ),
        card(
            "transfers",
            "Transfers per case",
            times(f.transfers_per_case),
            f"{f.transfers} transfers over {f.resolved} resolved cases.",
            lambda x: x.transfers_per_case,
            times,
            lambda x: x.resolved,
            "Resolved",
        ),
        card(
            "restatements",
            "Restatements per transfer",
            times(f.restatements_per_transfer),
            "Times a customer told their story again after a transfer. The aim is none.",
            lambda x: x.restatements_per_transfer,
            times,
            lambda x: x.transfers,
            "Transfers",
        ),
        card(
            "consults",
            "Consults answered on time",
            percent(f.consult_on_time),
            f"Of {f.consults_due} consults that fell due, answered by their due time.",
            lambda x: x.consult_on_time,
            percent,
            lambda x: x.consults_due,
            "Due",
        ),
        card(
            "callbacks",
            "Callbacks on time",
            percent(f.callback_on_time),
            f"Of {f.callbacks_due} booked calls whose slot came, made in the slot the customer picked.",
            lambda x: x.callback_on_time,
            percent,
            lambda x: x.callbacks_due,
            "Calls due",
        ),
        card(
            "parity",
            "Wait-time parity across tiers",
            times(f.tier_parity) + ("×" if f.tier_parity is not None else ""),
            "The slowest tier's 90th-percentile first-reply wait over the fastest's; 1.00 is parity."
            + (
                " " + ", ".join(f"{t} {minutes_words(m)}" for t, m in f.tier_p90_minutes.items()) + "."
                if f.tier_p90_minutes
                else ""
            ),
            lambda x: x.tier_parity,
            times,
            lambda x: x.first_replies,
            "Replies",
        ),
        card(
            "service-level",
            "Service-level attainment",
            percent(f.service_level),
            f"Of {f.targets_decided} reply and resolution targets decided, met in time.",
            lambda x: x.service_level,
            percent,
            lambda x: x.targets_decided,
            "Targets",
        ),
        card(
            "surveys",
            "Surveys per customer per 30 days",
            times(f.surveys_per_customer),
            f"{f.surveys_sent} surveys sent; the policy allows one per customer in 30 days, so 1.00 is kept.",
            lambda x: x.surveys_per_customer,
            times,
            lambda x: x.surveys_sent,
            "Sent",
        ),
        card(
            "sentiment",
            "Sentiment, first message → last",
            f"{tone(f.first_tone)} → {tone(f.last_tone)}",
            f"The tone of the customer's words (−1 upset … +1 pleased), averaged over {f.toned} resolved cases: "
            "how they felt when they wrote first, and when they wrote last. An automatic guess.",
            tone_change,
            tone,
            lambda x: x.toned,
            "Cases",
        ),
    ]


def spend_lines(f: Figures) -> list[tuple[str, str, str, str]]:
    """(currency, remedy, goodwill, remedy's share) per currency: amounts are never added across currencies."""
    return [
        (
            s.currency,
            Money(s.remedy_minor, s.currency).words(),
            Money(s.goodwill_minor, s.currency).words(),
            percent(
                s.remedy_minor / (s.remedy_minor + s.goodwill_minor) if s.remedy_minor + s.goodwill_minor else None
            ),
        )
        for s in f.spend
    ]

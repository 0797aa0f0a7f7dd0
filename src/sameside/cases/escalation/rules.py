"""Is the customer asking for someone senior? And what an escalation request changes (P3), in plain Python.

An escalation is never a new queue: the case stays with its owner, who hears
of it together with their supervisor. This module only decides *whether* a
message asks for it, and the small policies around it; `escalations.py` acts.

The detector looks for a request, not a word. "I want to speak to a
manager", "your boss", "escalate this", "Ihren Vorgesetzten", "parler à un
responsable", "hablar con el gerente" ask; "my manager asked me to order",
"our supervisor signed it", "the account manager field", "vous êtes
responsable du retard" do not. So a senior noun counts only after a request
("speak to", "put me through to", "I want"…) with a determiner that points
at *our* people (a, the, your — never my or our), or right after "your". A
negation just before it ("I don't need a manager") cancels it, and quoted
lines (`> …` in a reply) are someone else's words. It errs on the side of
silence: a missed ask still reaches the owner, who reads every message,
while a false alarm wakes a supervisor for nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sameside.cases.rules import Priority

QUIET_PERIOD = timedelta(hours=24)
"""A repeat request within this long after the last one is recorded, but tells nobody again."""

AT_LEAST = Priority.HIGH
"""An escalated case is worked at this priority or above."""

_RANK = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}


@dataclass(frozen=True)
class Ask:
    """A request for someone senior, found in a message."""

    phrase: str
    """The words that asked, as the customer wrote them."""


# ---------------------------------------------------------------- the words

# Who counts as "someone senior", per language. Nouns that also name ordinary
# things ("manager account", "Chef" the cook) are guarded by what follows.
_EN_SENIOR = (
    r"(?:(?:senior|duty|shift|floor|line|general|customer\s+service|support|team)\s+)?"
    r"(?:manager|supervisor|superior|boss|management|team\s*lead(?:er)?)"
    r"(?!['’]s\b|\s+(?:account|role|app|application|access|login|portal|dashboard|permissions?|"
    r"licen[cs]e|seat|view|mode|level|position|job|vacancy|title|password|field|software|tool)\b)"
)
_EN_SOMEONE = (
    r"(?:some(?:one|body)|a\s+person|the\s+person|a\s+colleague)\s+"
    r"(?:(?:more\s+)?senior|higher\s+up|in\s+charge|with\s+(?:more\s+)?authority)"
    r"|(?:the\s+)?higher[- ]ups?"
)
_EN = [
    # "speak to a manager", "talk with someone senior", "put me through to your supervisor"
    r"\b(?:speak|talk|chat)(?:ing)?\s+(?:to|with)\s+(?:(?:a|an|the|your|one\s+of\s+your)\s+)?"
    rf"(?:{_EN_SENIOR}|{_EN_SOMEONE})\b",
    r"\b(?:put|get|transfer|pass|connect|send|forward|refer|escalate)\s+(?:me|this|it|my\s+\w+)\s+"
    r"(?:through\s+|over\s+|up\s+)?(?:to|with)\s+(?:(?:a|an|the|your|one\s+of\s+your)\s+)?"
    rf"(?:{_EN_SENIOR}|{_EN_SOMEONE})\b",
    # "I want a manager", "can I have your supervisor", "get me someone senior" — a determiner is
    # required, so "we need management approval" is not an ask
    r"\b(?:want|need|demand|request|ask(?:ing)?\s+for|get\s+me|give\s+me|(?:can|could|may)\s+i\s+(?:have|get|see))\s+"
    rf"(?:(?:a|an|your|some|one\s+of\s+your)\s+{_EN_SENIOR}|{_EN_SOMEONE})\b",
    # "your boss", "your manager" — our people, asked about by name
    r"\byour\s+(?:manager|supervisor|superior|boss|management|team\s*lead(?:er)?|higher[- ]ups?)"
    r"(?!\s+(?:account|role|app|portal|dashboard|field)\b)\b",
    # "please escalate", "escalate this", "I want it escalated", "an escalation" — never "prices escalate"
    r"\b(?:please|to|you|can|could|will|would|must|should)\s+escalate\b",
    r"\bescalate\s+(?:this|it|that|my|the|our|me|to|immediately|now|urgently)\b",
    r"\b(?:get|have|want|need)\s+(?:this|it|my\s+\w+|the\s+\w+)\s+escalated\b",
    r"\b(?:an?|request(?:ing)?|for|want|need|demand)\s+(?:an?\s+)?escalation\b",
]

_DE_SENIOR = (
    r"(?:vorgesetzt\w*|chef(?:in)?|teamleit\w*|abteilungsleit\w*|filialleit\w*|geschäftsführ\w*|"
    r"geschäftsleitung|führungskraft|verantwortlichen?)"
)
_DE = [
    # "Ihren Vorgesetzten", "mit einem Teamleiter", "mit der Geschäftsführung" — never "mein Vorgesetzter"
    r"\b(?:ihr(?:em|en|er|e)?|dein(?:em|en|er|e)?|eu(?:e)?r(?:em|en|er|e)?|einen|einem|einer|mit\s+(?:dem|der))\s+"
    rf"{_DE_SENIOR}\b",
    r"\b(?:den|die)\s+(?:vorgesetzt\w*|geschäftsführung|teamleit\w*)\s+(?:sprechen|verlangen|haben|holen)\b",
    r"\bjemand(?:en|em)?\s+(?:mit\s+mehr\s+befugnis|vorgesetzt\w*|höher\w*)",
    r"\beskalieren\b",
]

_FR_SENIOR = r"(?:responsable|supérieur\w*|superviseur|manager|directeur|directrice|chef|hiérarchie)"
_FR = [
    # "parler à un responsable", "voir votre supérieur", "je veux un responsable"
    r"\b(?:parler|discuter|voir|contacter|joindre|avoir|passer|transférer|veux|voudrais|souhaite|exige|demande)\s+"
    r"(?:(?:à|a|au|avec)\s+)?(?:(?:un|une|le|la|votre|vos|ton|ta)\s+|l['’]\s*)"
    rf"{_FR_SENIOR}\b",
    r"\bparler\s+au\s+" rf"{_FR_SENIOR}\b",
    rf"\b(?:votre|vos)\s+{_FR_SENIOR}\b",
    r"\bquelqu['’]un\s+de\s+(?:plus\s+)?(?:haut\s+placé|responsable|senior)",
]

_ES_SENIOR = r"(?:gerente|supervisora?|jef[ea]|encargad[oa]|superior|directora?)"
_ES = [
    # "hablar con el gerente", "pásame al supervisor", "comunicarme con un responsable"
    r"\b(?:hablar|comunicarme|contactar|ver|pasar|p[aá]s(?:am|em)e|p[oó]ngame|comun[ií]queme)\s+"
    rf"(?:(?:con|a)\s+)?(?:el|la|un|una|su|tu|al)\s+(?:{_ES_SENIOR}|responsable)\b",
    # "quiero un supervisor" (but "necesito un responsable de compras" is about their own company)
    rf"\b(?:quiero|necesito|exijo|pido|solicito)\s+(?:(?:a|al)\s+)?(?:el|la|un|una|su|tu|al)\s+{_ES_SENIOR}\b",
    r"\b(?:su|tu)\s+(?:gerente|supervisora?|jef[ea]|superior|encargad[oa])\b",
    r"\balguien\s+(?:de\s+)?(?:m[aá]s\s+)?(?:arriba|superior|con\s+m[aá]s\s+autoridad)",
    r"\bescalar\s+(?:esto|el\s+caso|mi\s+caso|la\s+queja|mi\s+queja|el\s+problema|el\s+reclamo|mi\s+reclamo)\b",
]

_ASKS = re.compile("|".join(f"(?:{p})" for p in (*_EN, *_DE, *_FR, *_ES)), re.IGNORECASE)

# A message that is nothing but the word: "MANAGER. NOW."
_SHOUT = re.compile(
    r"^\W*(?:(?:a|the|your)\s+)?(?:manager|supervisor|gerente|vorgesetzte[nr]?|responsable)"
    r"(?:\W+(?:please|now|pls|bitte|sofort|por\s+favor|ahora|s['’]il\s+vous\s+pla[iî]t|maintenant))?\W*$",
    re.IGNORECASE,
)

# Words that, just before an ask, turn it around: "I don't need a manager", "sans parler à un responsable".
_NEGATION = re.compile(
    r"\b(?:not|no|don['’]?t|doesn['’]?t|won['’]?t|never|without|needn['’]?t|no\s+need|"
    r"nicht|kein\w*|nie|ohne|ne|n['’]|pas|jamais|sans|nunca|sin)\b",
    re.IGNORECASE,
)
_NEGATION_WORDS = 4
_WHY = re.compile(r"\s*(?:why|how\s+come|warum|wieso|pourquoi|por\s*qu[eé])\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[.,;:!?¡¿\n]")


def asks_for_escalation(text: str) -> Ask | None:
    """The first request for someone senior in `text`, or None.

    Quoted lines (`>`) are skipped: they are earlier messages, often ours.
    """
    if _SHOUT.match(text.strip()):
        return Ask(phrase=" ".join(text.split()))
    for line in text.splitlines():
        if line.lstrip().startswith(">"):
            continue
        for found in _ASKS.finditer(line):
            if not _negated(line[: found.start()]):
                return Ask(phrase=" ".join(found.group(0).split()))
    return None


def _negated(before: str) -> bool:
    """Whether the few words before an ask, in the same clause, negate it.

    A "why … not" question is a complaint, not a refusal: "Why won't you let me speak to a manager?" asks.
    """
    clause = _CLAUSE_END.split(before)[-1]
    if _WHY.match(clause):
        return False
    words = clause.split()[-_NEGATION_WORDS:]
    return bool(_NEGATION.search(" ".join(words)))


# ---------------------------------------------------------------- the policies


def priority_after(current: Priority) -> Priority | None:
    """The priority an escalated case moves to, or None when it is already high enough."""
    return AT_LEAST if _RANK[current] < _RANK[AT_LEAST] else None


def tells_people(last_request_at: datetime | None, now: datetime) -> bool:
    """Whether a request notifies the owner and supervisors: not when the last one did so moments ago.

    The request is always recorded; the quiet period only spares the same
    people the same alert twice (a customer pressing the button again, or
    repeating "manager!" in three messages).
    """
    return last_request_at is None or now - last_request_at >= QUIET_PERIOD


def minutes_between(start: datetime, end: datetime) -> int:
    return max(0, int((end - start).total_seconds() // 60))


def describe_minutes(minutes: int) -> str:
    """A wait in the words a person would use: "40 min", "3 h", "2 days"."""
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} days"

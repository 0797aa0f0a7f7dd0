"""The demo's knowledge base (P13): a dozen articles a retail help desk would keep, public and internal.

Written through the knowledge service, so each has its first revision and
its vectors; then each solved demo case whose question an article answers
records that article as used on it, so articles show the cases they helped
and the case page has similar solved cases to offer. The seed calls
`seed_knowledge(session, admin, opened)` once, after the cases are played.

ABCD's 55 procedure articles (the shared corpus's `abcd/kb_articles.jsonl`,
MIT) load as internal articles with `seed_abcd(session, admin, path)` when
that file is at hand.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from sameside.cases.models import Case
from sameside.cases.rules import CaseStatus
from sameside.kit.actors import Actor
from sameside.knowledge import queries, service
from sameside.knowledge.rules import Visibility

PUBLIC, INTERNAL = Visibility.PUBLIC, Visibility.INTERNAL

ARTICLES: tuple[tuple[str, Visibility, str, str], ...] = (
    (
        "Delivery",
        PUBLIC,
        "Where is my parcel?",
        "Most parcels arrive **2 to 4 working days** after we send them; you get an email with the tracking link "
        "when they leave us.\n\n"
        "- Tracking can pause for a day or two at a depot: that is normal.\n"
        "- If it has not moved for **5 working days**, write to us: we open a search with the carrier and, if it "
        "is lost, send a new one or refund you — your choice.",
    ),
    (
        "Delivery",
        PUBLIC,
        "My parcel says delivered but I do not have it",
        "First check with neighbours and any safe place you told us about; the carrier's delivery photo is on the "
        "tracking page.\n\nStill nothing after a day? Tell us and we take it from there: we ask the carrier for "
        "proof and, while they look, we send a replacement or refund you. You do not have to wait for them.",
    ),
    (
        "Returns and refunds",
        PUBLIC,
        "Returning something",
        "You can send anything back within **30 days** of delivery, unused and in its packaging.\n\n"
        "1. Ask for a return in your account or by writing to us.\n"
        "2. We email a free return label.\n"
        "3. Once it reaches us, we refund you within **3 working days**, to the way you paid.",
    ),
    (
        "Returns and refunds",
        PUBLIC,
        "When will I get my refund?",
        "We refund within 3 working days of your return reaching us. Your bank can take another **3 to 5 working "
        "days** to show it. Card refunds go back to the same card; if that card is cancelled, your bank passes it "
        "to your new one.",
    ),
    (
        "Damaged or wrong items",
        PUBLIC,
        "An item arrived broken or damaged",
        "We are sorry it arrived like that. Send us a photo of the item and the box, and choose what you want:\n\n"
        "- a replacement, sent at once, or\n- a full refund.\n\nYou do not need to send the broken item back.",
    ),
    (
        "Damaged or wrong items",
        PUBLIC,
        "I received the wrong item or size",
        "Tell us your order number and what arrived. We send the right one straight away and a free label for "
        "the wrong one; keep it until the label arrives. Sizes run as in our size guide on each product page.",
    ),
    (
        "Billing",
        PUBLIC,
        "I was charged twice",
        "A second charge is often a **card check** that disappears within 3 working days. If both charges are "
        "still there after that, send us a screenshot of your statement and we refund the extra one the same day.",
    ),
    (
        "Account",
        PUBLIC,
        "I cannot sign in to my account",
        "Use **Forgot password** on the sign-in page: we email you a link valid for 30 minutes. No email? Check "
        "spam, then write to us from the address on your account and we help you in.",
    ),
    (
        "Delivery",
        INTERNAL,
        "Lost parcel: what we do",
        "When tracking has not moved for 5 working days:\n\n"
        "1. Open a carrier search (carrier portal, reference = order number).\n"
        "2. Do not make the customer wait for it: offer a replacement or a refund now.\n"
        "3. Note the search reference on the case.",
    ),
    (
        "Returns and refunds",
        INTERNAL,
        "Refunds you may give without asking",
        "Agents refund up to **100 EUR** per case from their budget without approval (see Grants). Above that, "
        "ask a supervisor inside the case: the customer is told we are on it, not to wait.",
    ),
    (
        "Billing",
        INTERNAL,
        "Double charges: checking the payment provider",
        "Look up the order in the payment dashboard. A pending authorisation that was never captured drops off by "
        "itself; two captures mean a real double charge: refund the second and say so plainly.",
    ),
    (
        "Technical",
        INTERNAL,
        "Router keeps dropping the connection",
        "Ask for the firmware version (Settings → About). Below 2.4: walk them through the update. Already current: "
        "a factory reset (hold reset 10 s), then set it up again. Still dropping: send a replacement.",
    ),
)


def seed_knowledge(session: Session, admin: Actor, opened: Sequence[Case] = ()) -> int:
    """Write the demo's articles (published); link each solved case to the article that answers it. Returns how many."""
    for category, visibility, title, body in ARTICLES:
        service.create(session, admin, title=title, body=body, category=category, visibility=visibility, publish=True)
    session.flush()
    solved = [c for c in opened if c.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED)]
    for case in solved[:40]:
        answers = queries.find(session, case.subject, staff=True, limit=1, cases=False)
        if answers.articles:
            service.record_use(session, admin, answers.articles[0].id, case)
    return len(ARTICLES)


def seed_abcd(session: Session, admin: Actor, path: Path) -> int:
    """ABCD's agent guidelines, one internal article per subflow (MIT, ASAPP Research); returns how many."""
    count = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        body = row["body"].replace("\n  - ", "\n- ")
        service.create(
            session,
            admin,
            title=row["title"][:200],
            body=f"{body}\n\n*From the ABCD agent guidelines (MIT, ASAPP Research).*",
            category=row["flow"][:80],
            visibility=INTERNAL,
            publish=True,
        )
        count += 1
    return count

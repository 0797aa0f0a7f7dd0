"""A believable demo desk: teams, back office, customers and a couple of hundred cases.

Seeding happens in two steps. `plan_demo` decides everything — who works
here, who the customers are, what each case is about and how its conversation
went — from the seed alone, without a database. `seed_demo` then plays that
plan through the domain services, with the clock frozen at each moment, so
every timeline is built the way the desk would have built it. The same seed
gives the same demo every time.

Text is written for Sameside's voice: the customer's problem in their own
words, and replies that take the customer's side, own the fix and never blame.
"""

from __future__ import annotations

import math
import random
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal, TypeVar

from faker import Faker
from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.auth.service import customer_actor, staff_actor
from sameside.cases import rules
from sameside.cases import service as cases_service
from sameside.cases.models import Case
from sameside.cases.rules import CaseStatus, Priority
from sameside.customers import service as customers_service
from sameside.customers.models import Channel, Customer, IdentityKind, Organization, Tier
from sameside.customers.service import PreferenceChanges
from sameside.kit import clock
from sameside.kit.actors import Actor, Role, SystemActor
from sameside.staff import service as staff_service
from sameside.staff.models import Department, Staff, Team
from sameside.staff.queries import staff_by_email

DEMO_PASSWORD = "sameside-demo"  # noqa: S105 - published on purpose, for the demo accounts only
DEMO_ADMIN_EMAIL = "admin@sameside.example"
DEMO_SUPERVISOR_EMAIL = "supervisor@sameside.example"
DEMO_AGENT_EMAIL = "agent@sameside.example"
DEMO_CUSTOMER_EMAIL = "customer@example.com"

SYSTEM = SystemActor("demo")
T = TypeVar("T")

# Who acts in a step, besides a staff member's email address.
CUSTOMER = "customer"
SYSTEM_KEY = "system"

WINDOW = timedelta(days=60)
"""Cases are opened within this long before now."""
STRUCTURE_AGE = timedelta(days=90)
"""Teams, staff and organizations are this old."""


# ---------------------------------------------------------------- the plan


@dataclass(frozen=True)
class TeamPlan:
    slug: str
    name: str
    email: str


@dataclass(frozen=True)
class DepartmentPlan:
    slug: str
    name: str
    service_level_hours: int
    label: str
    """How agents mention the department to a customer."""


@dataclass(frozen=True)
class StaffPlan:
    email: str
    name: str
    role: Role
    team: str | None = None
    department: str | None = None


@dataclass(frozen=True)
class OrganizationPlan:
    name: str
    domain: str
    tier: Tier


@dataclass(frozen=True)
class Preferences:
    preferred_channel: Channel | None = None
    language: str | None = None
    form_of_address: str | None = None
    timezone: str | None = None
    contact_window: tuple[str, str] | None = None
    accessibility_notes: str | None = None


@dataclass(frozen=True)
class CustomerPlan:
    name: str
    email: str
    ago: timedelta
    """First seen this long before now."""
    phone: str | None = None
    preferences: Preferences | None = None
    tier: Tier | None = None
    """A tier of their own (customers of an organization take its tier)."""


StepKind = Literal["customer", "reply", "note", "assign", "details", "status", "resolve", "reopen"]


@dataclass(frozen=True)
class Step:
    """One thing that happens on a case, `after` its opening, done `by` someone."""

    after: timedelta
    kind: StepKind
    by: str
    body: str = ""
    status: CaseStatus | None = None
    channel: Channel | None = None
    owner: str | None = None
    priority: Priority | None = None
    tags: tuple[str, ...] | None = None


@dataclass(frozen=True)
class CasePlan:
    customer: int
    """Index into `DemoPlan.customers`."""
    topic: str
    subject: str
    body: str
    channel: Channel
    team: str | None
    priority: Priority
    tags: tuple[str, ...]
    shared: bool
    opened_by: str
    ago: timedelta
    """Opened this long before now."""
    steps: tuple[Step, ...]
    status: CaseStatus
    """Where the steps leave the case."""


@dataclass(frozen=True)
class DemoPlan:
    teams: tuple[TeamPlan, ...]
    departments: tuple[DepartmentPlan, ...]
    staff: tuple[StaffPlan, ...]
    organizations: tuple[OrganizationPlan, ...]
    customers: tuple[CustomerPlan, ...]
    cases: tuple[CasePlan, ...]
    """In the order they were opened (oldest first), so case numbers rise with time."""


# ---------------------------------------------------------------- what the cases are about


@dataclass(frozen=True)
class Story:
    """One way a topic's problem goes: the lines that belong together. Empty fields use the topic's."""

    subjects: tuple[str, ...]
    openings: tuple[str, ...]
    exchanges: tuple[tuple[str, str], ...] = ()
    """(what the agent asks, what the customer answers)."""
    looking: tuple[str, ...] = ()
    handoffs: tuple[str, ...] = ()
    internal: tuple[str, ...] = ()
    backoffice: tuple[str, ...] = ()
    fixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Topic:
    """One kind of problem, with everything people say about it.

    Customer voice: subjects, openings, answers, relapses. Agent voice (to the
    customer): asks, looking, handoffs, fixes. Internal: internal (agent to
    back office), backoffice (the back office's answer, as a note).
    """

    key: str
    team: str
    department: str
    tags: tuple[str, ...]
    priority: tuple[float, float, float, float]
    """Weights of low, normal, high, urgent."""
    stories: tuple[Story, ...]
    exchanges: tuple[tuple[str, str], ...] = ()
    looking: tuple[str, ...] = ()
    handoffs: tuple[str, ...] = ()
    internal: tuple[str, ...] = ()
    backoffice: tuple[str, ...] = ()
    fixes: tuple[str, ...] = ()
    relapses: tuple[str, ...] = ()
    extra_tags: tuple[str, ...] = ()
    business: bool = False
    """More likely to come from a customer of an organization."""

    def lines(self, story: Story) -> Lines:
        return Lines(
            subjects=story.subjects,
            openings=story.openings,
            exchanges=story.exchanges or self.exchanges,
            looking=story.looking or self.looking,
            handoffs=story.handoffs or self.handoffs,
            internal=story.internal or self.internal,
            backoffice=story.backoffice or self.backoffice,
            fixes=story.fixes or self.fixes,
            relapses=self.relapses,
        )


@dataclass(frozen=True)
class Lines:
    """What is said on one case: a story with the topic's defaults filled in."""

    subjects: tuple[str, ...]
    openings: tuple[str, ...]
    exchanges: tuple[tuple[str, str], ...]
    looking: tuple[str, ...]
    handoffs: tuple[str, ...]
    internal: tuple[str, ...]
    backoffice: tuple[str, ...]
    fixes: tuple[str, ...]
    relapses: tuple[str, ...]


TOPICS: tuple[Topic, ...] = (
    Topic(
        key="late_parcel",
        team="support",
        department="shipping",
        tags=("shipping", "late-delivery"),
        priority=(1, 6, 2, 0.5),
        extra_tags=("trace-opened", "carrier-delay", "goodwill"),
        stories=(
            Story(
                subjects=(
                    "Where is my order {order}?",
                    "Order {order} late — need it by the weekend",
                    "Parcel still not here, was due {due}",
                ),
                openings=(
                    "I ordered {product} (order {order}) and the confirmation said it would arrive on {due}. It's "
                    "now {days} days later and nothing. The {carrier} tracking ({tracking}) just says 'in transit' "
                    "and hasn't changed. Can you tell me what's going on?",
                    "My order {order} was supposed to be here on {due}. I took the day off work to wait for it. "
                    "Nothing came and there's no card through the door either. It's a present for my daughter's "
                    "birthday on Saturday, so I really need to know if it's coming.",
                ),
            ),
            Story(
                subjects=("Tracking hasn't moved in {days} days", "Is my parcel lost?"),
                openings=(
                    "Tracking number {tracking} has been stuck at 'handed over to {carrier}' for {days} days. Is the "
                    "parcel lost? I'd rather have a replacement sent than keep waiting.",
                ),
            ),
            Story(
                subjects=("Delivery date keeps changing", "When will order {order} actually arrive?"),
                openings=(
                    "Just wondering about order {order}. The estimated delivery has moved three times now. No rush "
                    "exactly, but I'd like a straight answer about when it will actually arrive.",
                ),
            ),
        ),
        exchanges=(
            (
                "I've looked at order {order} and you're right: {carrier} hasn't scanned it since it left our "
                "warehouse, which isn't normal. So I can chase the right depot, could you confirm the delivery "
                "address is still correct, and whether there's a safe place or a neighbour we can leave it with?",
                "Yes, the address is right. There's a blue door round the side, the parcel can go there, or to "
                "number 14 next door.",
            ),
            (
                "I've looked at order {order} and you're right: {carrier} hasn't scanned it since it left our "
                "warehouse, which isn't normal. So I can chase the right depot, could you confirm the delivery "
                "address is still correct, and whether there's a safe place or a neighbour we can leave it with?",
                "Address is correct. Please don't leave it outside though, it rains a lot here.",
            ),
            (
                "The carrier's system shows a failed delivery attempt on {due}, but nobody came to your door, "
                "and I believe you. Does your building have a shared entrance or a concierge? That's usually "
                "where these go astray, and knowing it helps me push {carrier} for a proper answer.",
                "It's a shared entrance with a buzzer, flat 3. Nobody buzzed, I was home all day.",
            ),
        ),
        looking=(
            "You're right to chase this: {days} days without a tracking update isn't acceptable. I've opened a "
            "trace with {carrier} on {tracking} and I'm watching it myself. I'll write again by tomorrow with what "
            "they say, good news or not.",
            "I can see order {order} left us on time and then stalled at the {carrier} hub. That's not something "
            "you should have to sort out, so I'm taking it from here and I'll keep you posted.",
        ),
        handoffs=(
            "I've asked our shipping team to open a formal trace with {carrier}; they have a direct line to the "
            "depot that I don't. They usually hear back within a working day, and I'll write to you as soon as they "
            "do. If it turns out to be lost, we'll send a replacement right away — you won't need to ask twice.",
            "Our shipping colleagues are now on this with {carrier}. I've marked it so it can't slip through the "
            "cracks, and you'll hear from me by {due} at the latest.",
        ),
        internal=(
            "@shipping: order {order}, {carrier} {tracking}, no scan for {days} days after handover. Customer needs "
            "it soon. Can you open a trace and, if the depot can't find it by tomorrow, approve a replacement by "
            "express?",
            "Shipping: tracking {tracking} stuck at the hub. Please check with {carrier} whether it was mis-sorted. "
            "Customer has been very patient; let's not make them wait for the standard 10-day trace.",
        ),
        backoffice=(
            "Shipping here: {carrier} found it, mis-sorted at the regional hub. Out for delivery tomorrow; I've "
            "asked them to call ahead.",
            "Shipping: {carrier} has declared the parcel lost. Replacement approved, ships today by express, no "
            "charge.",
        ),
        fixes=(
            "Good news: {carrier} found your parcel. It had been sent to the wrong depot — their mistake, and "
            "nothing you could have seen coming. It's out for delivery tomorrow and they'll call you before they "
            "arrive. I've also refunded your shipping ({amount2}), because this wasn't the delivery you paid for.",
            "I didn't want you waiting any longer, so I've sent a replacement by express. It should be with you in "
            "1–2 days; the new tracking number is on its way by email. If the original turns up as well, keep it "
            "or hand it back to the driver, whichever is easier for you.",
            "{carrier} has confirmed the parcel arrives on {due}. I've put a note on your account, so if it "
            "doesn't, whoever you speak to will send a replacement straight away without asking you to explain it "
            "all again.",
        ),
        relapses=(
            "The new date came and went and still nothing. Tracking now says delivered but it's not here.",
            "It still hasn't arrived. This is getting silly.",
        ),
    ),
    Topic(
        key="missing_parcel",
        team="support",
        department="shipping",
        tags=("shipping", "missing-parcel"),
        priority=(0.5, 5, 3, 1),
        extra_tags=("carrier-claim", "replacement-sent"),
        stories=(
            Story(
                subjects=(
                    "Tracking says delivered but I don't have it",
                    "Order {order} marked delivered — not here",
                    "Never received order {order}",
                ),
                openings=(
                    "The {carrier} tracking for order {order} says it was delivered yesterday at 14:12, but there's "
                    "nothing here. I've asked the neighbours and checked the building's mailroom. Nobody has it.",
                    "Order {order} says delivered but I never got it. I was home all day working. Can you look into "
                    "it please?",
                ),
            ),
            Story(
                subjects=("Parcel 'delivered' to someone else?", "Delivery photo shows the wrong door"),
                openings=(
                    "My parcel shows as delivered with a photo of a door that isn't mine. It's {product}, not "
                    "cheap. What happens now?",
                ),
                looking=(
                    "A photo of someone else's door isn't a delivery, so as far as I'm concerned you haven't "
                    "received your order yet. I'm filing a claim with {carrier} now and I'll make sure you're not "
                    "the one left out of pocket.",
                ),
            ),
        ),
        exchanges=(
            (
                "That's a frustrating spot to be in, and you've already done the legwork — thank you. This looks "
                "like a mis-delivery on {carrier}'s side. To file the claim in your favour I need one thing: is "
                "there another address on your street with a similar number?",
                "There's a 27A across the road, which is probably where it went. I knocked but nobody's home.",
            ),
            (
                "I've pulled up the location {carrier} recorded for the delivery and it's about 300 metres from "
                "your address. Do you have a side entrance or a parcel box? I'd rather ask than assume, and the "
                "claim goes faster with it.",
                "No side entrance, no parcel box. Just the front door.",
            ),
        ),
        looking=(
            "You shouldn't have to go door to door looking for your own parcel. I'm on it: claim opened with "
            "{carrier}, and I'll come back to you by tomorrow with either the parcel or a replacement.",
        ),
        handoffs=(
            "I've handed the claim to our shipping team, who deal with {carrier} directly and can get the driver's "
            "report. Whatever they find, you'll get your order — the investigation is our problem, not yours.",
            "Our shipping team is asking {carrier} for the driver's delivery record now. They'll hear back within "
            "a day and I'll pass it on straight away.",
        ),
        internal=(
            "@shipping: order {order} marked delivered, customer doesn't have it, GPS off by ~300 m. Please file a "
            "mis-delivery claim and approve a replacement without waiting for the outcome.",
            "Shipping: second 'delivered but not received' on this street this month. Worth raising with the "
            "{carrier} account manager.",
        ),
        backoffice=(
            "Shipping: claim filed with {carrier}. Replacement approved and being picked today.",
            "Shipping: driver admits the wrong address; {carrier} is recovering the parcel. Replacement approved "
            "anyway so the customer isn't kept waiting.",
        ),
        fixes=(
            "I've sent you a replacement by express; it should arrive within two working days and you'll get "
            "tracking by email. The claim with {carrier} is ours to deal with — you don't need to do anything more. "
            "If the first parcel ever shows up, please keep it.",
            "{carrier} recovered the parcel from the wrong address and it's been re-delivered to you this morning. "
            "I've also refunded the delivery charge ({amount2}) for the trouble of chasing it.",
        ),
        relapses=("The replacement also says delivered and I don't have that either!",),
    ),
    Topic(
        key="damaged_goods",
        team="support",
        department="shipping",
        tags=("damaged", "returns"),
        priority=(1, 6, 2, 0.3),
        extra_tags=("packaging", "replacement-sent", "goodwill"),
        stories=(
            Story(
                subjects=("Item arrived broken", "Cracked on delivery — order {order}", "Box was crushed, item broken"),
                openings=(
                    "I just unpacked {product} from order {order} and it's damaged — there's a crack along the side "
                    "and a piece rattling around in the box. The outer box was crushed, so I'm guessing it happened "
                    "in transit. I'd like a replacement please.",
                    "Received my order today and {product} is broken. Photos attached. Really disappointed, it was "
                    "a present.",
                ),
                exchanges=(
                    (
                        "Thank you for the photos; they make it clear the damage happened before it reached you. "
                        "I'd like the replacement to go out today: would you like the same colour again, or switch "
                        "while we're at it?",
                        "Same colour please. And yes, please take the broken one away, I don't have space for it.",
                    ),
                ),
                fixes=(
                    "Your replacement ships today with extra packaging, and the courier will take the damaged one "
                    "away when they drop off the new one. Nothing for you to print or pack.",
                    "The replacement is on its way (tracking follows by email), and I've added a {amount2} credit to "
                    "your account, because a present arriving broken is no small thing.",
                ),
            ),
            Story(
                subjects=("{product} damaged on arrival", "Dented on arrival — what are my options?"),
                openings=(
                    "My order came with a big dent in {product}. It still works but it looks awful and I paid full "
                    "price. What are my options?",
                ),
                exchanges=(
                    (
                        "That's not the condition anything should arrive in. I can send a new one or refund you in "
                        "full — which would you prefer? You don't need to send the damaged one back unless you'd "
                        "like us to take it away.",
                        "Refund please, I've bought one locally in the meantime.",
                    ),
                ),
                fixes=(
                    "I've refunded {amount} in full to your card ending {last4}; it usually shows within "
                    "{refund_days}. Please don't worry about sending the damaged one back.",
                ),
            ),
        ),
        looking=(
            "Thanks for letting us know straight away. Damage in transit is on us, not you, so whatever happens "
            "next you won't be out of pocket.",
            "I've seen the photos — that box had a rough journey. Let me sort this out in one go, so you only have "
            "to deal with us once more.",
        ),
        handoffs=(
            "I've asked our shipping team to arrange collection of the damaged one, so you're only disturbed once. "
            "I'll confirm the date as soon as they book it.",
            "Our shipping team is checking whether the rest of that batch is affected too, so nothing else arrives "
            "the same way. I'll update you by tomorrow.",
        ),
        internal=(
            "@shipping: order {order}, {product} arrived damaged, outer box crushed. Please book a collection and "
            "check the packaging on that SKU.",
            "Shipping: third report of {product} arriving damaged this month. Something is off with the packaging.",
        ),
        backoffice=(
            "Shipping: collection booked; packaging on this SKU upgraded to double-wall.",
            "Shipping: checked the remaining stock, pulled two more damaged units.",
        ),
        relapses=("The replacement arrived today. Also damaged, in exactly the same place.",),
    ),
    Topic(
        key="wrong_item",
        team="support",
        department="operations",
        tags=("wrong-item", "fulfilment"),
        priority=(1, 6, 2, 0.2),
        extra_tags=("mis-pick", "no-return-needed"),
        stories=(
            Story(
                subjects=("Wrong item in my parcel", "I received someone else's order"),
                openings=(
                    "I ordered {product} but the box had something completely different in it — a set of kitchen "
                    "scales. Order {order}. Can you send what I actually ordered?",
                ),
                fixes=(
                    "What you ordered is on its way by express and should arrive tomorrow. There's no need to send "
                    "the scales back — donate them, gift them or keep them, they're yours.",
                ),
            ),
            Story(
                subjects=("Missing item from order {order}", "Only part of my order arrived"),
                openings=(
                    "My order {order} should have had three items. Only two were in the box, and the packing slip "
                    "lists all three.",
                ),
                fixes=(
                    "The missing item shipped this morning; tracking follows by email. I've also refunded the "
                    "original shipping ({amount2}), since you had to wait twice.",
                ),
            ),
            Story(
                subjects=("Wrong size sent", "Got an XL instead of a medium"),
                openings=(
                    "I got the right product but the wrong size: I ordered a medium and got an XL. I need the "
                    "medium by next week for a trip.",
                ),
                exchanges=(
                    (
                        "I want the replacement to be exactly right. Could you confirm the size and colour you "
                        "ordered? I can see the order, but I'd rather double-check with you than guess twice.",
                        "Medium, dark green. Thanks.",
                    ),
                ),
                fixes=(
                    "The medium in dark green is on its way by express and arrives well before your trip. Keep the "
                    "XL until the courier collects it — no need to pack it nicely.",
                ),
            ),
        ),
        exchanges=(
            (
                "Thanks for spotting this and telling us. So I get it right this time, could you send a photo of the "
                "packing slip, or just the code printed in its top corner? It tells me exactly which packing station "
                "to check.",
                "Packing slip code is PK-7731-B. Photo attached.",
            ),
        ),
        looking=(
            "Our warehouse made a mistake and you shouldn't have to do anything to fix it. I'm sorting out the "
            "right item for you now.",
            "I can see the picking error in the warehouse log — you're completely right. On it.",
        ),
        handoffs=(
            "I've asked our operations team to pick the right item and send it today by express. They're also "
            "checking the packing station so this doesn't happen to the next person.",
            "Our operations team is confirming stock now; I'll tell you the delivery date as soon as they do.",
        ),
        internal=(
            "@operations: order {order} packed wrong (picking error). Please ship the correct item by express "
            "today, no return required.",
            "Ops: mis-pick on {order}. Can you check the packing station and ship the right item?",
        ),
        backoffice=(
            "Operations: correct item shipped express. Packing station briefed.",
            "Operations: confirmed mis-pick; item in stock, shipping today.",
        ),
        relapses=("It came today but it's wrong again.",),
    ),
    Topic(
        key="refund_missing",
        team="billing",
        department="finance",
        tags=("refund",),
        priority=(0.5, 5, 3, 1),
        extra_tags=("psp-trace", "refund-reissued"),
        stories=(
            Story(
                subjects=("Refund for order {order} not received", "Returned item {days} days ago, no refund"),
                openings=(
                    "I sent back {product} from order {order} over two weeks ago. The tracking shows you received "
                    "it. I still haven't had my refund of {amount}. Please check.",
                ),
            ),
            Story(
                subjects=("Still waiting for my refund", "Where is my money?"),
                openings=(
                    "You told me my refund was processed but it isn't on my card statement. It's been {days} days.",
                    "Returned my order, got an email saying 'refund approved', and then nothing. I need that money "
                    "back this month.",
                ),
            ),
        ),
        exchanges=(
            (
                "I can see your return arrived and the refund of {amount} was approved, so the money is owed to "
                "you — no question about that. Banks sometimes show refunds under a different name: could you check "
                "your statement for 'ACME RTL'? If it isn't there, I'll chase it with our payment provider today.",
                "Nothing under ACME RTL or anything similar. I've checked twice.",
            ),
            (
                "I want to find exactly where it's stuck. Could you tell me the last four digits of the card you "
                "paid with? The order shows two payment methods and I want to be sure we refunded the right one.",
                "Card ends in {last4}.",
            ),
        ),
        looking=(
            "You returned it, we received it, so the money should already be with you. I'm tracing the refund with "
            "our payment provider now and I won't let it drop.",
            "The refund was approved on our side but never paid out. That's ours to fix, not yours to chase. On it "
            "now.",
        ),
        handoffs=(
            "I've asked our finance team to trace the refund with the payment provider — they can see the bank "
            "reference, which I can't. They normally answer within a working day and I'll forward it the moment "
            "they do.",
            "Our finance team is looking at why the refund didn't go out. If it's stuck, they'll push it through by "
            "hand.",
        ),
        internal=(
            "@finance: refund {amount} on order {order} approved {days} days ago but never settled. Card ending "
            "{last4}. Please trace with the PSP and reissue if needed.",
            "Finance: the refund batch from that week may have failed — this is the second customer asking. Can you "
            "check?",
        ),
        backoffice=(
            "Finance: the refund failed at the PSP (expired card token). Reissued as a bank transfer today.",
            "Finance: refund settled, bank reference ARN 7412 3456 7890. The customer's bank may take 2 more days.",
        ),
        fixes=(
            "The refund of {amount} has now been sent; the bank reference is ARN 7412 3456 7890. It should show on "
            "your statement within {refund_days}. If your bank asks, give them that number and they'll find it.",
            "I found the problem: the refund failed at our payment provider because the card had expired, and "
            "nobody told you — that's the part I'm least happy about. It's been reissued as a bank transfer today.",
        ),
        relapses=("Still nothing on my statement a week later.",),
    ),
    Topic(
        key="double_charge",
        team="billing",
        department="finance",
        tags=("payment", "double-charge"),
        priority=(0, 4, 4, 2),
        extra_tags=("overdraft-fee", "checkout-bug"),
        stories=(
            Story(
                subjects=("Charged twice for order {order}", "Two charges of {amount}", "Why was I billed twice?"),
                openings=(
                    "I placed order {order} once but my card has two charges of {amount}. Please refund the duplicate.",
                    "Checked my banking app this morning and there are two identical payments to Acme for {amount}. "
                    "I only ordered once. This has pushed me into my overdraft.",
                ),
                exchanges=(
                    (
                        "You're right, and thanks for flagging it quickly. So I refund the right payment, could you "
                        "tell me the date and time of the second charge on your statement?",
                        "Both on Tuesday, 2 minutes apart. Same amount.",
                    ),
                ),
                internal=(
                    "@finance: duplicate capture on order {order}, {amount} twice within 2 min. Please reverse the "
                    "second capture and approve goodwill for any bank fee.",
                ),
                backoffice=("Finance: second capture reversed today; goodwill of {amount2} approved.",),
                fixes=(
                    "I've refunded the duplicate {amount} to your card ending {last4}. It should be back within "
                    "{refund_days}. If your bank charged you an overdraft fee because of this, send me the amount "
                    "and I'll cover it.",
                ),
            ),
            Story(
                subjects=("Double payment on my card", "Checkout froze and charged me twice"),
                openings=(
                    "The checkout page froze so I clicked pay again. Now I've been charged twice. Can you cancel one?",
                ),
                exchanges=(
                    (
                        "I'm seeing one completed payment and one that looks like a hold. Do both show as "
                        "'completed' on your side, or does one say 'pending'?",
                        "One is pending, one completed.",
                    ),
                ),
                internal=("Finance: checkout double-submit again; please confirm the second one is only a hold.",),
                backoffice=("Finance: the pending one was an authorisation hold; it drops off tomorrow.",),
                fixes=(
                    "The second payment was only a hold, and it disappears by itself by tomorrow — you haven't "
                    "actually paid twice. If it's still there on Friday, reply here and I'll escalate it at once.",
                ),
            ),
        ),
        looking=(
            "You ordered once, so you should pay once. I'm sorting out the duplicate now.",
            "Our checkout caused this, so it's ours to untangle. I'm on it, and any bank fee it caused is on us too.",
        ),
        handoffs=(
            "The duplicate went through a batch I can't touch from my screen, so I've asked our finance team to "
            "deal with it today. They'll confirm with me and I'll pass the confirmation straight to you.",
            "Our finance team is on the second charge now, and I've asked them to check whether the checkout "
            "problem affected anyone else.",
        ),
        relapses=("The hold didn't disappear. It's now a real charge.",),
    ),
    Topic(
        key="vat_invoice",
        team="billing",
        department="finance",
        tags=("invoice", "vat"),
        priority=(3, 6, 1, 0),
        extra_tags=("credit-note", "reverse-charge"),
        business=True,
        stories=(
            Story(
                subjects=("VAT invoice for order {order}", "Need an invoice with our VAT number"),
                openings=(
                    "Could you send a proper VAT invoice for order {order}? Our accounts department needs it with "
                    "our VAT number {vat} and the company name {company}.",
                ),
                exchanges=(
                    (
                        "Of course. Should the invoice show the full amount of {amount} with the VAT broken out, or "
                        "are you VAT-registered in another EU country (reverse charge)?",
                        "Full amount with VAT shown separately is fine.",
                    ),
                    (
                        "Of course. Should the invoice show the full amount of {amount} with the VAT broken out, or "
                        "are you VAT-registered in another EU country (reverse charge)?",
                        "Reverse charge please, we're registered in the Netherlands.",
                    ),
                ),
                fixes=(
                    "Attached is the VAT invoice for order {order}, made out to {company} with VAT ID {vat}. I've "
                    "saved these details on your account, so future invoices come out right without you asking.",
                ),
            ),
            Story(
                subjects=("Company name wrong on invoice {invoice}", "Please reissue invoice {invoice}"),
                openings=(
                    "Invoice {invoice} has my personal name on it, but this was a purchase for {company}. Can you "
                    "reissue it with the company details and VAT ID {vat}?",
                ),
                exchanges=(
                    (
                        "Happy to. So the invoice is right the first time, could you confirm the registered name "
                        "and billing address you want on it? I have {company} and VAT ID {vat}, but I'd rather "
                        "check than send you a second correction.",
                        "{company}, {street}, {city}. VAT ID {vat}.",
                    ),
                ),
                fixes=(
                    "Here's the corrected invoice {invoice} for {company} with VAT ID {vat}, attached as a PDF. The "
                    "old one has been cancelled with a credit note, so your books stay clean.",
                ),
            ),
            Story(
                subjects=("Invoice request for our accounts team", "All invoices for last quarter?"),
                openings=(
                    "We need all invoices for last quarter in one PDF for our auditors. Is that possible? Company is "
                    "{company}.",
                ),
                exchanges=(
                    (
                        "Yes, easily. Would you like only the orders placed from your account, or everything bought "
                        "by anyone at {company}?",
                        "Everyone at {company} please, July to September.",
                    ),
                ),
                looking=("No problem at all. I'm pulling the invoices together now.",),
                internal=(
                    "Finance: customer needs a quarterly statement for {company} for an audit. Can we produce one PDF?",
                ),
                backoffice=("Finance: quarterly statement generated, 14 invoices in one PDF.",),
                fixes=(
                    "Attached is one PDF with every invoice for the quarter. I've also set up your account so future "
                    "invoices carry your company details automatically — you shouldn't need to ask again.",
                ),
            ),
        ),
        looking=("Getting your paperwork right is part of the job. You'll have the invoice shortly.",),
        handoffs=(
            "Invoices with a VAT ID are approved by our finance team (the tax rules require it). I've sent it over "
            "with everything they need and I'll forward the PDF as soon as it's signed off, usually within a day.",
        ),
        internal=("@finance: please issue {invoice} to {company}, VAT {vat}. The original was made out to a person.",),
        backoffice=("Finance: credit note and corrected invoice issued, attached to the order.",),
        relapses=("The new invoice has the VAT number but the address is still wrong.",),
    ),
    Topic(
        key="subscription",
        team="billing",
        department="finance",
        tags=("subscription", "cancellation"),
        priority=(1, 6, 2, 0.5),
        extra_tags=("renewal-bug", "goodwill"),
        stories=(
            Story(
                subjects=("Charged after I cancelled {plan}", "Unexpected renewal charge"),
                openings=(
                    "I cancelled {plan} last month — I have the confirmation email — and I've just been charged "
                    "{amount} again. Please refund it and make sure it's actually cancelled.",
                ),
                exchanges=(
                    (
                        "I can see your cancellation request from last month, so you did everything right. Could "
                        "you forward me the confirmation email? It shows our billing team exactly where the "
                        "cancellation got lost.",
                        "Forwarded it just now.",
                    ),
                ),
                looking=(
                    "If you cancelled, you shouldn't be charged. I'm refunding the renewal and finding out why the "
                    "cancellation didn't stick.",
                ),
                internal=(
                    "@finance: {plan} renewed after a confirmed cancellation. Please refund {amount} and check the "
                    "renewal job.",
                ),
                backoffice=("Finance: refund approved; the cancellation bug is known and a fix goes out on Thursday.",),
                fixes=(
                    "Done: {plan} is cancelled as of today and the {amount} renewal is refunded to your card ending "
                    "{last4}. A confirmation email is on its way, and there will be no further charges.",
                ),
            ),
            Story(
                subjects=("Cancel my {plan} subscription", "Can't find how to cancel"),
                openings=("How do I cancel {plan}? The app sends me in circles between settings and the website.",),
                exchanges=(
                    (
                        "I can cancel it for you right now. Would you like it to stop immediately, with a refund for "
                        "the unused time, or at the end of the current period?",
                        "End of the period is fine.",
                    ),
                ),
                looking=("Cancelling shouldn't be harder than signing up. I'll do it for you now.",),
                handoffs=(
                    "I've asked our finance team to register the cancellation in billing directly, so nothing "
                    "depends on the app getting it right this time.",
                ),
                internal=(
                    "@finance: customer couldn't find the cancel flow in the app; please register the {plan} "
                    "cancellation for the end of the period.",
                ),
                backoffice=("Finance: cancellation registered for the end of the period; no further charges.",),
                fixes=(
                    "Done — {plan} ends at the close of this period and nothing more will be charged; the "
                    "confirmation email is on its way. I've also told our app team the cancel button is far too "
                    "hard to find. You shouldn't have had to write to us for this.",
                ),
            ),
            Story(
                subjects=("Renewed by mistake — refund?", "Forgot to cancel {plan}"),
                openings=(
                    "I forgot to cancel before the renewal and got charged {amount}. I haven't used it at all this "
                    "year. Any chance of a refund?",
                ),
                exchanges=(
                    (
                        "Let's sort it. Would you like {plan} to stop immediately, with the renewal refunded, or "
                        "keep it running now that it's paid?",
                        "Immediately please.",
                    ),
                ),
                internal=(
                    "Finance: customer renewed without using the service all year. I'd like to refund in full as "
                    "goodwill.",
                ),
                backoffice=("Finance: goodwill refund approved.",),
                fixes=(
                    "I've cancelled the subscription and refunded {amount} in full, since you hadn't used it. You "
                    "keep access until the end of the month anyway.",
                ),
            ),
        ),
        looking=("A renewal nobody wanted isn't a sale. I'll get this straightened out.",),
        handoffs=(
            "A renewal refund needs a sign-off from our finance team, so I've sent it over with everything they "
            "need. There's nothing more you need to send.",
            "Our finance team is checking the renewal run; I'll update you tomorrow.",
        ),
        internal=("@finance: please refund the unused part of {plan} ({amount2}).",),
        backoffice=("Finance: pro-rata refund issued.",),
        relapses=("Got charged again today even though you said it was cancelled.",),
    ),
    Topic(
        key="promo_code",
        team="billing",
        department="finance",
        tags=("promo-code",),
        priority=(4, 5, 0.5, 0),
        extra_tags=("marketing",),
        stories=(
            Story(
                subjects=("Discount code {code} not working", "Code {code} says expired"),
                openings=(
                    "I tried to use {code} at checkout and it says 'invalid'. The email says it's valid until the "
                    "end of the month.",
                    "Code {code} says expired but I only got the email yesterday?",
                ),
                exchanges=(
                    (
                        "You're right, the code should have worked. Which email address did the newsletter come to? "
                        "Codes are tied to an address, and I want to check whether it's linked to an older account.",
                        "It came to my work email, that's probably it.",
                    ),
                ),
                fixes=(
                    "Here's a fresh code tied to your account that works until the end of next month: "
                    "WELCOME-BACK-15. It shouldn't have taken a second message to get there.",
                ),
            ),
            Story(
                subjects=("Promo code didn't apply", "Charged full price despite code"),
                openings=(
                    "My discount code didn't apply and I was charged the full {amount}. I'd like the difference back.",
                ),
                exchanges=(
                    (
                        "I'll make sure you get the discount. Which order was it? I'll put the difference straight "
                        "back.",
                        "Order {order}.",
                    ),
                ),
                fixes=(
                    "I've refunded the discount difference of {amount2} to your original payment method; it should "
                    "show within {refund_days}. The code itself is fixed too, in case you want to use it again "
                    "before the end of the month.",
                ),
            ),
        ),
        looking=(
            "If the email said it was valid, you get the discount. I'll make sure of it.",
            "That code should have worked — there's no reason you should pay full price because our system got it "
            "wrong.",
        ),
        handoffs=(
            "I've asked our finance team to refund the difference; it has to go back as a partial refund on the "
            "original payment.",
            "I've flagged the broken code to marketing and asked our finance team to sort out the difference.",
        ),
        internal=(
            "@finance: {code} failing for customers on the newsletter list. Please refund the difference on {order}.",
            "Finance: partial refund of {amount2} on {order}, promo code failed at checkout.",
        ),
        backoffice=("Finance: partial refund issued. Marketing fixed the code's expiry date.", "Finance: done."),
        relapses=("The new code doesn't work either.",),
    ),
    Topic(
        key="login",
        team="technical",
        department="operations",
        tags=("login", "password-reset"),
        priority=(0.5, 5, 3, 1),
        extra_tags=("mail-delivery", "lockout"),
        stories=(
            Story(
                subjects=("Password reset email never arrives", "No reset email"),
                openings=(
                    "I've tried to reset my password four times and the email never comes. Checked spam. My address "
                    "is {email}.",
                ),
                exchanges=(
                    (
                        "I can see the reset emails leaving our system, so something between us and your inbox is "
                        "holding them. Which email provider do you use? Some quietly hold messages from new "
                        "senders, and I can work around that.",
                        "It's a work address, we use Outlook through the company.",
                    ),
                ),
                internal=(
                    "@operations: password reset mails to {email} show 'delivered' but the customer never receives "
                    "them. Can you check the bounce logs?",
                ),
                backoffice=(
                    "Operations: the provider was dropping our mail; we've added the missing DKIM record for the "
                    "reset domain.",
                ),
                fixes=(
                    "Found it: your email provider was quietly holding our messages. We've fixed the setting on our "
                    "end, and the reset email I just sent should now be in your inbox.",
                ),
            ),
            Story(
                subjects=("Can't log in", "Locked out of my account", "Login keeps failing"),
                openings=(
                    "The app keeps saying 'wrong email or password' but I know the password is right, I use a "
                    "password manager.",
                    "My account got locked after a few tries and now I can't get in at all. I need to check my order "
                    "status.",
                ),
                exchanges=(
                    (
                        "I want to get you back in without making you prove yourself five times. Could you confirm "
                        "the town on your most recent delivery? That's enough for me to unlock the account safely.",
                        "{city}, same as always.",
                    ),
                ),
                internal=("Ops: account locks after a single attempt; the lockout counter looks wrong.",),
                backoffice=("Operations: lockout counter bug found; reset for this account, fix in the next deploy.",),
                fixes=(
                    "You're back in: I've unlocked your account and sent a fresh reset link that's valid for 24 "
                    "hours instead of the usual 30 minutes. If it doesn't arrive within five minutes, reply here and "
                    "we'll set a temporary password together over the phone.",
                ),
            ),
        ),
        looking=(
            "Being locked out of your own account is no fun. I'll get you back in today.",
            "It's not you — I can see the attempts, and something on our side isn't matching. Looking into it now.",
        ),
        handoffs=(
            "I've asked our operations team to dig into this; they can see the logs I can't. I'll come back to you "
            "as soon as I know.",
            "Our operations team is checking what's going wrong with your account. You'll hear from me as soon as "
            "they've found it.",
        ),
        relapses=("Worked for a day and now I'm locked out again.",),
    ),
    Topic(
        key="two_factor",
        team="technical",
        department="operations",
        tags=("login", "2fa"),
        priority=(0.5, 4, 4, 1),
        extra_tags=("identity-verified",),
        stories=(
            Story(
                subjects=(
                    "Lost my phone, can't get 2FA code",
                    "New phone — authenticator codes gone",
                    "2FA locked me out",
                ),
                openings=(
                    "I got a new phone and didn't move the authenticator app over. Now I can't log in. How do I get "
                    "back in?",
                    "My phone was stolen and my 2FA with it. I need to get into my account to change the delivery "
                    "address on an order.",
                ),
                exchanges=(
                    (
                        "That happens to a lot of people when they switch phones. To remove two-factor safely I "
                        "need to check it's really you: could you tell me the last four digits of the card on your "
                        "most recent order, and roughly when you placed it?",
                        "Card ends {last4}, ordered about two weeks ago.",
                    ),
                ),
                looking=(
                    "Losing a phone is stressful enough without being locked out too. I'll get you back in.",
                    "I'll help you reset two-factor today. Phones get lost and replaced; the way back in should be "
                    "easy.",
                ),
                handoffs=(
                    "Two-factor is removed by our operations team with a second check, for your protection. I've "
                    "sent them everything they need, so there's nothing more for you to do.",
                ),
                internal=(
                    "@operations: please remove 2FA for this account; identity verified via card {last4} and "
                    "order date.",
                ),
                backoffice=("Operations: 2FA removed, all sessions revoked.",),
                fixes=(
                    "Two-factor is now off on your account and all old sessions are signed out. Log in with your "
                    "password as usual, then set up the authenticator again on your new phone under Settings → "
                    "Security.",
                ),
            ),
            Story(
                subjects=("Two-factor code not accepted", "Authenticator codes always wrong"),
                openings=("The 6-digit code from my authenticator app is always rejected. I've checked it twice.",),
                exchanges=(
                    (
                        "Let's get this sorted. What time does your phone show, to the second, compared with "
                        "time.is? A drift of more than 30 seconds makes every code fail, and it's an easy fix.",
                        "It's 47 seconds behind. Odd.",
                    ),
                ),
                looking=("Codes that never work are maddening. Let's find out why.",),
                handoffs=(
                    "I've asked our operations team to check whether your codes reach us at all and what our side "
                    "makes of them.",
                ),
                internal=("Ops: TOTP codes rejected for this account; can you check the server-side drift?",),
                backoffice=("Operations: our clock is fine; the customer's device is about 47 s off.",),
                fixes=(
                    "Your phone's clock was the culprit. Switch on 'set time automatically' and the codes will work "
                    "again.",
                ),
            ),
        ),
        relapses=("The new codes don't work either.",),
    ),
    Topic(
        key="app_crash",
        team="technical",
        department="operations",
        tags=("app", "crash"),
        priority=(1, 5, 3, 1),
        extra_tags=("known-bug", "hotfix"),
        stories=(
            Story(
                subjects=("App crashes on startup", "Crash after update {version}", "App won't open on {device}"),
                openings=(
                    "Since the update to {version} the app crashes the moment I open it. {device}, latest OS. "
                    "Reinstalling didn't help.",
                ),
            ),
            Story(
                subjects=("App closes when I open my orders",),
                openings=("Every time I tap 'My orders' the app closes. It was fine last week. {device}.",),
            ),
            Story(
                subjects=("App crashes at checkout", "can't pay in the app"),
                openings=("app keeps crashing when i try to pay. tried 5 times. {device}",),
            ),
        ),
        exchanges=(
            (
                "Which OS version is your {device} on, and does the crash happen straight away or after the splash "
                "screen? That tells our developers which of two bugs you've hit.",
                "Latest version of everything. Crashes right after the logo.",
            ),
            (
                "I'd like this fixed properly for you. Would you be OK turning on 'share crash reports' under "
                "Settings → Privacy and opening the app once more? That sends us the crash log, with no personal "
                "data in it.",
                "Done, it crashed again just now.",
            ),
        ),
        looking=(
            "A crash every time isn't something you should have to work around. I'm collecting what our developers "
            "need now.",
            "Thanks for the detail, it helps a lot. I'll get this in front of the right people today.",
        ),
        handoffs=(
            "I've passed the crash to our operations team with your device details. It's a bug in {version} and a "
            "fix is being tested. Meanwhile everything works on the website — your account and orders are all "
            "there.",
            "Our developers are reproducing the crash on a {device} now. I'll tell you as soon as a fixed version is "
            "out.",
        ),
        internal=(
            "@operations: app {version} crashes on {device}; please attach to the open crash ticket and give us an "
            "ETA.",
            "Ops: another crash report on {version}, {device}. Fourth today.",
        ),
        backoffice=(
            "Operations: fixed in the next version, rolling out today.",
            "Operations: root cause found (corrupt cache after update); hotfix is live.",
        ),
        fixes=(
            "The fix is out: update the app to the newest version from the store and it will work normally again. "
            "If it doesn't, reply here — I'm keeping an eye on this.",
            "A workaround until the update arrives: in your phone's settings, clear the app's cache (not its data) "
            "and open it again. The bug is ours, and the proper fix lands this week.",
        ),
        relapses=("Updated, still crashes.",),
    ),
    Topic(
        key="app_sync",
        team="technical",
        department="operations",
        tags=("app", "sync"),
        priority=(3, 6, 1, 0),
        extra_tags=("resync",),
        stories=(
            Story(
                subjects=("Orders missing from the app", "Order {order} not in the app"),
                openings=("My recent order {order} doesn't show in the app, only on the website. Makes me nervous.",),
                exchanges=(
                    (
                        "Are you logged into the app with the same email as on the website? I've seen a few cases "
                        "where an older account from a previous sign-up ends up in the app.",
                        "Oh, the app might have my old email. Not sure.",
                    ),
                ),
            ),
            Story(
                subjects=("App shows old order status",),
                openings=("The app still says 'processing' for an order I received a week ago.",),
                exchanges=(
                    (
                        "Could you pull down to refresh the orders list and tell me what the timestamp at the "
                        "bottom says? That shows me when the app last synced.",
                        "It says last updated 9 days ago.",
                    ),
                ),
            ),
            Story(
                subjects=("Notifications stopped working", "No delivery notifications any more"),
                openings=("I stopped getting delivery notifications on my phone. They're turned on in settings.",),
                exchanges=(
                    (
                        "Could you check under Settings → Notifications inside the app (not the phone's settings) "
                        "whether 'Delivery updates' is on? An update sometimes switches it off.",
                        "It's on in the app too.",
                    ),
                ),
                fixes=(
                    "Found it: the notification token on your account expired with the last app update, so our "
                    "messages went nowhere. I've reset it; open the app once and delivery updates will come through "
                    "again.",
                ),
            ),
            Story(
                subjects=("Wishlist disappeared", "My saved items are gone"),
                openings=("My wishlist with 30 items is just gone. I'd spent ages on it.",),
                exchanges=(
                    (
                        "Did it vanish on the website too, or only in the app? That tells me whether it's the data "
                        "or just the display.",
                        "Both. Completely empty.",
                    ),
                ),
                looking=("I can see your wishlist in our backups, so it isn't gone. Let me get it back for you.",),
                internal=("Ops: wishlist wiped after an app update; please restore from backup.",),
                backoffice=("Operations: wishlist restored from backup (30 items).",),
                fixes=(
                    "Your wishlist is back, every item. We've also fixed the bug that wiped it, so it won't happen "
                    "again.",
                ),
            ),
        ),
        looking=(
            "Your orders are safe — I can see them on our side. The app isn't showing things right, and that's a "
            "bug for us to fix, not something you did.",
        ),
        handoffs=(
            "I've asked our operations team to resync your account with the app. It's a manual step on their side "
            "and they'll do it today.",
        ),
        internal=("@operations: app not syncing for this account for 9 days. Please force a resync.",),
        backoffice=("Operations: resync done.",),
        fixes=("Your account is resynced: open the app and your orders should be there with their current status.",),
        relapses=("It's out of date again.",),
    ),
    Topic(
        key="address_change",
        team="support",
        department="shipping",
        tags=("address-change", "shipping"),
        priority=(1, 5, 3, 1),
        extra_tags=("redirect",),
        stories=(
            Story(
                subjects=("Change delivery address for order {order}", "Wrong address on my order"),
                openings=(
                    "I just realised I put my old address on order {order}. Can you change it before it ships? New "
                    "address: {street}, {city}.",
                ),
                exchanges=(
                    (
                        "I can catch this before it ships. Is the change just for this order, or shall I update your "
                        "saved address too?",
                        "Update everything please, the old address isn't mine any more.",
                    ),
                ),
            ),
            Story(
                subjects=("Typo in my address",),
                openings=(
                    "There's a typo in my house number on the order I placed this morning ({order}). It should be "
                    "17, not 71.",
                ),
                exchanges=(
                    (
                        "Of course. To be sure I change the right thing, could you confirm the full address with "
                        "the postcode?",
                        "{street}, {city}. Thanks!",
                    ),
                ),
            ),
            Story(
                subjects=("I'm moving — can you redirect my parcel?",),
                openings=(
                    "I'm moving on Friday and order {order} is due next week. Can it go to my new address in {city}?",
                ),
                exchanges=(
                    (
                        "Congratulations on the move! Could you send me the full new address with the postcode, and "
                        "a phone number the driver can call if needed?",
                        "{street}, {city}. The driver can call this number.",
                    ),
                ),
            ),
        ),
        looking=(
            "It hasn't left the warehouse yet, so I'm on it before it does.",
            "Good timing — I can still change it. Doing it now.",
        ),
        handoffs=(
            "The parcel is already with {carrier}, so I've asked our shipping team to redirect it in their system. "
            "They'll confirm within the day.",
            "Our shipping team is stopping the parcel at the depot and changing the label; I'll confirm as soon as "
            "it's done.",
        ),
        internal=(
            "@shipping: please redirect {tracking} with {carrier} to {street}, {city}.",
            "Shipping: address change on {order}; the label needs reprinting before pickup.",
        ),
        backoffice=("Shipping: redirect accepted by {carrier}.", "Shipping: label reprinted, parcel goes out today."),
        fixes=(
            "Done — order {order} now goes to {street}, {city}. I've updated the address on your account too, so you "
            "don't have to do it again.",
            "{carrier} has accepted the change. Your parcel will arrive at {street}, {city}; the tracking number "
            "stays the same.",
        ),
        relapses=("Tracking still shows the old address.",),
    ),
    Topic(
        key="privacy",
        team="technical",
        department="operations",
        tags=("privacy", "gdpr"),
        priority=(1, 6, 2, 0),
        extra_tags=("erasure", "data-export"),
        stories=(
            Story(
                subjects=("Please delete my account", "Account deletion request"),
                openings=("I'd like you to delete my account and all the data you hold about me, please. Under GDPR.",),
                exchanges=(
                    (
                        "I'll take care of it. One thing first: you have an order that hasn't been delivered yet. "
                        "Shall I delete the account right away (and cancel and refund the order), or wait until it "
                        "has arrived?",
                        "Wait until it's delivered please.",
                    ),
                ),
                handoffs=(
                    "Deletions are carried out by our operations team, who check every system so nothing is left "
                    "behind. It takes up to 7 days; I'll confirm when it's done.",
                ),
                internal=("@operations: erasure request for this customer; hold until order {order} is delivered.",),
                backoffice=("Operations: erasure completed across all systems.",),
                fixes=(
                    "Your account and personal data have been deleted. We keep only the invoices we're legally "
                    "required to keep for tax purposes, and those are locked away. This is the last email you'll "
                    "get from us about it.",
                ),
            ),
            Story(
                subjects=("Request for a copy of my data", "Data export request"),
                openings=("Please send me a copy of all the personal data you have about me.",),
                exchanges=(
                    (
                        "Absolutely. So the export goes to the right person, could you reply from the email address "
                        "on the account? Yours came from a different one, and I'd rather be careful with your data.",
                        "Replying from the right address now.",
                    ),
                ),
                handoffs=(
                    "Our operations team is preparing your data export: a single ZIP file, with a download link "
                    "valid for 7 days.",
                ),
                internal=(
                    "Ops: data export (Art. 15) requested, identity confirmed by a reply from the account address.",
                ),
                backoffice=("Operations: export ready, link sent.",),
                fixes=(
                    "Your data export is ready; the download link is in a separate email and works for 7 days. If "
                    "anything in it looks wrong, tell me and we'll correct it.",
                ),
            ),
            Story(
                subjects=("Why do you still email me?", "Unsubscribed three times"),
                openings=("I unsubscribed three times and I still get marketing emails. Please stop.",),
                exchanges=(
                    (
                        "Could you forward me one of those emails? The footer shows which address it was sent to, "
                        "and I suspect it isn't the one you unsubscribed.",
                        "Forwarded. Oh — it's my old university address!",
                    ),
                ),
                looking=("You asked us to stop, and we should have. I'm taking you off every list now.",),
                handoffs=("I've asked our operations team to remove every address linked to you from every list.",),
                internal=(
                    "Ops: customer unsubscribed 3x but still gets marketing; an old alias is still subscribed. "
                    "Please purge.",
                ),
                backoffice=("Operations: alias removed from all lists.",),
                fixes=(
                    "You're off every mailing list now, and I found out why it kept happening: an old address on "
                    "your account was still subscribed. It's removed.",
                ),
            ),
        ),
        looking=("Your data, your call. I've started the request and I'll confirm each step.",),
        relapses=("Got another marketing email today.",),
    ),
    Topic(
        key="payment_declined",
        team="billing",
        department="finance",
        tags=("payment", "checkout"),
        priority=(0.5, 5, 3, 1),
        extra_tags=("fraud-check", "authorisation-hold"),
        stories=(
            Story(
                subjects=("Card keeps getting declined", "Checkout error at payment", "Can't pay with my card"),
                openings=(
                    "My card gets declined at checkout every time, but it works everywhere else. My bank says "
                    "they're not blocking it.",
                    "Checkout gives me 'Something went wrong' at the payment step. Tried two cards.",
                ),
                exchanges=(
                    (
                        "I can see the attempts, and they were declined by our fraud check, not your bank — our "
                        "system being overcautious. Could you confirm the billing address you entered? I suspect a "
                        "difference from the delivery address is setting it off.",
                        "Billing and delivery are different, I'm sending it to my mum.",
                    ),
                ),
                looking=("Your card is fine — it's our checkout getting this wrong. I'm on it.",),
                handoffs=(
                    "I've asked our finance team to clear your card with our payment provider so the fraud check "
                    "doesn't block it again.",
                ),
                internal=(
                    "@finance: genuine customer blocked by fraud rules (billing ≠ delivery address). Please "
                    "allow-list.",
                ),
                backoffice=("Finance: card allow-listed.",),
                fixes=(
                    "You can check out again now: I've made sure the fraud check won't block your card. If anything "
                    "goes wrong, reply here and I'll place the order for you.",
                ),
            ),
            Story(
                subjects=("Payment failed but money taken",),
                openings=("The payment failed, the order wasn't placed, but {amount} has been taken from my account!",),
                exchanges=(
                    (
                        "The money you see is a hold, not a payment, and it will be released. Would you like me to "
                        "place the order for you now, so you don't have to try again?",
                        "Yes please, place it for me.",
                    ),
                ),
                looking=("If money has left your account, I'll make sure it comes back.",),
                handoffs=(
                    "Our finance team is checking the held amount with the payment provider; I'll confirm when it's "
                    "released.",
                ),
                internal=("Finance: failed checkout left a {amount} hold; please release it.",),
                backoffice=("Finance: hold released on our side; the bank will clear it in 1–3 days.",),
                fixes=(
                    "The {amount} hold has been released on our side; your bank should show the money back within "
                    "1–3 days. I've placed the order for you at the same price.",
                ),
            ),
        ),
        relapses=("Declined again just now.",),
    ),
)

TOPIC_BY_KEY = {t.key: t for t in TOPICS}

# Shared lines, in the customer's voice.
CHASERS = (
    "Any news on this?",
    "Just checking in — has anything happened with this yet?",
    "It's been a couple of days. Could someone give me an update please?",
    "Following up on my message above. I'd really appreciate a reply.",
    "Hello? Is anyone looking at this?",
    "Sorry to chase, but I still haven't heard anything.",
)
THANKS = (
    "That's great, thank you for sorting it out so quickly.",
    "Received, all good now. Thanks {agent}!",
    "Brilliant, thanks. I appreciate you actually following up.",
    "Thanks, that works for me.",
    "Got it — thank you, you've been really helpful.",
    "Perfect. A much better experience than I expected, honestly.",
    "ok thanks",
    "Thank you! Have a nice weekend.",
)

# Shared lines, in the agent's voice.
HOLDING = (
    "A quick update so you're not left wondering: I'm still on this. I haven't heard back from {dept} yet, and I "
    "nudged them again this morning. You'll hear from me as soon as I know more.",
    "I haven't forgotten you. I expect an answer from {dept} today and I'll write straight away.",
    "No news yet from {dept}, which I know isn't what you want to hear. I've marked it urgent on their side and I'll "
    "update you tomorrow either way.",
)
RESUMING = (
    "I've heard back from {dept} and I'm working on the fix now — you'll have it from me today.",
    "Thanks for bearing with us. With {dept} done on their side, I'm putting the last piece in place now.",
)
CONFIRM = (
    "Could you let me know once you see it on your side? I'll keep the case open until then.",
    "If anything about this isn't right, just reply and it comes straight back to me.",
    "Tell me if it works — if it doesn't, I'll try something else rather than send you back to the start.",
)

# Internal notes.
ASSIGN_NOTES = (
    "Giving this to {owner}; they've handled several of these this week.",
    "{owner}, can you take this one? Please reply today.",
    "{tier} customer, let's keep it with one person from start to finish. {owner}, it's yours.",
    "Routing to {owner} — knows this area best.",
)
AGENT_NOTES = (
    "Checked the order history: first contact about this, no earlier issues on the account.",
    "Customer prefers written updates; keep them short and concrete.",
    "Same pattern as two other cases this week. Flagged to the supervisor.",
    "Called the customer to confirm the details; summary in the reply.",
    "Goodwill is within my limit, no approval needed.",
    "Customer was clear and patient. Let's not make them repeat anything.",
)
RESOLVE_NOTES = (
    "Customer confirmed. Closing the loop.",
    "No reply after the fix; resolving. A reply from them reopens it.",
    "Root cause noted for the weekly review.",
    "Resolved; goodwill applied as agreed.",
)
REOPEN_NOTES = (
    "Reopening: spot check shows the fix didn't fully go through on our side. Sorting it before the customer has "
    "to notice.",
    "Reopening myself: the back office flagged that the change didn't stick.",
    "Reopening: I promised a follow-up and haven't sent it yet.",
)
# When a case comes back.
AGAIN_REPLIES = (
    "That's not good enough from our side, and I'm glad you told me rather than giving up on us. I'm looking at it "
    "again now, properly this time.",
    "You shouldn't have had to write again. I've reopened this and I'm staying on it until it's actually fixed.",
    "Thanks for coming back to me — this one is still mine, and I'll see it through.",
)
AGAIN_FIXES = (
    "Update: this time I checked it end to end myself rather than taking the system's word for it. It's sorted now, "
    "and I've put a note on your account so it stays that way.",
    "It's fixed now, and I've confirmed it on our side rather than assuming. I'll look again on Monday to make sure "
    "it stays fixed; you don't need to do anything.",
    "Found the second problem hiding behind the first one, and fixed that too. If anything still looks off, reply "
    "here and it comes straight back to me.",
)
FOLLOW_UPS = (
    "A quick follow-up before you have to chase us: when I double-checked your case, I found the fix hadn't fully "
    "gone through on our side. I've put it right now — nothing for you to do.",
    "I said I'd check back, so here I am: everything on our side now looks as it should. If anything on yours "
    "doesn't, just reply.",
)
TRIAGE_TAGS = ("follow-up", "escalated", "repeat-contact", "goodwill", "vip")

PLACEHOLDERS = frozenset(
    {
        "first",
        "agent",
        "order",
        "product",
        "carrier",
        "tracking",
        "due",
        "days",
        "amount",
        "amount2",
        "last4",
        "invoice",
        "company",
        "vat",
        "device",
        "version",
        "code",
        "plan",
        "city",
        "street",
        "email",
        "refund_days",
        "dept",
    }
)
"""Every `{name}` a template may use."""


def all_lines() -> list[Lines]:
    """What every story of every topic may say, defaults filled in."""
    return [topic.lines(story) for topic in TOPICS for story in topic.stories]


def templates() -> list[str]:
    """Every piece of text the plan may draw on (for checking the templates themselves)."""
    found: list[str] = []
    for lines in all_lines():
        found.extend(
            [
                *lines.subjects,
                *lines.openings,
                *lines.looking,
                *lines.handoffs,
                *lines.internal,
                *lines.backoffice,
                *lines.fixes,
                *lines.relapses,
            ]
        )
        found.extend(text for pair in lines.exchanges for text in pair)
    for pool in (
        CHASERS,
        THANKS,
        HOLDING,
        RESUMING,
        CONFIRM,
        AGENT_NOTES,
        RESOLVE_NOTES,
        REOPEN_NOTES,
        AGAIN_REPLIES,
        AGAIN_FIXES,
        FOLLOW_UPS,
    ):
        found.extend(pool)
    return found


def staff_templates() -> list[str]:
    """The text agents send to customers."""
    found: list[str] = []
    for lines in all_lines():
        found.extend([*lines.looking, *lines.handoffs, *lines.fixes, *(ask for ask, _ in lines.exchanges)])
    return [*found, *HOLDING, *RESUMING, *CONFIRM, *AGAIN_REPLIES, *AGAIN_FIXES, *FOLLOW_UPS]


# ---------------------------------------------------------------- people and places

TEAMS = (
    TeamPlan("support", "Customer Support", "support@acme.example"),
    TeamPlan("billing", "Billing", "billing@acme.example"),
    TeamPlan("technical", "Technical Support", "tech@acme.example"),
)
DEPARTMENTS = (
    DepartmentPlan("operations", "Operations", 8, "our operations team"),
    DepartmentPlan("shipping", "Shipping & Returns", 8, "our shipping team"),
    DepartmentPlan("finance", "Finance", 16, "our finance team"),
)
ORGANIZATIONS = (
    OrganizationPlan("Brightwater Dental Group", "brightwater.example", Tier.PREMIUM),
    OrganizationPlan("Halden & Finch Architects", "haldenfinch.example", Tier.ENTERPRISE),
    OrganizationPlan("Kestrel Logistics", "kestrel.example", Tier.ENTERPRISE),
    OrganizationPlan("Marlow Street Bakery", "marlowbakery.example", Tier.STANDARD),
    OrganizationPlan("Oakridge Schools Trust", "oakridge.example", Tier.PREMIUM),
    OrganizationPlan("Pinecrest Veterinary", "pinecrest.example", Tier.STANDARD),
    OrganizationPlan("Tidewater Studios", "tidewater.example", Tier.PREMIUM),
    OrganizationPlan("Verdant Office Supplies", "verdant.example", Tier.STANDARD),
)
# Agents per team (the demo agent and the supervisors come on top).
AGENTS_PER_TEAM = {"support": 3, "billing": 3, "technical": 2}
BACK_OFFICE_PER_DEPARTMENT = 2
CUSTOMER_COUNT = 120

# locale: weight, language tag, time zones, phone prefix, (Ms, Mr) forms of address
LOCALES: dict[str, tuple[float, str, tuple[str, ...], str, tuple[str, str]]] = {
    "en_GB": (5, "en-GB", ("Europe/London",), "+44 7", ("Ms {last}", "Mr {last}")),
    "en_US": (
        3,
        "en-US",
        ("America/New_York", "America/Chicago", "America/Los_Angeles"),
        "+1 ",
        ("Ms. {last}", "Mr. {last}"),
    ),
    "en_IE": (1, "en-IE", ("Europe/Dublin",), "+353 8", ("Ms {last}", "Mr {last}")),
    "de_DE": (3, "de", ("Europe/Berlin",), "+49 15", ("Frau {last}", "Herr {last}")),
    "fr_FR": (2, "fr", ("Europe/Paris",), "+33 6", ("Madame {last}", "Monsieur {last}")),
    "nl_NL": (2, "nl", ("Europe/Amsterdam",), "+31 6", ("mevrouw {last}", "meneer {last}")),
    "es_ES": (1.5, "es", ("Europe/Madrid",), "+34 6", ("Sra. {last}", "Sr. {last}")),
    "it_IT": (1, "it", ("Europe/Rome",), "+39 3", ("Signora {last}", "Signor {last}")),
    "sv_SE": (1, "sv", ("Europe/Stockholm",), "+46 7", ("Ms {last}", "Mr {last}")),
    "pl_PL": (1, "pl", ("Europe/Warsaw",), "+48 5", ("Pani {last}", "Pan {last}")),
}
PERSONAL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example")
CONTACT_WINDOWS = (("08:00", "12:00"), ("09:00", "17:00"), ("17:30", "21:00"), ("12:00", "14:00"), ("10:00", "18:00"))
ACCESSIBILITY = (
    "Hard of hearing: please write rather than call.",
    "Uses a screen reader; plain-text emails work best.",
    "Dyslexic: short paragraphs and clear next steps help.",
)

PRODUCTS = (
    "the Nordlys desk lamp",
    "a pair of Trailhead hiking boots",
    "the Brewmaster kettle",
    "the Cirrus rain jacket",
    "a set of Linnea bed sheets",
    "the Atlas backpack",
    "the Kiln ceramic mug set",
    "the Ember space heater",
    "the Fjord coffee grinder",
    "a Meadow wool throw",
    "the Pulse wireless earbuds",
    "the Harbour cast-iron pan",
    "the Aster office chair",
    "a set of Tern wine glasses",
)
CARRIERS = {"DHL": "JD01", "DPD": "15", "UPS": "1Z", "GLS": "ZG", "PostNL": "3S"}
DEVICES = ("iPhone 13", "iPhone 15", "Pixel 7", "Pixel 8", "Galaxy S23", "Galaxy A54", "iPad Air", "OnePlus 11")
CODES = ("SPRING15", "WELCOME10", "FRIENDS20", "AUTUMN25", "NEWSLETTER15")
PRICES = (19.90, 24.50, 34.00, 49.90, 59.00, 79.95, 89.00, 129.00, 149.90, 219.00)
GOODWILL = (4.95, 5.90, 7.50, 10.00, 15.00, 20.00)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
VAT_PREFIXES = ("DE", "NL", "FR", "BE", "AT", "IE")

STATUS_WEIGHTS = {
    CaseStatus.NEW: 11,
    CaseStatus.OPEN: 17,
    CaseStatus.WAITING_ON_CUSTOMER: 14,
    CaseStatus.WAITING_ON_INTERNAL: 10,
    CaseStatus.RESOLVED: 15,
    CaseStatus.CLOSED: 33,
}
CHANNEL_WEIGHTS = {Channel.EMAIL: 38, Channel.PORTAL: 27, Channel.CHAT: 20, Channel.PHONE: 15}
# The demo customer's cases: something in every state and on every channel.
DEMO_CUSTOMER_CASES = (
    ("late_parcel", CaseStatus.WAITING_ON_CUSTOMER, Channel.EMAIL),
    ("double_charge", CaseStatus.OPEN, Channel.PORTAL),
    ("app_crash", CaseStatus.WAITING_ON_INTERNAL, Channel.CHAT),
    ("damaged_goods", CaseStatus.RESOLVED, Channel.PHONE),
    ("refund_missing", CaseStatus.CLOSED, Channel.EMAIL),
    ("login", CaseStatus.NEW, Channel.PORTAL),
)


# ---------------------------------------------------------------- planning


def plan_demo(*, cases: int = 240, seed: int = 7) -> DemoPlan:
    """Everything the demo will contain, decided by `seed` alone (no database, no clock)."""
    if cases < 0:
        raise ValueError("cases cannot be negative")
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    fakers: dict[str, Any] = {}
    for offset, locale in enumerate(LOCALES):
        fake = Faker(locale)
        fake.seed_instance(seed * 1000 + offset)
        fakers[locale] = fake
    staff = _plan_staff(rng, fakers)
    drafts = _plan_customers(rng, fakers)
    case_plans = _plan_cases(rng, fakers, staff, drafts, cases)
    customers = _finish_customers(rng, drafts, case_plans)
    return DemoPlan(TEAMS, DEPARTMENTS, tuple(staff), ORGANIZATIONS, customers, case_plans)


def _ascii(value: str) -> str:
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum() or c == "-")


def _plan_staff(rng: random.Random, fakers: dict[str, Any]) -> list[StaffPlan]:
    used: set[str] = set()

    def person() -> tuple[str, str]:
        fake = fakers[rng.choice(("en_GB", "en_GB", "en_US", "en_IE", "de_DE", "nl_NL", "fr_FR"))]
        while True:
            first = str(fake.first_name())
            last = str(fake.last_name())
            address = f"{_ascii(first)}.{_ascii(last)}@sameside.example"
            if address not in used:
                used.add(address)
                return f"{first} {last}", address

    def member(
        role: Role, *, email: str | None = None, team: str | None = None, department: str | None = None
    ) -> StaffPlan:
        name, address = person()
        return StaffPlan(email or address, name, role, team=team, department=department)

    staff = [
        member(Role.ADMIN, email=DEMO_ADMIN_EMAIL),
        member(Role.SUPERVISOR, email=DEMO_SUPERVISOR_EMAIL, team="support"),
        member(Role.SUPERVISOR, team="technical"),
        member(Role.AGENT, email=DEMO_AGENT_EMAIL, team="support"),
    ]
    for team, count in AGENTS_PER_TEAM.items():
        staff.extend(member(Role.AGENT, team=team) for _ in range(count))
    for department in DEPARTMENTS:
        staff.extend(member(Role.AGENT, department=department.slug) for _ in range(BACK_OFFICE_PER_DEPARTMENT))
    return staff


@dataclass
class _CustomerDraft:
    name: str
    first: str
    email: str
    locale: str
    address: str
    """How agents greet them."""
    street: str
    city: str
    organization: OrganizationPlan | None
    phone: str | None
    preferences: Preferences | None
    tier: Tier | None
    weight: float
    """How often they get in touch."""


def _plan_customers(rng: random.Random, fakers: dict[str, Any]) -> list[_CustomerDraft]:
    locales = list(LOCALES)
    locale_weights = [LOCALES[loc][0] for loc in locales]
    used_emails = {DEMO_CUSTOMER_EMAIL}
    used_phones: set[str] = set()

    def phone_for(locale: str) -> str:
        while True:
            number = LOCALES[locale][3] + "".join(str(rng.randint(0, 9)) for _ in range(9))
            if number not in used_phones:
                used_phones.add(number)
                return number

    def place(fake: Any) -> tuple[str, str]:
        street = ", ".join(part.strip() for part in str(fake.street_address()).splitlines() if part.strip())
        return street, f"{str(fake.postcode()).strip()} {str(fake.city()).strip()}"

    uk = fakers["en_GB"]
    street, city = place(uk)
    drafts = [
        _CustomerDraft(
            name="Casey Morgan",
            first="Casey",
            email=DEMO_CUSTOMER_EMAIL,
            locale="en_GB",
            address="Casey",
            street=street,
            city=city,
            organization=None,
            phone=phone_for("en_GB"),
            preferences=Preferences(
                preferred_channel=Channel.EMAIL,
                language="en-GB",
                form_of_address="Casey",
                timezone="Europe/London",
                contact_window=("08:00", "20:00"),
            ),
            tier=None,
            weight=0,
        )
    ]
    while len(drafts) < CUSTOMER_COUNT:
        locale = rng.choices(locales, locale_weights)[0]
        fake = fakers[locale]
        female = rng.random() < 0.5
        first = str(fake.first_name_female() if female else fake.first_name_male())
        last = str(fake.last_name())
        organization = rng.choice(ORGANIZATIONS) if rng.random() < 0.28 else None
        a, b = _ascii(first), _ascii(last)
        if not a or not b:
            continue
        if organization is not None:
            local = rng.choice((f"{a}.{b}", f"{a[0]}.{b}", f"{a}"))
            domain = organization.domain
        else:
            local = rng.choice((f"{a}.{b}", f"{a}{b}{rng.randint(1, 99)}", f"{a[0]}{b}", f"{b}.{a}"))
            domain = rng.choice(PERSONAL_DOMAINS)
        email = f"{local}@{domain}"
        if email in used_emails:
            continue
        used_emails.add(email)
        _, language, zones, _, forms = LOCALES[locale]
        preferences = None
        address = first
        if rng.random() < 0.45:
            roll = rng.random()
            form = None
            if roll < 0.15:
                form = f"Dr {last}"
            elif roll < 0.5:
                form = forms[0 if female else 1].format(last=last)
            elif roll < 0.7:
                form = first
            preferences = Preferences(
                preferred_channel=rng.choice(list(Channel)) if rng.random() < 0.6 else None,
                language=language if rng.random() < 0.7 else None,
                form_of_address=form,
                timezone=rng.choice(zones) if rng.random() < 0.6 else None,
                contact_window=rng.choice(CONTACT_WINDOWS) if rng.random() < 0.45 else None,
                accessibility_notes=rng.choice(ACCESSIBILITY) if rng.random() < 0.07 else None,
            )
            address = form or first
        street, city = place(fake)
        drafts.append(
            _CustomerDraft(
                name=f"{first} {last}",
                first=first,
                email=email,
                locale=locale,
                address=address,
                street=street,
                city=city,
                organization=organization,
                phone=phone_for(locale) if rng.random() < 0.4 else None,
                preferences=preferences,
                tier=Tier.PREMIUM if organization is None and rng.random() < 0.07 else None,
                weight=rng.choice((0.3, 1, 1, 1, 1.5, 2, 3, 5)),
            )
        )
    return drafts


def _plan_cases(
    rng: random.Random, fakers: dict[str, Any], staff: list[StaffPlan], customers: list[_CustomerDraft], count: int
) -> tuple[CasePlan, ...]:
    wanted: list[tuple[int, str | None, CaseStatus, Channel]] = [
        (0, topic, status, channel) for topic, status, channel in DEMO_CUSTOMER_CASES[:count]
    ]
    statuses, status_weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    channels, channel_weights = list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values())
    weights = [c.weight for c in customers]
    with_phone = [i for i, c in enumerate(customers) if c.phone is not None and i != 0]
    phone_weights = [customers[i].weight for i in with_phone]
    while len(wanted) < count:
        channel = rng.choices(channels, channel_weights)[0]
        if channel is Channel.PHONE:
            index = rng.choices(with_phone, phone_weights)[0]
        else:
            index = rng.choices(range(len(customers)), weights)[0]
        wanted.append((index, None, rng.choices(statuses, status_weights)[0], channel))
    plans = [
        _plan_case(rng, fakers, staff, customers, index, topic, status, channel)
        for index, topic, status, channel in wanted
    ]
    plans.sort(key=lambda p: -p.ago)
    return tuple(plans)


def _finish_customers(
    rng: random.Random, drafts: list[_CustomerDraft], cases: tuple[CasePlan, ...]
) -> tuple[CustomerPlan, ...]:
    first_contact: dict[int, timedelta] = {}
    for case in cases:
        first_contact[case.customer] = max(first_contact.get(case.customer, timedelta(0)), case.ago)
    finished = []
    for index, draft in enumerate(drafts):
        if index in first_contact:
            # Half are new customers whose first contact is a case; the others had an account already.
            earlier = timedelta(seconds=1) if rng.random() < 0.5 else _minutes(rng.uniform(60, 40 * 24 * 60))
            ago = min(first_contact[index] + earlier, STRUCTURE_AGE)
            ago = max(ago, first_contact[index] + timedelta(seconds=1))
        else:
            ago = _minutes(rng.uniform(24 * 60, 85 * 24 * 60))
        finished.append(
            CustomerPlan(
                name=draft.name,
                email=draft.email,
                ago=ago,
                phone=draft.phone,
                preferences=draft.preferences,
                tier=draft.tier,
            )
        )
    return tuple(finished)


def _minutes(value: float) -> timedelta:
    return timedelta(seconds=max(20, round(value * 60)))


def _log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def _money(value: float) -> str:
    return f"€{value:.2f}"


def _context(
    rng: random.Random, fakers: dict[str, Any], customer: _CustomerDraft, agent: str, department: DepartmentPlan
) -> dict[str, str]:
    carrier = rng.choice(list(CARRIERS))
    fake = fakers[customer.locale]
    if rng.random() < 0.5:
        street, city = customer.street, customer.city
    else:
        street = ", ".join(p.strip() for p in str(fake.street_address()).splitlines() if p.strip())
        city = f"{str(fake.postcode()).strip()} {str(fake.city()).strip()}"
    context = {
        "first": customer.address,
        "agent": agent,
        "order": f"A-{rng.randint(100000, 999999)}",
        "product": rng.choice(PRODUCTS),
        "carrier": carrier,
        "tracking": f"{CARRIERS[carrier]}{rng.randint(10**9, 10**10 - 1)}",
        "due": rng.choice(WEEKDAYS),
        "days": str(rng.randint(3, 12)),
        "amount": _money(rng.choice(PRICES)),
        "amount2": _money(rng.choice(GOODWILL)),
        "last4": f"{rng.randint(0, 9999):04d}",
        "invoice": f"INV-{rng.randint(10000, 99999)}",
        "company": customer.organization.name if customer.organization else str(fakers["en_GB"].company()),
        "vat": f"{rng.choice(VAT_PREFIXES)}{rng.randint(10**8, 10**9 - 1)}",
        "device": rng.choice(DEVICES),
        "version": f"4.{rng.randint(8, 14)}.{rng.randint(0, 3)}",
        "code": rng.choice(CODES),
        "plan": "Acme Plus",
        "city": city,
        "street": street,
        "email": customer.email,
        "refund_days": rng.choice(("3 to 5 working days", "2 to 3 working days", "a few days")),
        "dept": department.label,
    }
    assert context.keys() == PLACEHOLDERS
    return context


def _plan_case(
    rng: random.Random,
    fakers: dict[str, Any],
    staff: list[StaffPlan],
    customers: list[_CustomerDraft],
    index: int,
    topic_key: str | None,
    status: CaseStatus,
    channel: Channel,
) -> CasePlan:
    customer = customers[index]
    if topic_key is None:
        topic_weights = [4.0 if t.business and customer.organization else 1.0 for t in TOPICS]
        topic = rng.choices(TOPICS, topic_weights)[0]
    else:
        topic = TOPIC_BY_KEY[topic_key]
    department = next(d for d in DEPARTMENTS if d.slug == topic.department)
    agents = [s for s in staff if s.team == topic.team and s.role is Role.AGENT]
    agent_weights = [2.0 if s.email == DEMO_AGENT_EMAIL else 1.0 for s in agents]
    supervisors = [s for s in staff if s.role is Role.SUPERVISOR]
    supervisor = next((s for s in supervisors if s.team == topic.team), supervisors[0])
    owner = supervisor if rng.random() < 0.06 else rng.choices(agents, agent_weights)[0]
    if index == 0 and topic_key is not None and topic.team == "support":
        owner = next(s for s in staff if s.email == DEMO_AGENT_EMAIL)
    back_office = [s for s in staff if s.department == topic.department]
    lines = topic.lines(rng.choice(topic.stories))
    context = _context(rng, fakers, customer, owner.name.split()[0], department)

    priority = rng.choices(list(Priority), topic.priority)[0]
    tier = customer.organization.tier if customer.organization else (customer.tier or Tier.STANDARD)
    bump = {Tier.STANDARD: 0.0, Tier.PREMIUM: 0.2, Tier.ENTERPRISE: 0.4}[tier]
    if priority in (Priority.LOW, Priority.NORMAL) and rng.random() < bump:
        priority = Priority.HIGH
    untriaged = status is CaseStatus.NEW and channel is not Channel.PHONE and rng.random() < 0.3
    team = None if untriaged else topic.team
    tags = (*topic.tags, "business") if customer.organization is not None else topic.tags
    opened_by = {Channel.EMAIL: SYSTEM_KEY, Channel.PHONE: owner.email}.get(channel, CUSTOMER)

    script = _Script(rng, channel, priority, context, owner.email, list(tags))
    _converse(script, rng, status, topic, lines, owner, supervisor, back_office, tier, team is not None)
    assert script.status is status, (script.status, status)

    idle = _idle(rng, status, script.t)
    subject = _fill(rng.choice(lines.subjects), context)
    subject = subject[0].upper() + subject[1:]
    body = _customer_words(rng, _fill(rng.choice(lines.openings), context), customer, channel)
    return CasePlan(
        customer=index,
        topic=topic.key,
        subject=subject,
        body=body,
        channel=channel,
        team=team,
        priority=priority,
        tags=tags,
        shared=customer.organization is not None and rng.random() < 0.35,
        opened_by=opened_by,
        ago=script.t + idle,
        steps=tuple(script.steps),
        status=script.status,
    )


def _idle(rng: random.Random, status: CaseStatus, span: timedelta) -> timedelta:
    """How long ago the last thing happened on a case that ended up in `status`."""
    hour = 60.0
    match status:
        case CaseStatus.NEW:
            idle = _log_uniform(rng, 5, 40 * hour)
        case CaseStatus.OPEN:
            idle = _log_uniform(rng, 10, 3 * 24 * hour)
        case CaseStatus.WAITING_ON_CUSTOMER:
            idle = _log_uniform(rng, hour, 6 * 24 * hour)
        case CaseStatus.WAITING_ON_INTERNAL:
            idle = _log_uniform(rng, hour, 4 * 24 * hour)
        case CaseStatus.RESOLVED:
            idle = _log_uniform(rng, 30, 6.5 * 24 * hour)
        case CaseStatus.CLOSED:
            room = (WINDOW - span).total_seconds() / 60
            idle = rng.uniform(5, max(room, 10))
    return _minutes(idle)


def _fill(template: str, context: dict[str, str]) -> str:
    return template.format_map(context)


def _customer_words(rng: random.Random, body: str, customer: _CustomerDraft, channel: Channel) -> str:
    if channel is not Channel.EMAIL:
        return body
    roll = rng.random()
    if roll < 0.35:
        return f"Hello,\n\n{body}\n\n{customer.first}"
    if roll < 0.65:
        return f"{body}\n\nThanks,\n{customer.name}"
    return body


@dataclass
class _Script:
    """A case's conversation as it is planned, tracking its status the way the services will."""

    rng: random.Random
    channel: Channel
    priority: Priority
    context: dict[str, str]
    owner: str
    tags: list[str]
    steps: list[Step] = field(default_factory=list)
    t: timedelta = timedelta(0)
    status: CaseStatus = CaseStatus.NEW
    owned: bool = False
    replied: bool = False
    used: set[object] = field(default_factory=set)
    greeting: str = ""
    closing: str = ""

    def __post_init__(self) -> None:
        # Each agent writes in one style for the whole conversation.
        first, agent = self.context["first"], self.context["agent"]
        formal = " " in first  # "Dr Okafor", "Frau Weber": a title, so no "Hi"
        greetings = ("Dear {0},", "Hello {0},") if formal else ("Hi {0},", "Hello {0},", "Hi {0},", "Dear {0},")
        self.greeting = self.rng.choice(greetings).format(first)
        self.closing = self.rng.choice(("{0}", "Best,\n{0}", "Talk soon,\n{0}", "Thanks,\n{0}")).format(agent)

    def fresh(self, pool: Sequence[T]) -> T:
        """A line from `pool` not yet used on this case, if there is one."""
        unused = [item for item in pool if item not in self.used]
        choice = self.rng.choice(unused or list(pool))
        self.used.add(choice)
        return choice

    # timing

    def wait(self, who: Literal["customer", "staff", "internal", "quick", "days"]) -> None:
        chat = self.channel is Channel.CHAT
        if who == "customer":
            minutes = _log_uniform(self.rng, 1, 6) if chat else _log_uniform(self.rng, 25, 30 * 60)
        elif who == "staff":
            minutes = _log_uniform(self.rng, 1, 4) if chat else _log_uniform(self.rng, 6, 8 * 60)
            if self.priority in (Priority.HIGH, Priority.URGENT):
                minutes *= 0.4
        elif who == "internal":
            minutes = _log_uniform(self.rng, 3 * 60, 2 * 24 * 60)
        elif who == "quick":
            minutes = self.rng.uniform(0.5, 3)
        else:
            minutes = 7 * 24 * 60 + self.rng.uniform(5, 60)
        self.t += _minutes(minutes)

    # steps

    def _add(self, kind: StepKind, by: str, **values: Any) -> None:
        self.steps.append(Step(after=self.t, kind=kind, by=by, **values))

    def customer(self, text: str) -> None:
        self.wait("customer")
        # After a phone call, customers write or call again.
        channel = self.rng.choice((Channel.PHONE, Channel.EMAIL)) if self.channel is Channel.PHONE else self.channel
        self._add("customer", CUSTOMER, body=_fill(text, self.context), channel=channel)
        if self.status is CaseStatus.RESOLVED:
            self.status = CaseStatus.OPEN
        else:
            self.status = rules.status_after_customer_message(self.status)

    def reply(
        self, text: str, *, status: CaseStatus | None = None, by: str | None = None, confirm: bool = False
    ) -> None:
        by = by or self.owner
        self.wait("staff")
        body = _fill(text, self.context)
        if confirm:
            body = f"{body} {self.fresh(CONFIRM)}"
        self._add(
            "reply",
            by,
            body=self._letter(body),
            status=status,
            channel=Channel.EMAIL if self.channel is Channel.PHONE else None,
        )
        self.status = rules.status_after_staff_reply(self.status, status)
        self.owned = True
        self.replied = True

    def _letter(self, body: str) -> str:
        if self.channel is Channel.CHAT:
            return f"Hi {self.context['first']}! {body}" if not self.replied else body
        return f"{self.greeting}\n\n{body}\n\n{self.closing}"

    def note(self, text: str, *, by: str | None = None, context: dict[str, str] | None = None) -> None:
        self.wait("quick")
        self._add("note", by or self.owner, body=_fill(text, {**self.context, **(context or {})}))

    def assign(self, by: str, text: str, context: dict[str, str]) -> None:
        self.wait("staff")
        self._add("assign", by, owner=self.owner)
        self.note(text, by=by, context=context)
        self.owned = True

    def details(self, by: str, *, priority: Priority | None = None, tag: str | None = None) -> None:
        self.wait("quick")
        tags = None
        if tag is not None and tag not in self.tags:
            self.tags.append(tag)
            tags = tuple(self.tags)
        if priority is self.priority:
            priority = None
        if priority is None and tags is None:
            return
        if priority is not None:
            self.priority = priority
        self._add("details", by, priority=priority, tags=tags)

    def change_status(self, by: str, status: CaseStatus, *, wait: Literal["staff", "quick", "days"]) -> None:
        self.wait(wait)
        rules.check_transition(self.status, status)
        self._add("status", by, status=status)
        self.status = status

    def resolve(self, note: str | None = None) -> None:
        self.wait("quick" if self.channel is Channel.CHAT else "staff")
        rules.check_transition(self.status, CaseStatus.RESOLVED)
        self._add("resolve", self.owner, body=note or "")
        self.status = CaseStatus.RESOLVED

    def reopen(self) -> None:
        self.wait("staff")
        rules.check_reopen(self.status)
        self._add("reopen", self.owner)
        self.status = CaseStatus.OPEN


def _converse(
    s: _Script,
    rng: random.Random,
    status: CaseStatus,
    topic: Topic,
    lines: Lines,
    owner: StaffPlan,
    supervisor: StaffPlan,
    back_office: list[StaffPlan],
    tier: Tier,
    triaged: bool,
) -> None:
    """Write the conversation of a case that ends up in `status`."""
    pick = s.fresh
    assign_context = {"owner": owner.name.split()[0], "tier": tier.value.title()}
    assign_notes = ASSIGN_NOTES if tier is not Tier.STANDARD else tuple(n for n in ASSIGN_NOTES if "{tier}" not in n)

    def internal_round() -> None:
        """The owner asks the back office, which answers with a note some hours later."""
        s.note(pick(lines.internal))

    def back_office_answers() -> None:
        s.wait("internal")
        s.note(pick(lines.backoffice), by=pick(back_office).email)

    def maybe_details() -> None:
        if rng.random() < 0.3:
            extra = pick(topic.extra_tags) if topic.extra_tags and rng.random() < 0.7 else pick(TRIAGE_TAGS)
            bump = Priority.HIGH if s.priority in (Priority.LOW, Priority.NORMAL) and rng.random() < 0.15 else None
            s.details(s.owner, priority=bump, tag=extra)

    if status is CaseStatus.NEW:
        if s.channel is not Channel.CHAT and rng.random() < 0.3:
            s.customer(pick(CHASERS))
        if triaged and s.channel is not Channel.PHONE and rng.random() < 0.2:
            s.assign(supervisor.email, pick(assign_notes), assign_context)
        elif rng.random() < 0.12:
            s.details(
                supervisor.email,
                priority=Priority.HIGH if s.priority is not Priority.URGENT else None,
                tag=pick(TRIAGE_TAGS),
            )
        return

    # Before the first reply: sometimes a supervisor routes it, sometimes the customer nudges.
    if s.channel is not Channel.PHONE and rng.random() < 0.25:
        s.assign(supervisor.email, pick(assign_notes), assign_context)
    if s.channel not in (Channel.CHAT, Channel.PHONE) and rng.random() < 0.15:
        s.customer(pick(CHASERS))

    def ask_and_answer() -> None:
        ask, answer = pick(lines.exchanges)
        s.reply(ask, status=CaseStatus.WAITING_ON_CUSTOMER)
        s.customer(answer)

    def through_back_office() -> None:
        internal_round()
        s.reply(pick(lines.handoffs), status=CaseStatus.WAITING_ON_INTERNAL)
        if s.channel is not Channel.CHAT and rng.random() < 0.3:
            s.customer(pick(CHASERS))
            s.reply(pick(HOLDING))
        back_office_answers()

    def solve() -> None:
        """Get to the fix by one of the usual roads, ending with the fix sent."""
        road = rng.random()
        if road < 0.35:
            ask_and_answer()
        elif road < 0.7:
            if rng.random() < 0.5:
                s.reply(pick(lines.looking))
            through_back_office()
        else:
            s.reply(pick(lines.looking))
            if rng.random() < 0.3:
                s.note(pick(AGENT_NOTES))
        maybe_details()
        confirm = rng.random() < 0.55
        s.reply(pick(lines.fixes), status=CaseStatus.WAITING_ON_CUSTOMER if confirm else None, confirm=confirm)
        if confirm and rng.random() < 0.6:
            s.customer(pick(THANKS))
            s.resolve(pick(RESOLVE_NOTES) if rng.random() < 0.3 else None)
        elif confirm:
            s.wait("days")
            s.resolve(RESOLVE_NOTES[1])
        else:
            s.resolve(pick(RESOLVE_NOTES) if rng.random() < 0.3 else None)

    match status:
        case CaseStatus.OPEN:
            road = rng.random()
            if road < 0.4:
                ask_and_answer()
            elif road < 0.7:
                s.reply(pick(lines.looking))
                if rng.random() < 0.4:
                    s.note(pick(AGENT_NOTES))
                if s.channel is not Channel.CHAT and rng.random() < 0.4:
                    s.customer(pick(CHASERS))
            else:
                s.reply(pick(lines.looking))
                through_back_office()
                s.change_status(s.owner, CaseStatus.OPEN, wait="staff")
                if rng.random() < 0.5:
                    s.reply(pick(RESUMING))
            maybe_details()
        case CaseStatus.WAITING_ON_CUSTOMER:
            if rng.random() < 0.6:
                if rng.random() < 0.3:
                    s.reply(pick(lines.looking))
                    maybe_details()
                s.reply(pick(lines.exchanges)[0], status=CaseStatus.WAITING_ON_CUSTOMER)
            else:
                s.reply(pick(lines.looking))
                through_back_office()
                s.reply(pick(lines.fixes), status=CaseStatus.WAITING_ON_CUSTOMER, confirm=True)
        case CaseStatus.WAITING_ON_INTERNAL:
            if rng.random() < 0.4:
                ask_and_answer()
            maybe_details()
            internal_round()
            s.reply(pick(lines.handoffs), status=CaseStatus.WAITING_ON_INTERNAL)
            if s.channel is not Channel.CHAT and rng.random() < 0.35:
                s.customer(pick(CHASERS))
                s.reply(pick(HOLDING))
        case CaseStatus.RESOLVED | CaseStatus.CLOSED:
            solve()
            if status is CaseStatus.CLOSED:
                if rng.random() < 0.2:
                    # It came back: the customer writes again, or we catch it first.
                    if rng.random() < 0.7:
                        s.customer(pick(lines.relapses))
                        s.reply(pick(AGAIN_REPLIES))
                        if rng.random() < 0.5:
                            internal_round()
                            back_office_answers()
                        s.reply(pick(AGAIN_FIXES))
                    else:
                        s.reopen()
                        s.note(pick(REOPEN_NOTES))
                        s.reply(pick(FOLLOW_UPS))
                    s.resolve()
                if rng.random() < 0.7:
                    s.change_status(SYSTEM_KEY, CaseStatus.CLOSED, wait="days")
                else:
                    s.change_status(s.owner, CaseStatus.CLOSED, wait="staff")
        case _:
            raise AssertionError(status)
    assert s.replied


# ---------------------------------------------------------------- seeding


def already_seeded(session: Session) -> bool:
    """Whether the demo is there already (its admin exists)."""
    return staff_by_email(session, DEMO_ADMIN_EMAIL) is not None


def seed_demo(session: Session, *, cases: int = 240, seed: int = 7) -> str:
    """Fill the database with the demo through the domain services; returns a summary. Never commits."""
    if already_seeded(session):
        return f"Demo data is already there ({DEMO_ADMIN_EMAIL} exists); nothing was added."
    plan = plan_demo(cases=cases, seed=seed)
    now = clock.now().replace(microsecond=0)
    started = now - STRUCTURE_AGE
    with clock.frozen(started):
        teams = {t.slug: _team(session, t) for t in plan.teams}
        departments = {d.slug: _department(session, d) for d in plan.departments}
        staff = {
            s.email: staff_service.add_staff(
                session,
                SYSTEM,
                email=s.email,
                name=s.name,
                role=s.role,
                team_id=teams[s.team].id if s.team else None,
                department_id=departments[s.department].id if s.department else None,
                password=DEMO_PASSWORD,
            )
            for s in plan.staff
        }
        organizations = [_organization(session, o) for o in plan.organizations]
    customers = _seed_customers(session, plan.customers, now)
    actors: dict[str, Actor] = {email: staff_actor(row) for email, row in staff.items()}
    actors[SYSTEM_KEY] = SYSTEM
    opened = [_seed_case(session, c, now, teams, staff, customers, actors) for c in plan.cases]
    session.flush()

    by_status = Counter(case.status for case in opened)
    statuses = ", ".join(f"{status.value.replace('_', ' ')} {by_status[status]}" for status in CaseStatus)
    return (
        f"Demo data: {len(teams)} teams, {len(departments)} departments, {len(staff)} staff, "
        f"{len(organizations)} organizations, {len(customers)} customers and {len(opened)} cases "
        f"({statuses})."
    )


def _team(session: Session, plan: TeamPlan) -> Team:
    existing = session.scalar(select(Team).where(Team.slug == plan.slug))
    return existing or staff_service.create_team(session, SYSTEM, slug=plan.slug, name=plan.name, email=plan.email)


def _department(session: Session, plan: DepartmentPlan) -> Department:
    existing = session.scalar(select(Department).where(Department.slug == plan.slug))
    return existing or staff_service.create_department(
        session, SYSTEM, slug=plan.slug, name=plan.name, service_level_hours=plan.service_level_hours
    )


def _organization(session: Session, plan: OrganizationPlan) -> Organization:
    existing = session.scalar(select(Organization).where(Organization.domain == plan.domain))
    return existing or customers_service.create_organization(
        session, SYSTEM, name=plan.name, domain=plan.domain, tier=plan.tier
    )


def _seed_customers(session: Session, plans: tuple[CustomerPlan, ...], now: datetime) -> dict[int, Customer]:
    """Customers in the order we first met them; keyed by their index in the plan."""
    rows: dict[int, Customer] = {}
    for index in sorted(range(len(plans)), key=lambda i: -plans[i].ago):
        plan = plans[index]
        with clock.frozen(now - plan.ago):
            customer, _ = customers_service.find_or_create(
                session, kind=IdentityKind.EMAIL, value=plan.email, name=plan.name
            )
            if plan.phone is not None:
                customers_service.add_identity(session, SYSTEM, customer, IdentityKind.PHONE, plan.phone)
            changes = PreferenceChanges()
            if plan.tier is not None:
                changes.tier = plan.tier
            prefs = plan.preferences
            if prefs is not None:
                changes.preferred_channel = prefs.preferred_channel
                changes.language = prefs.language
                changes.form_of_address = prefs.form_of_address
                changes.timezone = prefs.timezone
                if prefs.contact_window is not None:
                    changes.contact_window_start, changes.contact_window_end = prefs.contact_window
                changes.accessibility_notes = prefs.accessibility_notes
            if plan.tier is not None or prefs is not None:
                customers_service.update_customer(session, SYSTEM, customer, changes)
        rows[index] = customer
    return rows


def _seed_case(
    session: Session,
    plan: CasePlan,
    now: datetime,
    teams: dict[str, Team],
    staff: dict[str, Staff],
    customers: dict[int, Customer],
    actors: dict[str, Actor],
) -> Case:
    customer = customers[plan.customer]
    actors[CUSTOMER] = customer_actor(customer)
    opened_at = now - plan.ago
    with clock.frozen(opened_at):
        case = cases_service.open_case(
            session,
            actors[plan.opened_by],
            customer=customer,
            subject=plan.subject,
            body=plan.body,
            channel=plan.channel,
            team=teams[plan.team] if plan.team else None,
            priority=plan.priority,
            tags=list(plan.tags),
            shared_with_organization=plan.shared,
        )
    for step in plan.steps:
        actor = actors[step.by]
        with clock.frozen(opened_at + step.after):
            match step.kind:
                case "customer" | "reply":
                    cases_service.reply(session, actor, case, step.body, channel=step.channel, status=step.status)
                case "note":
                    cases_service.add_note(session, actor, case, step.body)
                case "assign":
                    cases_service.assign(session, actor, case, staff[step.owner] if step.owner else None)
                case "details":
                    cases_service.update_details(
                        session,
                        actor,
                        case,
                        priority=step.priority,
                        tags=list(step.tags) if step.tags is not None else None,
                    )
                case "status":
                    assert step.status is not None
                    cases_service.change_status(session, actor, case, step.status)
                case "resolve":
                    cases_service.resolve(session, actor, case, note=step.body or None)
                case "reopen":
                    cases_service.reopen(session, actor, case)
    return case


__all__ = [
    "DEMO_ADMIN_EMAIL",
    "DEMO_AGENT_EMAIL",
    "DEMO_CUSTOMER_EMAIL",
    "DEMO_PASSWORD",
    "DEMO_SUPERVISOR_EMAIL",
    "DemoPlan",
    "already_seeded",
    "plan_demo",
    "seed_demo",
]

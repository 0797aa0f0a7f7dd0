"""Planning the demo: everything it will contain, decided by the seed alone (no database, no clock)."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from faker import Faker

from sameside.cases.rules import CaseStatus, Priority
from sameside.customers.rules import Channel, Tier
from sameside.demo.cast import (
    ACCESSIBILITY,
    AGENTS_PER_TEAM,
    BACK_OFFICE_PER_DEPARTMENT,
    CARRIERS,
    CHANNEL_WEIGHTS,
    CODES,
    CONTACT_WINDOWS,
    CUSTOMER_COUNT,
    DEMO_ADMIN_EMAIL,
    DEMO_AGENT_EMAIL,
    DEMO_BACK_OFFICE_EMAIL,
    DEMO_CUSTOMER_CASES,
    DEMO_CUSTOMER_EMAIL,
    DEMO_SUPERVISOR_EMAIL,
    DEPARTMENTS,
    DEVICES,
    GOODWILL,
    LOCALES,
    ORGANIZATIONS,
    PERSONAL_DOMAINS,
    PRICES,
    PRODUCTS,
    ROUTING,
    SKILLED_PRODUCTS,
    STATUS_WEIGHTS,
    TEAMS,
    VAT_PREFIXES,
    WEEKDAYS,
)
from sameside.demo.conversation import Script, as_duration, converse, fill, log_uniform
from sameside.demo.plan_types import (
    CUSTOMER,
    STRUCTURE_AGE,
    SYSTEM_KEY,
    WINDOW,
    CasePlan,
    CustomerPlan,
    DemoPlan,
    DepartmentPlan,
    OrganizationPlan,
    Preferences,
    StaffPlan,
)
from sameside.demo.stories import PLACEHOLDERS, TOPIC_BY_KEY, TOPICS
from sameside.kit.actors import Role


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
    arrivals = _plan_arrivals(rng, fakers, drafts, case_plans) if cases else ()
    customers = _finish_customers(rng, drafts, case_plans)
    return DemoPlan(TEAMS, DEPARTMENTS, tuple(staff), ORGANIZATIONS, customers, case_plans, ROUTING, arrivals)


ARRIVALS = (("technical", "de"), ("technical", "fr"), ("technical", None), ("billing", None), ("billing", None))
"""Cases arriving just now, after routing is on: (team, language of the customer) — to show who routing picks."""


def _plan_arrivals(
    rng: random.Random, fakers: dict[str, Any], drafts: list[_CustomerDraft], cases: tuple[CasePlan, ...]
) -> tuple[CasePlan, ...]:
    latest = min(c.ago for c in cases)
    arrivals: list[CasePlan] = []
    for n, (team, language) in enumerate(ARRIVALS):
        speakers = [
            i
            for i, d in enumerate(drafts)
            if i != 0
            and ((d.preferences.language if d.preferences else None) or "en").split("-")[0] == (language or "en")
        ]
        index = rng.choice(speakers or list(range(1, len(drafts))))
        topic = rng.choice([t for t in TOPICS if t.team == team])
        lines = topic.lines(rng.choice(topic.stories))
        department = next(d for d in DEPARTMENTS if d.slug == topic.department)
        team_name = next(t.name for t in TEAMS if t.slug == team)
        context = _context(rng, fakers, drafts[index], "", department, team_name)
        subject = fill(rng.choice(lines.subjects), context)
        arrivals.append(
            CasePlan(
                customer=index,
                topic=topic.key,
                subject=subject[0].upper() + subject[1:],
                body=_customer_words(rng, fill(rng.choice(lines.openings), context), drafts[index], Channel.EMAIL),
                channel=Channel.EMAIL,
                team=team,
                priority=Priority.NORMAL,
                tags=topic.tags,
                shared=False,
                opened_by=SYSTEM_KEY,
                ago=latest * (len(ARRIVALS) - n) / (len(ARRIVALS) + 1),
                steps=(),
                status=CaseStatus.NEW,
            )
        )
    return tuple(arrivals)


def _ascii(value: str) -> str:
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum() or c == "-")


def _plan_staff(rng: random.Random, fakers: dict[str, Any]) -> list[StaffPlan]:
    used: set[str] = set()

    def person() -> tuple[str, str, tuple[str, ...]]:
        locale = rng.choice(("en_GB", "en_GB", "en_US", "en_IE", "de_DE", "nl_NL", "fr_FR"))
        fake = fakers[locale]
        while True:
            first = str(fake.first_name())
            last = str(fake.last_name())
            address = f"{_ascii(first)}.{_ascii(last)}@sameside.example"
            if address not in used:
                used.add(address)
                # Everyone answers in English; people from elsewhere in their own language too.
                native = locale.split("_")[0]
                return f"{first} {last}", address, ("en",) if native == "en" else ("en", native)

    def member(
        role: Role, *, email: str | None = None, team: str | None = None, department: str | None = None
    ) -> StaffPlan:
        name, address, languages = person()
        products = SKILLED_PRODUCTS.get(team or "", ())
        known = tuple(sorted(rng.sample(products, k=min(len(products), rng.randint(1, 2))))) if products else ()
        return StaffPlan(
            email or address, name, role, team=team, department=department, languages=languages, products=known
        )

    staff = [
        member(Role.ADMIN, email=DEMO_ADMIN_EMAIL),
        member(Role.SUPERVISOR, email=DEMO_SUPERVISOR_EMAIL, team="support"),
        member(Role.SUPERVISOR, team="technical"),
        member(Role.AGENT, email=DEMO_AGENT_EMAIL, team="support"),
    ]
    for team, count in AGENTS_PER_TEAM.items():
        staff.extend(member(Role.AGENT, team=team) for _ in range(count))
    # Skill routing needs someone to find: technical support answers in German and French too.
    technical = [i for i, s in enumerate(staff) if s.team == "technical" and s.role is Role.AGENT]
    for i, extra in zip(technical, ("de", "fr"), strict=False):
        if extra not in staff[i].languages:
            staff[i] = replace(staff[i], languages=(*staff[i].languages, extra))
    for d, department in enumerate(DEPARTMENTS):
        staff.extend(
            member(Role.AGENT, email=DEMO_BACK_OFFICE_EMAIL if d == i == 0 else None, department=department.slug)
            for i in range(BACK_OFFICE_PER_DEPARTMENT)
        )
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
            channel = rng.choice(list(Channel)) if rng.random() < 0.6 else None
            spoken = language if rng.random() < 0.7 else None
            zone = rng.choice(zones) if rng.random() < 0.6 else None
            window = rng.choice(CONTACT_WINDOWS) if rng.random() < 0.45 else None
            preferences = Preferences(
                preferred_channel=channel,
                language=spoken,
                form_of_address=form,
                timezone=zone or (zones[0] if window else None),  # a window means hours in their own time
                contact_window=window,
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
            earlier = timedelta(seconds=1) if rng.random() < 0.5 else as_duration(rng.uniform(60, 40 * 24 * 60))
            ago = min(first_contact[index] + earlier, STRUCTURE_AGE)
            ago = max(ago, first_contact[index] + timedelta(seconds=1))
        else:
            ago = as_duration(rng.uniform(24 * 60, 85 * 24 * 60))
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


def _money(value: float) -> str:
    return f"€{value:.2f}"


def _context(
    rng: random.Random,
    fakers: dict[str, Any],
    customer: _CustomerDraft,
    agent: str,
    department: DepartmentPlan,
    team: str,
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
        "team": team,
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
    team_name = next(t.name for t in TEAMS if t.slug == topic.team)
    context = _context(rng, fakers, customer, owner.name.split()[0], department, team_name)

    priority = rng.choices(list(Priority), topic.priority)[0]
    tier = customer.organization.tier if customer.organization else (customer.tier or Tier.STANDARD)
    bump = {Tier.STANDARD: 0.0, Tier.PREMIUM: 0.2, Tier.ENTERPRISE: 0.4}[tier]
    if priority in (Priority.LOW, Priority.NORMAL) and rng.random() < bump:
        priority = Priority.HIGH
    untriaged = status is CaseStatus.NEW and channel is not Channel.PHONE and rng.random() < 0.3
    team = None if untriaged else topic.team
    tags = (*topic.tags, "business") if customer.organization is not None else topic.tags
    opened_by = {Channel.EMAIL: SYSTEM_KEY, Channel.PHONE: owner.email}.get(channel, CUSTOMER)

    subject = fill(rng.choice(lines.subjects), context)
    subject = subject[0].upper() + subject[1:]
    body = _customer_words(rng, fill(rng.choice(lines.openings), context), customer, channel)
    script = Script(rng, channel, priority, context, owner.email, list(tags))
    # Some cases reach the wrong team first and are handed on with a brief (P2).
    handed_on = (
        status is not CaseStatus.NEW
        and team is not None
        and team != "support"
        and channel is Channel.EMAIL
        and owner.role is Role.AGENT
        and rng.random() < 0.2
    )
    if handed_on:
        team = "support"
        first_agent = rng.choice([s for s in staff if s.team == "support" and s.role is Role.AGENT])
        script.hand_on(first_agent, topic.team, body, repeat=rng.random() < 0.25)
    converse(script, rng, status, topic, lines, owner, supervisor, back_office, tier, team is not None)
    assert script.status is status, (script.status, status)

    idle = _idle(rng, status, script.t)
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
            idle = log_uniform(rng, 5, 40 * hour)
        case CaseStatus.OPEN:
            idle = log_uniform(rng, 10, 3 * 24 * hour)
        case CaseStatus.WAITING_ON_CUSTOMER:
            idle = log_uniform(rng, hour, 6 * 24 * hour)
        case CaseStatus.WAITING_ON_INTERNAL:
            idle = log_uniform(rng, hour, 4 * 24 * hour)
        case CaseStatus.RESOLVED:
            idle = log_uniform(rng, 30, 6.5 * 24 * hour)
        case CaseStatus.CLOSED:
            room = (WINDOW - span).total_seconds() / 60
            idle = rng.uniform(5, max(room, 10))
    return as_duration(idle)


def _customer_words(rng: random.Random, body: str, customer: _CustomerDraft, channel: Channel) -> str:
    if channel is not Channel.EMAIL:
        return body
    roll = rng.random()
    if roll < 0.35:
        return f"Hello,\n\n{body}\n\n{customer.first}"
    if roll < 0.65:
        return f"{body}\n\nThanks,\n{customer.name}"
    return body

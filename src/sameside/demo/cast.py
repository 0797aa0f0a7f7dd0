"""Who and what the demo is made of.

The demo accounts, the teams and back office, the organizations, where
customers live, what they buy, and how often each kind of case turns up.
"""

from __future__ import annotations

from sameside.cases.rules import CaseStatus
from sameside.customers.rules import Channel, Tier
from sameside.demo.plan_types import DepartmentPlan, OrganizationPlan, TeamPlan
from sameside.staff.models import Routing

# The accounts a visitor signs in with (`seed` publishes them with the password).
DEMO_ADMIN_EMAIL = "admin@sameside.example"
DEMO_SUPERVISOR_EMAIL = "supervisor@sameside.example"
DEMO_AGENT_EMAIL = "agent@sameside.example"
DEMO_BACK_OFFICE_EMAIL = "backoffice@sameside.example"
"""A member of the first department (Operations): answers the consults case owners ask it."""
DEMO_CUSTOMER_EMAIL = "customer@example.com"

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
# Skill routing matches these against a case's tags (technical agents know one or two).
SKILLED_PRODUCTS: dict[str, tuple[str, ...]] = {"technical": ("app", "sync", "crash")}
# How each team routes new cases once the demo's history has been played (P9).
ROUTING: tuple[tuple[str, Routing], ...] = (
    ("support", Routing.TAKE_NEXT),
    ("billing", Routing.LEAST_LOADED),
    ("technical", Routing.SKILL),
)
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

"""Lines every topic shares: chasers and thanks, holding replies, internal notes, second tries."""

from __future__ import annotations

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
# Handing a case on with a brief (P2): what the first agent tells the customer, and what goes in the brief.
HANDOFF_REPLIES = (
    "Thank you for explaining all this so clearly. It needs our {team} team, so I have passed your case to "
    "{agent} there with everything you told me — you will not need to repeat any of it.",
    "I have read everything and checked what I can from here. {agent} in {team} can actually fix this, so I have "
    "handed your case over with a full summary. {agent} will write to you directly.",
    "This is one for {team}, and I did not want you to start again with them: {agent} has your case and a summary "
    "of what we know so far, and will be in touch.",
)
BRIEF_TRIED = (
    "Checked order {order} and the account: nothing on the customer's side is wrong.",
    "Confirmed the details against our records; the fix needs {team}'s tools.",
    "Looked up the history: first contact about this; no earlier case to go on.",
)
BRIEF_PROMISED = (
    "That {agent} in {team} writes to them directly, today.",
    "An answer from {team} within one working day.",
    "That they will not have to explain it again.",
)
RESTATEMENT_LEADS = ("As I explained at the start:", "I will say it again, since I have been passed on:")
"""A customer made to repeat themselves after a transfer: the desk records it (P2)."""
ESCALATIONS = (
    "This has taken far too long now. I would like to speak to a manager, please.",
    "I want to escalate this. Can your supervisor look at it?",
    "Please pass this to someone senior — I have been waiting for days.",
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
        "team",
    }
)
"""Every `{name}` a template may use."""

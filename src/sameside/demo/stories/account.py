"""Getting in and the customer's data: sign-in, two-step verification, privacy."""

from __future__ import annotations

from sameside.demo.stories.model import Story, Topic

LOGIN = Topic(
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
)


TWO_FACTOR = Topic(
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
                "I'll help you reset two-factor today. Phones get lost and replaced; the way back in should be easy.",
            ),
            handoffs=(
                "Two-factor is removed by our operations team with a second check, for your protection. I've "
                "sent them everything they need, so there's nothing more for you to do.",
            ),
            internal=(
                "@operations: please remove 2FA for this account; identity verified via card {last4} and order date.",
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
                "Your phone's clock was the culprit. Switch on 'set time automatically' and the codes will work again.",
            ),
        ),
    ),
    relapses=("The new codes don't work either.",),
)


PRIVACY = Topic(
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
            internal=("Ops: data export (Art. 15) requested, identity confirmed by a reply from the account address.",),
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
)

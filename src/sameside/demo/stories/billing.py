"""Money: refunds, charges, invoices, subscriptions, codes and cards."""

from __future__ import annotations

from sameside.demo.stories.model import Story, Topic

REFUND_MISSING = Topic(
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
        "The refund was approved on our side but never paid out. That's ours to fix, not yours to chase. On it now.",
    ),
    handoffs=(
        "I've asked our finance team to trace the refund with the payment provider — they can see the bank "
        "reference, which I can't. They normally answer within a working day and I'll forward it the moment "
        "they do.",
        "Our finance team is looking at why the refund didn't go out. If it's stuck, they'll push it through by hand.",
    ),
    internal=(
        "@finance: refund {amount} on order {order} approved {days} days ago but never settled. Card ending "
        "{last4}. Please trace with the PSP and reissue if needed.",
        "Finance: the refund batch from that week may have failed — this is the second customer asking. Can you check?",
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
)


DOUBLE_CHARGE = Topic(
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
)


VAT_INVOICE = Topic(
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
)


SUBSCRIPTION = Topic(
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
                "Finance: customer renewed without using the service all year. I'd like to refund in full as goodwill.",
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
)


PROMO_CODE = Topic(
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
                    "I'll make sure you get the discount. Which order was it? I'll put the difference straight back.",
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
        "That code should have worked — there's no reason you should pay full price because our system got it wrong.",
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
)


PAYMENT_DECLINED = Topic(
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
                "@finance: genuine customer blocked by fraud rules (billing ≠ delivery address). Please allow-list.",
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
)

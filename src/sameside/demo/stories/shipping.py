"""Parcels on their way, lost, broken or wrong, and where they should go."""

from __future__ import annotations

from sameside.demo.stories.model import Story, Topic

LATE_PARCEL = Topic(
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
        "Shipping: {carrier} has declared the parcel lost. Replacement approved, ships today by express, no charge.",
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
)


MISSING_PARCEL = Topic(
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
)


DAMAGED_GOODS = Topic(
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
)


WRONG_ITEM = Topic(
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
)


ADDRESS_CHANGE = Topic(
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
)

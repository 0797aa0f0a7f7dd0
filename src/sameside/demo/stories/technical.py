"""The app: crashes and sync."""

from __future__ import annotations

from sameside.demo.stories.model import Story, Topic

APP_CRASH = Topic(
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
        "Our developers are reproducing the crash on a {device} now. I'll tell you as soon as a fixed version is out.",
    ),
    internal=(
        "@operations: app {version} crashes on {device}; please attach to the open crash ticket and give us an ETA.",
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
)


APP_SYNC = Topic(
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
                "Your wishlist is back, every item. We've also fixed the bug that wiped it, so it won't happen again.",
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
)

"""Email as a channel: reading what customers send, and what we send back.

Pure parts (`parse`, `classify`, `visible`, `htmltext`, `compose`) know
nothing of the database; `models` and `outbox` record mail beside the cases.
Turning inbound mail into cases is `sameside.intake`; talking SMTP and IMAP
is `sameside.transport`.
"""

"""Mail coming in.

The SMTP listener (`smtp`), the IMAP poller (`imap`) and file import
(`files`) hand raw messages to `filing`, which stores them first (`store`),
then threads, files or quarantines each. `filing` and `store` are domain
code; the three listeners are adapters around them.
"""

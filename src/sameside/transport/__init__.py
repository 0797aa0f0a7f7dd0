"""The network and the disk: the SMTP listener, the IMAP poller, mail-file import and SMTP delivery."""

"""The language coach (P8): advice on a reply while it is written — blame, pat apologies, cold openers,
policy hiding and jargon, each with a rewrite in our voice. It never blocks sending; which advice was
taken is counted per rule. Rules are plain data: built in (`builtin.py`), extended by admins (`models`)."""

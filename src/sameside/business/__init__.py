"""The business's own settings: opening hours and holidays, the numbers it promises, its brand, its addresses.

They are edited by admins in the admin centre and kept in the database; the environment only seeds them
(see `docs/business-settings.md`). `service.current(session)` is the one read.
"""

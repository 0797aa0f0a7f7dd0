"""Backups: one archive file holding the database and the files it refers to, and putting it back.

`service.backup` and `service.restore` are what `sameside backup` and
`sameside restore` run; `archive` is the file format, `sqlite` and
`postgres` the two ways of copying a database while it is in use.
"""

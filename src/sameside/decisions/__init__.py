"""Decisions that hold (P7): a final word on a case, with its rationale and the policy it rests on.

The customer reads it in plain words (a reply on the case, the same text
that is kept); it stands when they write again, and only a supervisor
revises it, on the record.
"""

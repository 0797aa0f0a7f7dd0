"""Offers the customer chooses from (P6): two to four ways to put it right; they pick one, or say what they want.

Drives cases from above and carries out grants: a chosen option's grant is
made on the budget of whoever offered it, under the same rules as any grant.
"""

"""What a customer's words tell us (P2, P9, P14).

Their language, their tone, and whether they had to repeat themselves: pure
functions over text, no database.
"""

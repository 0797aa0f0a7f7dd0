"""Who in a team gets a new case, and why (P9, P14): the rules, and the verb that applies them."""

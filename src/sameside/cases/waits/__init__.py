"""How long people wait for a person, told honestly (P1): the arithmetic, and the cheap read it works on."""

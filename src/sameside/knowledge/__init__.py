"""The knowledge base (P13): articles staff write, found by meaning and by words, beside the case and the portal."""

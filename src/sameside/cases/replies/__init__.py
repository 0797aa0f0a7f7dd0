"""Where and when an answer reaches the customer (P14), and what a case sends by email."""

"""Surveys (P10): one question after a case is solved, rarely, never while another case is open."""

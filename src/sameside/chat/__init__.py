"""Live chat: a visitor on any site talks with a person; the transcript is the case's timeline."""

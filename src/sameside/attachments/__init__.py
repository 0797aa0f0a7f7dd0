"""Files from everyone: agents, customers, chat visitors and the API; checked by their bytes, kept by hash."""

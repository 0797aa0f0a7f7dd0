"""What an operator's monitoring reads: request, job and mail figures in Prometheus form, and the desk's backlog."""

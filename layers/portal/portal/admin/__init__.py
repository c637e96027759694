"""What administrators do that is not a route of its own: the audit trail of their changes."""

"""Outbound network safety: the one SSRF guard and the connection backends that apply it."""

"""Typed configuration, read from the environment once per cold start."""

from portal.settings.model import Environment, Settings, get_settings, reset_settings

__all__ = ["Environment", "Settings", "get_settings", "reset_settings"]

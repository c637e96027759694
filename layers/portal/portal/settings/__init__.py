"""Typed configuration, read from the environment once per cold start."""

from portal.settings.model import (
    Environment,
    Settings,
    SettingsInvalid,
    get_settings,
    load_settings,
    reset_settings,
    reveal,
)

__all__ = [
    "Environment",
    "Settings",
    "SettingsInvalid",
    "get_settings",
    "load_settings",
    "reset_settings",
    "reveal",
]

"""Deployment settings, read once from CDK context (cdk.json or `-c key=value`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from constructs import Node

# Bedrock model ids the agents may invoke (IAM scope). Claude through Bedrock is the
# default in AWS; Gemini goes through its own API with the key in the provider-keys secret.
DEFAULT_BEDROCK_MODEL_IDS = ("anthropic.claude-*",)
# Embedding models the ingest and RAG paths call through Bedrock.
DEFAULT_BEDROCK_EMBEDDING_MODEL_IDS = ("amazon.titan-embed-text-v2*",)

BUNDLE_REAL = "real"
# Tests only: empty layers instead of a pip build, when a test needs templates, not bundles.
BUNDLE_PLACEHOLDER = "placeholder"


class ConfigError(ValueError):
    """A context value that cannot be used; the message names the key."""


@dataclass(frozen=True)
class PortalConfig:
    """Every knob of a deployment, typed; the defaults are what `cdk deploy` gets."""

    stage: str = "dev"
    # Catalog model ids the portal offers; empty means every model in the catalog.
    models_enabled: tuple[str, ...] = ()
    bedrock_model_ids: tuple[str, ...] = DEFAULT_BEDROCK_MODEL_IDS
    bedrock_embedding_model_ids: tuple[str, ...] = DEFAULT_BEDROCK_EMBEDDING_MODEL_IDS
    # Browser origins allowed to call the API and PUT to the uploads bucket. The
    # CloudFront origin is same-origin and needs no entry.
    allowed_origins: tuple[str, ...] = ()
    oidc_issuer: str | None = None
    # 0 lets Aurora Serverless v2 pause when idle (no compute charge).
    aurora_min_capacity: float = 0
    aurora_max_capacity: float = 4
    aurora_auto_pause_minutes: int = 10
    aurora_engine_version: str = "16.13"
    opensearch: bool = False
    log_retention_days: int = 30
    log_level: str = "INFO"
    # True keeps data (cluster snapshot, tables, uploads, logs) when a stack is destroyed.
    retain_data: bool = True
    alarm_email: str | None = None
    api_throttle_rate: float = 50
    api_throttle_burst: int = 100
    web_dist: str = "web/dist"
    bundle: str = BUNDLE_REAL
    account: str | None = None
    region: str | None = None

    @property
    def prefix(self) -> str:
        """Stack name prefix; two stages can live in one account side by side."""
        return f"Portal-{self.stage}"

    @classmethod
    def from_node(cls, node: Node) -> PortalConfig:
        """Read the context of the app's root node."""
        return cls.from_mapping({f: node.try_get_context(f) for f in cls.__dataclass_fields__})

    @classmethod
    def from_mapping(cls, raw: dict[str, Any]) -> PortalConfig:
        """Parse context values; `-c` gives strings, cdk.json gives JSON types."""
        defaults = cls()
        values: dict[str, Any] = {}
        for name, default in ((f, getattr(defaults, f)) for f in cls.__dataclass_fields__):
            value = raw.get(name)
            if value is None or value == "":
                continue
            values[name] = _coerce(name, value, default)
        config = cls(**values)
        config.validate()
        return config

    def validate(self) -> None:
        """Reject settings that would deploy but not work."""
        if not self.stage.isalnum() or len(self.stage) > 12:
            raise ConfigError(f"stage must be 1-12 letters or digits, got {self.stage!r}")
        if not 0 <= self.aurora_min_capacity <= self.aurora_max_capacity <= 256:
            raise ConfigError("need 0 <= aurora_min_capacity <= aurora_max_capacity <= 256")
        if self.aurora_max_capacity < 1:
            raise ConfigError("aurora_max_capacity must be at least 1 ACU")
        if self.bundle not in (BUNDLE_REAL, BUNDLE_PLACEHOLDER):
            raise ConfigError(f"bundle must be {BUNDLE_REAL!r} or {BUNDLE_PLACEHOLDER!r}")
        for origin in self.allowed_origins:
            if not origin.startswith(("https://", "http://localhost", "http://127.0.0.1")):
                raise ConfigError(f"allowed_origins entry {origin!r} must be https:// (or localhost)")
        if self.oidc_issuer and not self.oidc_issuer.startswith("https://"):
            raise ConfigError("oidc_issuer must be an https:// URL")


def _coerce(name: str, value: Any, default: Any) -> Any:
    """Turn a context value into the type of the field's default."""
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "1", "yes", "on"):
            return True
        if text in ("false", "0", "no", "off"):
            return False
        raise ConfigError(f"{name} must be true or false, got {value!r}")
    if isinstance(default, tuple):
        if isinstance(value, str):
            text = value.strip()
            # `-c models_enabled='["a","b"]'` or `-c models_enabled=a,b`
            items = json.loads(text) if text.startswith("[") else text.split(",")
        elif isinstance(value, list | tuple):
            items = list(value)
        else:
            raise ConfigError(f"{name} must be a list, got {value!r}")
        return tuple(str(i).strip() for i in items if str(i).strip())
    if isinstance(default, int | float):
        try:
            number = float(value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{name} must be a number, got {value!r}") from exc
        return int(number) if isinstance(default, int) and number.is_integer() else number
    return str(value)

"""Deployment settings, read once from CDK context (cdk.json or `-c key=value`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from constructs import Node

# Bedrock model ids the agents may invoke (IAM scope). Claude through Bedrock is the
# default in AWS; Gemini goes through its own API with the key in the provider-keys secret.
DEFAULT_BEDROCK_MODEL_IDS = ("anthropic.claude-*",)
# Embedding models the ingest and RAG paths call through Bedrock.
DEFAULT_BEDROCK_EMBEDDING_MODEL_IDS = ("amazon.titan-embed-text-v2*",)

# Portal user fields a corporate IdP's attributes map onto (Cognito custom attributes but name/email).
IDP_ATTRIBUTES = ("empno", "name", "email", "department", "company", "company_code", "groups")
IDP_TYPES = ("oidc", "saml")

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

    # --- Sign-in (README, "Sign-in") ------------------------------------------------
    # Default: a Cognito user pool with managed login. A corporate IdP is federated into it
    # by `identity_provider` ({"type": "oidc"|"saml", "name", ...; "attributes": {portal
    # field: IdP claim}}). Or skip Cognito: `oidc_issuer` + `oidc_client_id` of an existing
    # issuer, with `oidc_claims` naming its claims ({"empno": "employeeid", "groups": "groups"}).
    identity_provider: dict[str, Any] | None = None
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_claims: dict[str, str] = field(default_factory=dict)
    # Members of this group (the groups claim) are portal administrators; nobody else is.
    admin_group: str = "portal-admins"
    # Who may sign in (empty: everyone the issuer vouches for).
    signin_allowed_email_domains: tuple[str, ...] = ()
    signin_allowed_groups: tuple[str, ...] = ()
    cognito_domain_prefix: str | None = None  # default ai-portal-<stage>-<account>
    cognito_mfa: str = "required"  # required | optional | off (TOTP; federated users use the IdP's)
    cognito_feature_plan: str = "plus"  # plus | essentials (threat protection needs plus)
    cognito_threat_protection: str = "enforced"  # enforced | audit | off
    token_validity_minutes: int = 60  # ID and access tokens
    refresh_token_validity_hours: int = 12  # a working day: then sign in again (SSO makes it one click)
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
    def uses_cognito(self) -> bool:
        """False when the deployer points the portal at an existing OIDC issuer."""
        return not self.oidc_issuer

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
        self._validate_sign_in()

    def _validate_sign_in(self) -> None:
        if self.oidc_issuer and not self.oidc_issuer.startswith("https://"):
            raise ConfigError("oidc_issuer must be an https:// URL")
        if bool(self.oidc_issuer) != bool(self.oidc_client_id):
            raise ConfigError("oidc_issuer and oidc_client_id go together (the audience is always checked)")
        if self.oidc_issuer and self.identity_provider:
            raise ConfigError(
                "identity_provider federates into Cognito; with oidc_issuer there is no Cognito"
            )
        unknown = set(self.oidc_claims) - set(IDP_ATTRIBUTES)
        if unknown:
            raise ConfigError(f"oidc_claims keys must be among {IDP_ATTRIBUTES}, got {sorted(unknown)}")
        for name, value, allowed in (
            ("cognito_mfa", self.cognito_mfa, ("required", "optional", "off")),
            ("cognito_feature_plan", self.cognito_feature_plan, ("plus", "essentials")),
            ("cognito_threat_protection", self.cognito_threat_protection, ("enforced", "audit", "off")),
        ):
            if value not in allowed:
                raise ConfigError(f"{name} must be one of {allowed}, got {value!r}")
        if self.cognito_threat_protection != "off" and self.cognito_feature_plan != "plus":
            raise ConfigError("cognito_threat_protection needs cognito_feature_plan=plus (or set it to off)")
        if not 5 <= self.token_validity_minutes <= 1440:
            raise ConfigError("token_validity_minutes must be between 5 and 1440")
        if not 1 <= self.refresh_token_validity_hours <= 24 * 3650:
            raise ConfigError("refresh_token_validity_hours must be at least 1")
        if self.identity_provider is not None:
            _validate_identity_provider(self.identity_provider)


def _validate_identity_provider(idp: dict[str, Any]) -> None:
    kind, name = idp.get("type"), idp.get("name")
    if kind not in IDP_TYPES:
        raise ConfigError(f"identity_provider.type must be one of {IDP_TYPES}, got {kind!r}")
    if not isinstance(name, str) or not 3 <= len(name) <= 32 or not name.replace("-", "").isalnum():
        raise ConfigError(
            "identity_provider.name must be 3-32 letters, digits or '-' (it shows on the sign-in page)"
        )
    required = ("issuer", "client_id", "client_secret_name") if kind == "oidc" else ("metadata_url",)
    missing = [k for k in required if not idp.get(k)]
    if missing:
        raise ConfigError(f"identity_provider ({kind}) needs {missing}")
    if kind == "oidc" and not str(idp["issuer"]).startswith("https://"):
        raise ConfigError("identity_provider.issuer must be an https:// URL")
    attributes = idp.get("attributes", {})
    if not isinstance(attributes, dict) or set(attributes) - set(IDP_ATTRIBUTES):
        raise ConfigError(f"identity_provider.attributes maps {IDP_ATTRIBUTES} to the IdP's claim names")
    if "empno" not in attributes:
        raise ConfigError("identity_provider.attributes must map empno (the employee number) to an IdP claim")


# Context values that are JSON objects (cdk.json) or JSON text (`-c name='{...}'`).
_OBJECT_FIELDS = ("identity_provider", "oidc_claims")


def _coerce(name: str, value: Any, default: Any) -> Any:
    """Turn a context value into the type of the field's default."""
    if name in _OBJECT_FIELDS:
        parsed = json.loads(value) if isinstance(value, str) else value
        if not isinstance(parsed, dict):
            raise ConfigError(f"{name} must be a JSON object, got {value!r}")
        return parsed
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

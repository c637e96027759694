"""One pydantic-settings model for the whole portal; logic never reads os.environ."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Placeholder secrets that must never reach a deployed stage.
_PLACEHOLDER_SECRETS = {"", "changeme", "secret", "local-dev-secret-do-not-use-in-aws"}
LOCAL_JWT_SECRET = "local-dev-secret-do-not-use-in-aws"


class Environment(StrEnum):
    LOCAL = "local"  # the local target: embedded PostgreSQL + moto
    AWS = "aws"  # deployed by the CDK app


class Settings(BaseSettings):
    """Everything the portal is configured with. Names map to PORTAL_* variables."""

    model_config = SettingsConfigDict(env_prefix="PORTAL_", extra="ignore")

    environment: Environment = Environment.LOCAL
    region: str = Field(default="ap-northeast-2", validation_alias="AWS_REGION")

    # --- PostgreSQL -------------------------------------------------------
    # Locally: a libpq URL (unset -> embedded pgserver). In AWS: the Data API.
    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    db_cluster_arn: str | None = None
    db_secret_arn: str | None = None
    db_name: str = "portal"
    local_data_dir: str = ".local"  # where the embedded PostgreSQL keeps its files

    # --- DynamoDB tables, bucket, state machines ----------------------------
    connections_table: str = "portal-connections"
    cache_table: str = "portal-cache"
    rate_limit_table: str = "portal-rate-limits"
    idempotency_table: str = "portal-idempotency"
    stream_table: str = "portal-stream-chunks"
    uploads_bucket: str = "portal-uploads"
    chat_state_machine_arn: str | None = None
    research_state_machine_arn: str | None = None
    # StartSyncExecution exists for Express machines in AWS; moto lacks it, so locally
    # `?wait=true` starts the execution and polls it instead.
    sync_executions: bool = False

    # --- WebSocket management API (post_to_connection) ----------------------
    ws_management_endpoint: str | None = None
    stream_chunk_ttl_seconds: int = 900

    # --- Auth -------------------------------------------------------------
    jwt_secret: str = LOCAL_JWT_SECRET
    # In AWS the secret lives in Secrets Manager; the ARN is resolved at cold start.
    jwt_secret_arn: str | None = None
    jwt_audience: str | None = None
    oidc_issuer: str | None = None  # set -> RS256 tokens verified against its JWKS
    token_ttl_hours: int = 24

    # --- Chat limits ------------------------------------------------------
    max_message_chars: int = 10_000
    chat_rate_limit_per_hour: int = 50
    context_messages: int = 20

    # --- Models -----------------------------------------------------------
    anthropic_api_key: str | None = Field(default=None, validation_alias="ANTHROPIC_API_KEY")
    google_api_key: str | None = Field(default=None, validation_alias="GOOGLE_API_KEY")
    use_bedrock: bool = False  # Claude through Bedrock (IAM, no key) in AWS
    # Secrets Manager JSON {"ANTHROPIC_API_KEY": ..., "GOOGLE_API_KEY": ..., "TAVILY_API_KEY": ...}
    provider_keys_secret_arn: str | None = None
    default_model: str | None = None

    # --- Cache ------------------------------------------------------------
    cache_l1_maxsize: int = 10_000
    cache_l1_ttl_seconds: int = 300
    cache_promote_after_hits: int = 3

    cors_origins: list[str] = ["http://localhost:8000", "http://127.0.0.1:8000", "http://localhost:5173"]

    @model_validator(mode="after")
    def _reject_placeholders_in_aws(self) -> Settings:
        if self.environment is Environment.AWS:
            if (
                self.oidc_issuer is None
                and not self.jwt_secret_arn
                and self.jwt_secret in _PLACEHOLDER_SECRETS
            ):
                raise ValueError("PORTAL_JWT_SECRET must be a real secret when PORTAL_ENVIRONMENT=aws")
            if not (self.db_cluster_arn and self.db_secret_arn) and not self.database_url:
                raise ValueError("AWS needs PORTAL_DB_CLUSTER_ARN and PORTAL_DB_SECRET_ARN (Data API)")
        return self

    @property
    def is_local(self) -> bool:
        return self.environment is Environment.LOCAL


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, validated once (cold start)."""
    return Settings()


def reset_settings() -> None:
    """Forget cached settings (tests and the local target change the environment)."""
    get_settings.cache_clear()

"""One pydantic-settings model for the whole portal; logic never reads os.environ."""

# No `from __future__ import annotations`: pydantic would compile and eval each of ~90 field
# annotations from its string at import; evaluated by the interpreter instead, this module's
# import does ~15% less work, in every function's cold start (#14).

from enum import StrEnum
from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

# The local target's issuer and web client (portal.local.oidc); `portal dev` serves on :8000.
LOCAL_ISSUER = "http://127.0.0.1:8000/oidc"
LOCAL_CLIENT_ID = "portal-web"


class Environment(StrEnum):
    LOCAL = "local"  # the local target: embedded PostgreSQL + moto
    AWS = "aws"  # deployed by the CDK app


class Settings(BaseSettings):
    """Everything the portal is configured with. Names map to PORTAL_* variables.

    Values are checked where they are used (the database executor, the token verifier), so a
    function starts with only the variables its template gives it and fails only for what it uses.
    """

    model_config = SettingsConfigDict(env_prefix="PORTAL_", extra="ignore")

    environment: Environment = Environment.LOCAL
    region: str = Field(default="ap-northeast-2", validation_alias="AWS_REGION")

    # --- PostgreSQL -------------------------------------------------------
    # Locally: a libpq URL (unset -> embedded pgserver). In AWS: the Data API.
    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    db_cluster_arn: str | None = None
    db_secret_arn: str | None = None
    # Migrate only: the app role's secret, whose password it gives the role (portal.db.app_role).
    db_app_secret_arn: str | None = None
    db_name: str = "portal"
    # How long a Data API call waits for a paused Aurora to resume (the migrate function waits longer).
    db_resume_budget_seconds: float = Field(default=45.0, gt=0, le=840)
    # psycopg (local target, tests): fail fast instead of the libraries' defaults (no connect
    # timeout, 30 s pool wait): a database outage answers 503 within ~2 s, and a statement
    # never outlives the API's 29 s gateway limit.
    db_connect_timeout_seconds: int = Field(default=2, ge=1, le=30)
    db_pool_wait_seconds: float = Field(default=2.0, gt=0, le=30)
    db_statement_timeout_seconds: float = Field(default=20.0, gt=0, le=300)
    local_data_dir: str = ".local"  # the embedded PostgreSQL's files and the local issuer's key

    # --- DynamoDB tables, bucket, state machines ----------------------------
    connections_table: str = "portal-connections"
    cache_table: str = "portal-cache"
    rate_limit_table: str = "portal-rate-limits"
    idempotency_table: str = "portal-idempotency"
    stream_table: str = "portal-stream-chunks"
    uploads_bucket: str = "portal-uploads"
    chat_state_machine_arn: str | None = None
    research_state_machine_arn: str | None = None

    # --- WebSocket management API (post_to_connection) ----------------------
    ws_management_endpoint: str | None = None
    stream_chunk_ttl_seconds: int = 900

    # --- Auth: one OIDC path (RS256 from the issuer's JWKS) locally and in AWS --------
    # Locally the issuer is the local target's own (portal.local.oidc); `portal dev` and
    # the test target set it to their origin + /oidc. In AWS the CDK sets it (Cognito or
    # the deployer's issuer) together with the audience.
    oidc_issuer: str = LOCAL_ISSUER
    # The app client id; ID tokens carry it as `aud`. Always checked.
    oidc_audience: str = LOCAL_CLIENT_ID
    # "id": the web UI sends the ID token (Cognito access tokens carry no custom attributes).
    # "" skips the check, for issuers that do not say (Entra ID, Okta name no token_use).
    oidc_token_use: Literal["id", "access", ""] = "id"
    # Which claims say who the user is, and which claim value makes a portal administrator.
    oidc_empno_claim: str = "custom:empno"
    oidc_name_claim: str = "name"
    oidc_email_claim: str = "email"
    oidc_department_claim: str = "custom:department"
    oidc_company_claim: str = "custom:company"
    oidc_company_code_claim: str = "custom:company_code"
    oidc_groups_claim: str = "cognito:groups"
    oidc_admin_group: str = "portal-admins"
    # Who may sign in (empty: everyone the issuer vouches for). Either list admitting a user is enough.
    signin_allowed_email_domains: list[str] = []
    signin_allowed_groups: list[str] = []
    # Host names (name:port) the local target answers besides its own origin and loopback
    # (`portal dev --allow-host` for a LAN name); anything else is refused (DNS rebinding).
    local_allowed_hosts: list[str] = []
    # Lifetime of the local issuer's ID and access tokens (the e2e test makes it short).
    local_token_ttl_seconds: int = Field(default=3600, ge=1)

    # --- Chat limits ------------------------------------------------------
    max_message_chars: int = 10_000
    # Per-user limits of accepted mutating requests per hour, by route family (the seed's
    # 100/h default, 50/h chat, 20/h upload; portal.api.ratelimit). Everyone, admins included.
    rate_limit_per_hour: int = Field(default=100, ge=0)
    chat_rate_limit_per_hour: int = Field(default=50, ge=0)
    upload_rate_limit_per_hour: int = Field(default=20, ge=0)
    # Share of a monthly budget at which users are warned, where no budget row says otherwise.
    budget_warn_ratio: float = Field(default=0.8, gt=0, le=1)
    context_messages: int = 20

    # --- Models -----------------------------------------------------------
    anthropic_api_key: SecretStr | None = Field(default=None, validation_alias="ANTHROPIC_API_KEY")
    google_api_key: SecretStr | None = Field(default=None, validation_alias="GOOGLE_API_KEY")
    use_bedrock: bool = False  # Claude through Bedrock (IAM, no key) in AWS
    # The deployment's model allow list (cdk context `models_enabled`): catalog keys or provider
    # model ids; empty = the whole catalog. portal.llm.enablement applies it everywhere.
    models_enabled: list[str] = []
    # Secrets Manager JSON {"ANTHROPIC_API_KEY": ..., "GOOGLE_API_KEY": ..., "TAVILY_API_KEY": ...}
    provider_keys_secret_arn: str | None = None
    default_model: str | None = None

    # --- Web search and deep research ----------------------------------------
    # Search API keys (unset -> no web search); in AWS they come from the provider-keys secret.
    tavily_api_key: SecretStr | None = Field(default=None, validation_alias="TAVILY_API_KEY")
    brave_api_key: SecretStr | None = Field(default=None, validation_alias="BRAVE_API_KEY")
    web_search_max_results: int = Field(default=5, ge=1, le=10)
    web_fetch_pages: int = Field(default=3, ge=0, le=5)  # pages read per web_search answer
    web_fetch_max_bytes: int = 2_000_000
    web_fetch_timeout_seconds: float = 10.0
    research_max_queries: int = Field(default=5, ge=1, le=8)
    research_followup_queries: int = Field(default=2, ge=0, le=4)
    research_max_sources: int = Field(default=12, ge=1, le=30)

    # --- Files and RAG (portal.rag) -----------------------------------------
    max_upload_bytes: int = Field(default=50 * 1024 * 1024, ge=1)
    user_quota_bytes: int = Field(default=2 * 1024**3, ge=1)  # what one user may keep uploaded
    upload_url_ttl_seconds: int = Field(default=900, ge=60, le=3600)
    # A file with no progress for this long is failed when its owner looks (ingest retries
    # twice after a 300 s timeout, with back-off, so 30 minutes covers every honest attempt).
    ingest_stall_seconds: int = Field(default=1800, ge=60)
    # Where presigned uploads go; unset -> S3 itself. Locally: the local server's S3 stand-in.
    uploads_endpoint_url: str | None = None
    # Declared MIME types accepted by POST /api/files (the bytes are checked again at ingest).
    allowed_upload_types: list[str] = [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "text/csv",
        "text/plain",
        "text/markdown",
        "text/html",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
    ]
    # "auto": Titan on Bedrock in AWS, the local model (below) on the local target.
    embedding_backend: Literal["auto", "local", "titan"] = "auto"
    titan_embedding_model_id: str = "amazon.titan-embed-text-v2:0"
    titan_embedding_dimensions: Literal[256, 512, 1024] = 1024
    embedding_concurrency: int = Field(default=8, ge=1, le=32)  # parallel Titan calls per batch
    # The local backend: "use-multilingual-v3" (default; Korean and English in one space, numpy,
    # portal.rag.multilingual: Korean->Korean recall@5 0.849 on the dev sets against MiniLM's 0.788,
    # ~3.7x MiniLM's ingest pages per CPU second) or any sentence-transformers model (a directory,
    # a name in the Hugging Face cache, or "sentence-transformers/all-MiniLM-L6-v2", shipped in a
    # package), exported once to ONNX under local_embedder_dir (portal.rag.local_model).
    local_embedding_model: str = "use-multilingual-v3"
    # int8 weights: ~2x the float model's speed on this machine kind, the dev set's recall@5 unchanged
    # (README, RAG); the vectors differ slightly, so they carry their own key ("...-int8@384").
    local_embedding_quantize: bool = True
    local_embedder_dir: str | None = None  # default <local_data_dir>/embedders
    vector_store: Literal["pgvector", "opensearch"] = "pgvector"
    opensearch_endpoint: str | None = None
    opensearch_index: str = "portal-chunks"
    chunk_tokens: int = Field(default=220, ge=32, le=2000)
    chunk_overlap_tokens: int = Field(default=40, ge=0, le=500)
    max_document_pages: int = Field(default=2000, ge=1)
    max_extracted_chars: int = Field(default=5_000_000, ge=1000)
    max_archive_expanded_bytes: int = Field(default=300 * 1024 * 1024, ge=1024)  # zip bomb guard
    rag_top_k: int = Field(default=6, ge=1, le=20)

    # --- Domain agents over MCP (portal.agents.mcp) ---------------------------
    # stdio servers run commands as subprocesses of the worker: off everywhere unless enabled
    # (in AWS by a deployer who bundled one; locally by the developer, for their own machine).
    mcp_allow_stdio: bool = False
    mcp_max_tool_rounds: int = Field(default=6, ge=1, le=20)  # model calls that may use tools, per turn
    mcp_max_result_chars: int = Field(default=12_000, ge=500, le=200_000)  # of one tool result, for the model
    # The function that runs an admin's MCP connection test in AWS (the API carries no MCP SDK);
    # unset on the local target, where the test runs in the API's process.
    mcp_probe_function: str | None = None

    # --- Cache ------------------------------------------------------------
    cache_l1_maxsize: int = 10_000
    cache_l1_ttl_seconds: int = 300
    cache_promote_after_hits: int = 3

    cors_origins: list[str] = ["http://localhost:8000", "http://127.0.0.1:8000", "http://localhost:5173"]

    @property
    def is_local(self) -> bool:
        return self.environment is Environment.LOCAL


class SettingsInvalid(ValueError):
    """The environment does not make valid settings. The message names each variable and what
    is wrong with it, never its value: a value may be a secret (an API key, a database URL)."""


def reveal(value: SecretStr | str | None) -> str | None:
    """The plain text of a secret setting, at the one place it is handed to a client."""
    return value.get_secret_value() if isinstance(value, SecretStr) else value


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment (and overrides); SettingsInvalid without any value in it."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(p) for p in e.get('loc', ())) or 'settings'}: {e.get('msg', 'invalid')}"
            for e in exc.errors(include_input=False, include_url=False, include_context=False)
        ]
        raise SettingsInvalid("invalid settings: " + "; ".join(problems)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, validated once (cold start)."""
    return load_settings()


def reset_settings() -> None:
    """Forget cached settings (tests and the local target change the environment)."""
    get_settings.cache_clear()

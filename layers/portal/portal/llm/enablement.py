"""Which providers and models the organisation allows (the org setting ``models_enabled``).

Everything in the catalog is allowed until an administrator switches a provider or a model
off in the console. The model catalog API and the model choice both ask here, so a model that
is switched off is neither offered nor chosen (an explicit request for it is ignored like one
for a model that cannot serve the request).

The setting is read from PostgreSQL at most every READ_TTL_SECONDS per process and database:
every model call asks, and the choice must not cost a query each time. A change made through
the API is seen at once in the process that made it (forget()) and within the TTL elsewhere
(other Lambda containers).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from portal.db.executor import Executor
from portal.errors import BadRequest
from portal.llm.catalog import CatalogModel

SETTING_KEY = "models_enabled"
READ_TTL_SECONDS = 30.0


@dataclass(frozen=True)
class Enablement:
    """Providers and model keys switched off; a model is allowed when neither is."""

    disabled_providers: frozenset[str] = field(default_factory=frozenset)
    disabled_models: frozenset[str] = field(default_factory=frozenset)
    # The deployment's allow list (cdk context `models_enabled` -> PORTAL_MODELS_ENABLED): catalog
    # keys or provider model ids; empty = the whole catalog. The offline model is always allowed
    # (it is the no-key fallback and costs nothing). Admins narrow further in the console.
    deployed: frozenset[str] = field(default_factory=frozenset)

    def allows(self, model: CatalogModel) -> bool:
        return self.why_not(model) is None

    def why_not(self, model: CatalogModel) -> str | None:
        """The unavailable_reason the catalog API shows, or None when allowed."""
        if (
            self.deployed
            and model.provider != "offline"
            and not {model.key, model.model_id, model.bedrock_model_id} & self.deployed
        ):
            return "model_not_deployed"
        if model.provider in self.disabled_providers:
            return "provider_disabled_by_admin"
        if model.key in self.disabled_models:
            return "model_disabled_by_admin"
        return None

    def filter(self, models: Iterable[CatalogModel]) -> list[CatalogModel]:
        return [m for m in models if self.allows(m)]

    def to_value(self) -> dict[str, list[str]]:
        return {
            "disabled_providers": sorted(self.disabled_providers),
            "disabled_models": sorted(self.disabled_models),
        }

    @classmethod
    def from_value(cls, value: dict[str, object] | None) -> Enablement:
        value = value or {}

        def keys(name: str) -> frozenset[str]:
            listed = value.get(name) if value else None
            return frozenset(str(k) for k in listed) if isinstance(listed, list) else frozenset()

        return cls(keys("disabled_providers"), keys("disabled_models"))

    def in_deployment(self, allow_list: Iterable[str]) -> Enablement:
        """This setting within the deployment's allow list."""
        return replace(self, deployed=frozenset(allow_list))


ALL_ENABLED = Enablement()

_lock = threading.Lock()
_cached: dict[int, tuple[float, Enablement]] = {}  # id(executor) -> (read at, value)


def read(db: Executor) -> Enablement:
    """The stored setting, uncached."""
    from portal.db.repositories import org_settings

    stored = org_settings.get(db, key=SETTING_KEY)
    return Enablement.from_value(stored.value if stored else None)


def current() -> Enablement:
    """The setting for this process's database, cached for READ_TTL_SECONDS.

    A process without a database (pure unit use of the model choice) has no organisation
    settings, so everything is allowed there.
    """
    from portal import services
    from portal.settings import get_settings

    settings = get_settings()
    if not (settings.database_url or (settings.db_cluster_arn and settings.db_secret_arn)):
        return ALL_ENABLED.in_deployment(settings.models_enabled)
    db = services.db()
    now = time.monotonic()
    with _lock:
        hit = _cached.get(id(db))
        if hit is not None and now - hit[0] < READ_TTL_SECONDS:
            return hit[1]
    value = read(db).in_deployment(settings.models_enabled)
    with _lock:
        _cached[id(db)] = (now, value)
    return value


def forget() -> None:
    """Drop the cached setting (after a change, so this process sees it at once)."""
    with _lock:
        _cached.clear()


class ModelsDisabled(BadRequest):
    """Every model that could serve the request is switched off by an administrator."""

    code = "models_disabled"


def allowed_or_raise(models: list[CatalogModel]) -> list[CatalogModel]:
    """The models the organisation allows (current setting); an error when none is left."""
    allowed = current().filter(models)
    if models and not allowed:
        raise ModelsDisabled(
            "관리자가 이 요청에 쓸 수 있는 모델을 모두 사용 중지했습니다. 관리자에게 문의해 주세요."
        )
    return allowed

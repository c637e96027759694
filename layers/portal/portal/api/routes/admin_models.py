"""Model enablement: which providers and models the organisation allows (portal.llm.enablement)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field, model_validator

from portal.admin.audit import record_admin_change
from portal.api.deps import AdminUser, ClientOrigin, Db
from portal.db.repositories import org_settings
from portal.llm import catalog, enablement
from portal.llm.enablement import Enablement
from portal.llm.service import configured_providers

router = APIRouter(prefix="/admin/models", tags=["admin"])


class ModelSwitch(BaseModel):
    key: str
    provider: str
    display_name: str
    configured: bool  # this deployment has the provider's key (or Bedrock access)
    enabled: bool  # the organisation allows it (its provider and itself)


class ProviderSwitch(BaseModel):
    provider: str
    configured: bool
    enabled: bool


class ModelEnablement(BaseModel):
    providers: list[ProviderSwitch]
    models: list[ModelSwitch]


class EnablementIn(BaseModel):
    """The whole setting: what is switched off (everything else is on)."""

    disabled_providers: list[str] = Field(default=[], max_length=20)
    disabled_models: list[str] = Field(default=[], max_length=200)

    @model_validator(mode="after")
    def _known(self) -> EnablementIn:
        models = catalog.load_catalog().models
        providers = {m.provider for m in models}
        keys = {m.key for m in models}
        unknown = sorted(set(self.disabled_providers) - providers) + sorted(set(self.disabled_models) - keys)
        if unknown:
            raise ValueError(f"unknown provider or model: {', '.join(unknown)}")
        return self


def _view(allowed: Enablement) -> ModelEnablement:
    configured = {m.key for m in catalog.available_models(configured_providers())}
    models = catalog.load_catalog().models
    providers = list(dict.fromkeys(m.provider for m in models))
    return ModelEnablement(
        providers=[
            ProviderSwitch(
                provider=p,
                configured=any(m.key in configured for m in models if m.provider == p),
                enabled=p not in allowed.disabled_providers,
            )
            for p in providers
        ],
        models=[
            ModelSwitch(
                key=m.key,
                provider=m.provider,
                display_name=m.display_name,
                configured=m.key in configured,
                enabled=allowed.allows(m),
            )
            for m in models
        ],
    )


@router.get("", response_model=ModelEnablement)
def get_enablement(admin: AdminUser, db: Db) -> ModelEnablement:
    return _view(enablement.read(db))


@router.put("", response_model=ModelEnablement)
def put_enablement(body: EnablementIn, admin: AdminUser, db: Db, origin: ClientOrigin) -> ModelEnablement:
    """Replace the setting; the change and its before/after are in the activity log."""
    after = Enablement(frozenset(body.disabled_providers), frozenset(body.disabled_models))
    with db.transaction() as tx:
        before = enablement.read(tx)
        org_settings.put(tx, key=enablement.SETTING_KEY, value=after.to_value(), admin_empno=admin.empno)
        record_admin_change(
            tx,
            admin_empno=admin.empno,
            action="admin.models.put",
            resource_type="org_setting",
            target=enablement.SETTING_KEY,
            before=before.to_value(),
            after=after.to_value(),
            origin=origin,
        )
    enablement.forget()
    return _view(after)

"""Request and response bodies of the workspace, artifact and activity routes."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator, model_validator

from portal.db.repositories.artifacts import ArtifactStatus, ArtifactType
from portal.db.repositories.workspaces import CollaboratorRole, Role, Status, Visibility

# Workspace settings are UI preferences, not content: keep them small.
MAX_SETTINGS_BYTES = 16 * 1024
MAX_METADATA_BYTES = 16 * 1024
MAX_VERSION = 2**31 - 1  # artifacts.version is an INTEGER


def _strip_required(value: str) -> str:
    stripped = value.strip()
    if not stripped:
        raise ValueError("must not be blank")
    return stripped


def _small_json(value: dict[str, Any] | None, limit: int, what: str) -> dict[str, Any] | None:
    if value is not None and len(json.dumps(value, ensure_ascii=False).encode()) > limit:
        raise ValueError(f"{what} must be at most {limit} bytes of JSON")
    return value


class WorkspaceCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    visibility: Visibility = "private"
    settings: dict[str, Any] = {}

    @field_validator("title")
    @classmethod
    def _title(cls, v: str) -> str:
        return _strip_required(v)

    @field_validator("settings")
    @classmethod
    def _settings_size(cls, v: dict[str, Any]) -> dict[str, Any]:
        return _small_json(v, MAX_SETTINGS_BYTES, "settings") or {}


class WorkspaceUpdate(BaseModel):
    """Only the fields given change; at least one is required."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    visibility: Visibility | None = None
    settings: dict[str, Any] | None = None

    @field_validator("title")
    @classmethod
    def _title(cls, v: str | None) -> str | None:
        return _strip_required(v) if v is not None else None

    @field_validator("settings")
    @classmethod
    def _settings_size(cls, v: dict[str, Any] | None) -> dict[str, Any] | None:
        return _small_json(v, MAX_SETTINGS_BYTES, "settings")

    @model_validator(mode="after")
    def _something(self) -> WorkspaceUpdate:
        if not self.model_dump(exclude_none=True):
            raise ValueError("give at least one of title, description, visibility, settings")
        return self


class CollaboratorIn(BaseModel):
    empno: str = Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9_-]+$")
    role: CollaboratorRole


class CollaboratorOut(BaseModel):
    empno: str
    role: CollaboratorRole
    name: str | None
    added_at: datetime | None


class WorkspaceOut(BaseModel):
    id: str
    title: str
    description: str | None
    owner_empno: str
    owner_name: str | None
    visibility: Visibility
    status: Status
    personal: bool
    settings: dict[str, Any]
    collaborators: list[CollaboratorOut]
    role: Role  # the caller's role
    created_at: datetime
    updated_at: datetime


class WorkspaceList(BaseModel):
    items: list[WorkspaceOut]


class ArtifactCreate(BaseModel):
    type: ArtifactType
    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    content: Any  # checked per type by the service (text, object, array)
    metadata: dict[str, Any] = {}
    status: ArtifactStatus = "draft"

    @field_validator("title")
    @classmethod
    def _title(cls, v: str) -> str:
        return _strip_required(v)

    @field_validator("metadata")
    @classmethod
    def _metadata_size(cls, v: dict[str, Any]) -> dict[str, Any]:
        return _small_json(v, MAX_METADATA_BYTES, "metadata") or {}


class ArtifactUpdate(BaseModel):
    """A new version based on ``base_version`` (the version the editor started from)."""

    base_version: int = Field(ge=1, le=MAX_VERSION)
    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    content: Any = None
    metadata: dict[str, Any] | None = None
    status: ArtifactStatus | None = None

    @field_validator("title")
    @classmethod
    def _title(cls, v: str | None) -> str | None:
        return _strip_required(v) if v is not None else None

    @field_validator("metadata")
    @classmethod
    def _metadata_size(cls, v: dict[str, Any] | None) -> dict[str, Any] | None:
        return _small_json(v, MAX_METADATA_BYTES, "metadata")


class ArtifactSummaryOut(BaseModel):
    id: str  # the artifact (stable across versions)
    version_id: str
    parent_version_id: str | None
    workspace_id: str
    type: ArtifactType
    title: str | None
    description: str | None
    metadata: dict[str, Any]
    version: int
    status: ArtifactStatus
    created_by: str
    created_by_name: str | None
    turn_id: str | None
    created_at: datetime


class ArtifactOut(ArtifactSummaryOut):
    content: Any


class ArtifactList(BaseModel):
    items: list[ArtifactSummaryOut]


class ActivityOut(BaseModel):
    id: str
    empno: str
    user_name: str | None
    action: str
    resource_type: str | None
    resource_id: str | None
    resource_name: str | None
    metadata: dict[str, Any]
    timestamp: datetime


class ActivityList(BaseModel):
    items: list[ActivityOut]

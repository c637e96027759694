"""Artifacts of a workspace: create, list, read, edit (a new version each time) and history.

An edit names the version it was based on (``base_version``); when someone saved a newer
version first, it is refused with 409 ``stale_version`` carrying the current version, so
no edit is ever lost silently.
"""

from __future__ import annotations

from fastapi import APIRouter, Path, Query

from portal.api.deps import ClientOrigin, CurrentUser, Db, workspace_id_or_404
from portal.api.ids import uuid_or_404
from portal.api.schemas_workspaces import (
    MAX_VERSION,
    ArtifactCreate,
    ArtifactList,
    ArtifactOut,
    ArtifactSummaryOut,
    ArtifactUpdate,
)
from portal.collab import artifacts as service
from portal.collab.access import require_workspace
from portal.db.repositories import artifacts
from portal.db.repositories.artifacts import ArtifactSummary, ArtifactType
from portal.errors import NotFound

router = APIRouter(prefix="/workspaces/{workspace_id}/artifacts", tags=["artifacts"])


def _summary(a: ArtifactSummary) -> ArtifactSummaryOut:
    return ArtifactSummaryOut.model_validate(a.model_dump(exclude={"content"}))


def _artifact_id(artifact_id: str) -> str:
    return uuid_or_404(artifact_id, "Artifact")


@router.post("", response_model=ArtifactOut, status_code=201)
def create_artifact(
    workspace_id: str, body: ArtifactCreate, user: CurrentUser, db: Db, origin: ClientOrigin
) -> ArtifactOut:
    """Version 1 of a new artifact (editors and the owner)."""
    created = service.create(
        db,
        user,
        workspace_id_or_404(workspace_id),
        type=body.type,
        title=body.title,
        content=body.content,
        description=body.description,
        metadata=body.metadata,
        status=body.status,
        origin=origin,
    )
    return ArtifactOut.model_validate(created.model_dump())


@router.get("", response_model=ArtifactList)
def list_artifacts(
    workspace_id: str,
    user: CurrentUser,
    db: Db,
    type: ArtifactType | None = Query(None),
    include_archived: bool = Query(False),
    limit: int = Query(100, ge=1, le=500),
) -> ArtifactList:
    """The current version of each artifact (without content), most recently changed first."""
    workspace = require_workspace(db, user, workspace_id_or_404(workspace_id))
    items = artifacts.list_current(
        db, workspace_id=workspace.id, type=type, include_archived=include_archived, limit=limit
    )
    return ArtifactList(items=[_summary(a) for a in items])


@router.get("/{artifact_id}", response_model=ArtifactOut)
def get_artifact(workspace_id: str, artifact_id: str, user: CurrentUser, db: Db) -> ArtifactOut:
    """The current version with its content."""
    workspace = require_workspace(db, user, workspace_id_or_404(workspace_id))
    found = artifacts.current(db, workspace_id=workspace.id, artifact_id=_artifact_id(artifact_id))
    if found is None:
        raise NotFound("Artifact not found")
    return ArtifactOut.model_validate(found.model_dump())


@router.patch("/{artifact_id}", response_model=ArtifactOut)
def update_artifact(
    workspace_id: str, artifact_id: str, body: ArtifactUpdate, user: CurrentUser, db: Db, origin: ClientOrigin
) -> ArtifactOut:
    """Save the next version based on ``base_version``; 409 with the current one when it is stale."""
    saved = service.update(
        db,
        user,
        workspace_id_or_404(workspace_id),
        _artifact_id(artifact_id),
        base_version=body.base_version,
        title=body.title,
        description=body.description,
        content=body.content,
        metadata=body.metadata,
        status=body.status,
        origin=origin,
    )
    return ArtifactOut.model_validate(saved.model_dump())


@router.get("/{artifact_id}/versions", response_model=ArtifactList)
def artifact_history(
    workspace_id: str, artifact_id: str, user: CurrentUser, db: Db, limit: int = Query(100, ge=1, le=500)
) -> ArtifactList:
    """Every version, newest first, each linked to the version it was based on."""
    workspace = require_workspace(db, user, workspace_id_or_404(workspace_id))
    items = artifacts.history(
        db, workspace_id=workspace.id, artifact_id=_artifact_id(artifact_id), limit=limit
    )
    if not items:
        raise NotFound("Artifact not found")
    return ArtifactList(items=[_summary(a) for a in items])


@router.get("/{artifact_id}/versions/{version}", response_model=ArtifactOut)
def artifact_version(
    workspace_id: str, artifact_id: str, user: CurrentUser, db: Db, version: int = Path(ge=1, le=MAX_VERSION)
) -> ArtifactOut:
    """One earlier (or the current) version with its content."""
    workspace = require_workspace(db, user, workspace_id_or_404(workspace_id))
    found = artifacts.get_version(
        db, workspace_id=workspace.id, artifact_id=_artifact_id(artifact_id), version=version
    )
    if found is None:
        raise NotFound("Artifact version not found")
    return ArtifactOut.model_validate(found.model_dump())

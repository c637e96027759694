"""Creating and editing artifacts: a new version per edit, stale edits refused, every change
logged and announced (`artifact.updated`) to the workspace.
"""

from __future__ import annotations

from typing import Any, Literal

from portal.collab.access import require_write
from portal.collab.content import validate_content
from portal.db.executor import Executor
from portal.db.repositories import activity, artifacts
from portal.db.repositories.activity import Origin
from portal.db.repositories.artifacts import Artifact, ArtifactStatus, ArtifactType
from portal.db.repositories.users import User
from portal.errors import BadRequest, Conflict, NotFound
from portal.realtime import broadcast

Source = Literal["api", "canvas"]


class StaleVersion(Conflict):
    """The edit was based on a version that is no longer the current one."""

    code = "stale_version"


def _log(
    db: Executor, user: User, action: str, artifact: Artifact, origin: Origin | None, **meta: Any
) -> None:
    activity.record(
        db,
        empno=user.empno,
        action=action,
        resource_type="artifact",
        resource_id=artifact.version_id,
        metadata={
            "artifact_id": artifact.id,
            "workspace_id": artifact.workspace_id,
            "version": artifact.version,
            "type": artifact.type,
            **meta,
        },
        origin=origin,
    )


def create(
    db: Executor,
    user: User,
    workspace_id: str,
    *,
    type: ArtifactType,
    title: str,
    content: Any,
    description: str | None = None,
    metadata: dict[str, Any] | None = None,
    status: ArtifactStatus = "draft",
    source: Source = "api",
    turn_id: str | None = None,
    origin: Origin | None = None,
) -> Artifact:
    """Version 1 of a new artifact (editors and the owner)."""
    workspace = require_write(db, user, workspace_id, "artifact")
    validate_content(type, content)
    with db.transaction() as tx:
        created = artifacts.create(
            tx,
            workspace_id=workspace.id,
            type=type,
            title=title,
            content=content,
            created_by=user.empno,
            description=description,
            metadata=metadata,
            status=status,
            turn_id=turn_id,
        )
        # A repeated canvas turn gets its earlier artifact back: log its creation only once.
        if not activity.exists(tx, resource_type="artifact", resource_id=created.version_id):
            _log(tx, user, "artifact.create", created, origin, title=title, via=source, turn_id=turn_id)
    broadcast.artifact_updated(created, actor_empno=user.empno, actor_name=user.name_ko, source=source)
    return created


def update(
    db: Executor,
    user: User,
    workspace_id: str,
    artifact_id: str,
    *,
    base_version: int,
    title: str | None = None,
    description: str | None = None,
    content: Any = None,
    metadata: dict[str, Any] | None = None,
    status: ArtifactStatus | None = None,
    source: Source = "api",
    turn_id: str | None = None,
    origin: Origin | None = None,
) -> Artifact:
    """The next version, based on ``base_version``; StaleVersion (409, with the current version)
    when someone saved a newer one first.
    """
    workspace = require_write(db, user, workspace_id, "artifact")
    current = artifacts.current(db, workspace_id=workspace.id, artifact_id=artifact_id)
    if current is None:
        raise NotFound("Artifact not found")
    if all(v is None for v in (title, description, content, metadata, status)):
        raise BadRequest("Nothing to change: give title, description, content, metadata or status")
    if content is not None:
        validate_content(current.type, content)
    with db.transaction() as tx:
        saved = artifacts.add_version(
            tx,
            workspace_id=workspace.id,
            artifact_id=current.id,
            base_version=base_version,
            created_by=user.empno,
            title=title,
            description=description,
            content=content,
            metadata=metadata,
            status=status,
            turn_id=turn_id,
        )
        if saved is not None:
            _log(
                tx,
                user,
                "artifact.update",
                saved,
                origin,
                base_version=base_version,
                via=source,
                turn_id=turn_id,
            )
    if saved is None:
        raise stale(db, workspace.id, current.id, base_version)
    broadcast.artifact_updated(saved, actor_empno=user.empno, actor_name=user.name_ko, source=source)
    return saved


def stale(db: Executor, workspace_id: str, artifact_id: str, base_version: int) -> StaleVersion:
    """The 409 for an edit based on an old version, carrying the current version to merge with."""
    latest = artifacts.current(db, workspace_id=workspace_id, artifact_id=artifact_id)
    assert latest is not None
    return StaleVersion(
        f"The edit was based on version {base_version}, but the current version is {latest.version}; "
        f"merge with it and save again with base_version={latest.version}",
        current=latest.model_dump(mode="json"),
    )

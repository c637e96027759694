"""Artifacts: versioned lineages inside a workspace (a document, code, a chart, an image, data).

An artifact's ``id`` is its lineage id (the first version's row id, ``root_id``); each
version is its own row (``version_id``) linked to the version it was based on. Versions
are never updated in place: an edit inserts the next version, and the unique index on
``parent_id`` lets exactly one of two edits based on the same version land.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from portal.db.executor import Executor

ArtifactType = Literal["document", "code", "chart", "image", "data"]
ArtifactStatus = Literal["draft", "published", "archived"]


class ArtifactSummary(BaseModel):
    """One version of an artifact without its content (lists and history)."""

    id: str  # the lineage id, stable across versions
    version_id: str
    parent_version_id: str | None = None
    workspace_id: str
    type: ArtifactType
    title: str | None = None
    description: str | None = None
    metadata: dict[str, Any] = {}
    version: int
    status: ArtifactStatus
    created_by: str
    created_by_name: str | None = None
    turn_id: str | None = None
    created_at: datetime


class Artifact(ArtifactSummary):
    """One version of an artifact with its content."""

    content: Any


_SUMMARY_COLUMNS = """
    a.root_id AS id, a.id AS version_id, a.parent_id AS parent_version_id, a.workspace_id, a.type,
    a.title, a.description, a.metadata, a.version, a.status, a.created_by, u.name_ko AS created_by_name,
    a.turn_id, a.created_at
"""
_FROM = "FROM artifacts a LEFT JOIN users u ON u.empno = a.created_by"


def _json(value: Any) -> str:
    # Content may be a bare JSON string (a document's Markdown): always send JSON text and cast.
    return json.dumps(value, ensure_ascii=False)


def create(
    db: Executor,
    *,
    workspace_id: str,
    type: ArtifactType,
    title: str,
    content: Any,
    created_by: str,
    description: str | None = None,
    metadata: dict[str, Any] | None = None,
    status: ArtifactStatus = "draft",
    turn_id: str | None = None,
) -> Artifact:
    """Version 1 of a new artifact."""
    row = db.fetch_one(
        """
        WITH new AS (SELECT gen_random_uuid() AS id)
        INSERT INTO artifacts (id, root_id, workspace_id, parent_id, type, title, description, content,
                               metadata, version, status, created_by, turn_id)
        SELECT new.id, new.id, :workspace_id::uuid, NULL, :type, :title, :description, :content::jsonb,
               :metadata::jsonb, 1, :status, :created_by, :turn_id::uuid
        FROM new
        ON CONFLICT DO NOTHING
        RETURNING id
        """,
        {
            "workspace_id": workspace_id,
            "type": type,
            "title": title,
            "description": description,
            "content": _json(content),
            "metadata": metadata or {},
            "status": status,
            "created_by": created_by,
            "turn_id": turn_id,
        },
    )
    if row is None:
        # Only the per-turn index can refuse a fresh id: this turn already wrote its artifact.
        existing = by_turn(db, turn_id=turn_id) if turn_id else None
        assert existing is not None
        return existing
    created = get_version_row(db, version_id=row["id"])
    assert created is not None
    return created


def add_version(
    db: Executor,
    *,
    workspace_id: str,
    artifact_id: str,
    base_version: int,
    created_by: str,
    title: str | None = None,
    description: str | None = None,
    content: Any = None,
    metadata: dict[str, Any] | None = None,
    status: ArtifactStatus | None = None,
    turn_id: str | None = None,
) -> Artifact | None:
    """The next version based on ``base_version``; None when that version already has a successor,
    does not exist, or this turn already wrote a version. Omitted fields are carried over;
    ``metadata`` is merged into the base's.
    """
    row = db.fetch_one(
        """
        INSERT INTO artifacts (root_id, workspace_id, parent_id, type, title, description, content,
                               metadata, version, status, created_by, turn_id)
        SELECT p.root_id, p.workspace_id, p.id, p.type, COALESCE(:title, p.title),
               COALESCE(:description, p.description), COALESCE(:content::jsonb, p.content),
               COALESCE(p.metadata, '{}'::jsonb) || :metadata::jsonb, p.version + 1,
               COALESCE(:status, p.status), :created_by, :turn_id::uuid
        FROM artifacts p
        WHERE p.root_id = :artifact_id::uuid AND p.workspace_id = :workspace_id::uuid
          AND p.version = :base_version
        ON CONFLICT DO NOTHING
        RETURNING id
        """,
        {
            "workspace_id": workspace_id,
            "artifact_id": artifact_id,
            "base_version": base_version,
            "title": title,
            "description": description,
            "content": None if content is None else _json(content),
            "metadata": metadata or {},
            "status": status,
            "created_by": created_by,
            "turn_id": turn_id,
        },
    )
    return get_version_row(db, version_id=row["id"]) if row else None


def get_version_row(db: Executor, *, version_id: str) -> Artifact | None:
    """One version by its row id."""
    row = db.fetch_one(
        f"SELECT {_SUMMARY_COLUMNS}, a.content {_FROM} WHERE a.id = :id::uuid", {"id": version_id}
    )
    return Artifact.model_validate(row) if row else None


def current(db: Executor, *, workspace_id: str, artifact_id: str) -> Artifact | None:
    """The newest version of an artifact in this workspace."""
    row = db.fetch_one(
        f"""
        SELECT {_SUMMARY_COLUMNS}, a.content {_FROM}
        WHERE a.root_id = :id::uuid AND a.workspace_id = :workspace_id::uuid
        ORDER BY a.version DESC LIMIT 1
        """,
        {"id": artifact_id, "workspace_id": workspace_id},
    )
    return Artifact.model_validate(row) if row else None


def get_version(db: Executor, *, workspace_id: str, artifact_id: str, version: int) -> Artifact | None:
    """One numbered version of an artifact in this workspace."""
    row = db.fetch_one(
        f"""
        SELECT {_SUMMARY_COLUMNS}, a.content {_FROM}
        WHERE a.root_id = :id::uuid AND a.workspace_id = :workspace_id::uuid AND a.version = :version
        """,
        {"id": artifact_id, "workspace_id": workspace_id, "version": version},
    )
    return Artifact.model_validate(row) if row else None


def list_current(
    db: Executor,
    *,
    workspace_id: str,
    type: ArtifactType | None = None,
    include_archived: bool = False,
    limit: int = 100,
) -> list[ArtifactSummary]:
    """The current version of every artifact in the workspace, most recently changed first."""
    rows = db.fetch_all(
        f"""
        SELECT * FROM (
            SELECT DISTINCT ON (a.root_id) {_SUMMARY_COLUMNS} {_FROM}
            WHERE a.workspace_id = :workspace_id::uuid
            ORDER BY a.root_id, a.version DESC
        ) latest
        WHERE (:type::text IS NULL OR latest.type = :type::text)
          AND (:include_archived OR latest.status <> 'archived')
        ORDER BY latest.created_at DESC, latest.id
        LIMIT :limit
        """,
        {"workspace_id": workspace_id, "type": type, "include_archived": include_archived, "limit": limit},
    )
    return [ArtifactSummary.model_validate(r) for r in rows]


def history(db: Executor, *, workspace_id: str, artifact_id: str, limit: int = 100) -> list[ArtifactSummary]:
    """Every version of an artifact, newest first."""
    rows = db.fetch_all(
        f"""
        SELECT {_SUMMARY_COLUMNS} {_FROM}
        WHERE a.root_id = :id::uuid AND a.workspace_id = :workspace_id::uuid
        ORDER BY a.version DESC LIMIT :limit
        """,
        {"id": artifact_id, "workspace_id": workspace_id, "limit": limit},
    )
    return [ArtifactSummary.model_validate(r) for r in rows]


def by_turn(db: Executor, *, turn_id: str) -> Artifact | None:
    """The version a chat turn wrote, if it wrote one (the canvas is idempotent per turn)."""
    row = db.fetch_one(
        f"SELECT {_SUMMARY_COLUMNS}, a.content {_FROM} WHERE a.turn_id = :turn_id::uuid", {"turn_id": turn_id}
    )
    return Artifact.model_validate(row) if row else None

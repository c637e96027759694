-- Workspaces and artifacts as teams use them (issue 6).
--
-- An artifact is a lineage of versions: every edit inserts a row whose parent_id is the
-- version it was based on and whose version is the parent's + 1. root_id names the lineage
-- (the first version's id) so "the current version" is one indexed lookup. A parent may
-- have one child only: two edits based on the same version cannot both land, the second
-- gets a conflict (409) instead of silently forking or overwriting the history.
ALTER TABLE artifacts ADD COLUMN root_id UUID;

WITH RECURSIVE lineage AS (
    SELECT id, id AS root FROM artifacts WHERE parent_id IS NULL
    UNION ALL
    SELECT a.id, l.root FROM artifacts a JOIN lineage l ON a.parent_id = l.id
)
UPDATE artifacts a SET root_id = l.root FROM lineage l WHERE a.id = l.id;

UPDATE artifacts SET root_id = id WHERE root_id IS NULL;
UPDATE artifacts SET version = 1 WHERE version IS NULL;

ALTER TABLE artifacts ALTER COLUMN root_id SET NOT NULL;
ALTER TABLE artifacts ALTER COLUMN version SET NOT NULL;
ALTER TABLE artifacts ADD CONSTRAINT artifacts_version_positive CHECK (version >= 1);

CREATE UNIQUE INDEX uq_artifacts_parent ON artifacts(parent_id) WHERE parent_id IS NOT NULL;
CREATE UNIQUE INDEX uq_artifacts_root_version ON artifacts(root_id, version);
CREATE INDEX idx_artifacts_workspace_root ON artifacts(workspace_id, root_id, version DESC);

-- The canvas worker writes at most one version per chat turn (Express runs at least once).
ALTER TABLE artifacts ADD COLUMN turn_id UUID;
CREATE UNIQUE INDEX uq_artifacts_turn ON artifacts(turn_id) WHERE turn_id IS NOT NULL;

-- A user's personal canvas ("내 캔버스"): where the canvas writes for a conversation that is
-- not in a workspace. One per user, created on first use.
ALTER TABLE workspaces ADD COLUMN personal BOOLEAN NOT NULL DEFAULT false;
CREATE UNIQUE INDEX uq_workspaces_personal ON workspaces(owner_empno) WHERE personal;

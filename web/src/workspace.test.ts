import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import type { Artifact } from './types';
import {
  artifactOfEvent,
  contentFromText,
  contentText,
  NO_PRESENCE,
  noteNewer,
  presenceReducer,
  reapply,
  staleCurrent,
  startEdit,
  takeTheirs,
  upsertArtifact,
} from './workspace';

const W = 'w1';
const open = { ...NO_PRESENCE, workspaceId: W };

describe('presenceReducer', () => {
  it('takes the user list from presence, then applies joins and leaves', () => {
    let s = presenceReducer(open, {
      type: 'presence',
      workspace_id: W,
      joined: true,
      role: 'editor',
      users: [{ empno: 'E1', name: '홍길동', connections: 1 }, { bogus: true }],
    });
    expect(s).toMatchObject({ joined: true, role: 'editor' });
    expect(s.users.map((u) => u.empno)).toEqual(['E1']);
    s = presenceReducer(s, { type: 'user_joined', workspace_id: W, empno: 'E2', name: '김철수' });
    s = presenceReducer(s, { type: 'user_joined', workspace_id: W, empno: 'E2', name: '김철수' });
    expect(s.users.map((u) => u.name)).toEqual(['홍길동', '김철수']);
    s = presenceReducer(s, { type: 'user_left', workspace_id: W, empno: 'E1' });
    expect(s.users.map((u) => u.empno)).toEqual(['E2']);
  });

  it('ignores events of other workspaces and clears on leave', () => {
    const s = presenceReducer(open, { type: 'presence', workspace_id: W, joined: true, role: 'owner', users: [{ empno: 'E1', name: 'a' }] });
    expect(presenceReducer(s, { type: 'user_joined', workspace_id: 'w2', empno: 'E9' })).toBe(s);
    expect(presenceReducer(NO_PRESENCE, { type: 'presence', workspace_id: W, joined: true, users: [] })).toBe(NO_PRESENCE);
    expect(presenceReducer(s, { type: 'presence', workspace_id: W, joined: false, role: null, users: [] })).toMatchObject({
      joined: false,
      users: [],
    });
  });
});

function artifact(version: number, content: unknown = `v${version}`): Artifact {
  return {
    id: 'a1',
    version_id: `vid${version}`,
    parent_version_id: version > 1 ? `vid${version - 1}` : null,
    workspace_id: W,
    type: 'document',
    title: '문서',
    description: null,
    metadata: {},
    version,
    status: 'draft',
    created_by: 'E1',
    created_by_name: '홍길동',
    turn_id: null,
    created_at: '2026-01-01T00:00:00Z',
    content,
  };
}

describe('artifact conflicts', () => {
  it('extracts the current version from a 409 stale_version only', () => {
    const cur = artifact(3);
    const stale = new ApiError(409, 'stale_version', 'stale', undefined, { code: 'stale_version', current: cur });
    expect(staleCurrent(stale)).toEqual(cur);
    expect(staleCurrent(new ApiError(409, 'conflict', 'x', undefined, { current: cur }))).toBeNull();
    expect(staleCurrent(new ApiError(409, 'stale_version', 'x'))).toBeNull();
    expect(staleCurrent(new Error('x'))).toBeNull();
  });

  it('keeps the draft on a newer version and re-applies it on top (next base_version)', () => {
    let e = startEdit(artifact(2));
    e = { ...e, draft: '내 수정' };
    e = noteNewer(e, artifact(3, '남의 수정'));
    expect(e.conflict?.version).toBe(3);
    expect(e.draft).toBe('내 수정');
    expect(noteNewer(e, artifact(3))).toBe(e); // same version again: nothing new
    const r = reapply(e);
    expect(r).toMatchObject({ draft: '내 수정', conflict: null });
    expect(r.base.version).toBe(3);
    const t = takeTheirs(e);
    expect(t).toMatchObject({ draft: '남의 수정', conflict: null });
  });

  it('ignores older or other artifacts', () => {
    const e = startEdit(artifact(3));
    expect(noteNewer(e, artifact(2))).toBe(e);
    expect(noteNewer(e, { ...artifact(5), id: 'other' })).toBe(e);
  });

  it('upserts live updates newest-first and never downgrades', () => {
    const list = [artifact(2), { ...artifact(1), id: 'b' }];
    const up = upsertArtifact(list, artifact(3));
    expect(up.map((a) => [a.id, a.version])).toEqual([
      ['a1', 3],
      ['b', 1],
    ]);
    expect(upsertArtifact(up, artifact(2))).toBe(up);
    expect(artifactOfEvent({ type: 'artifact.updated', workspace_id: W, artifact: { id: 'a1', version: 4 } })?.version).toBe(4);
    expect(artifactOfEvent({ type: 'artifact.updated', workspace_id: W, artifact: { id: 'a1' } })).toBeNull();
  });

  it('converts content to and from editable text by type', () => {
    expect(contentText('abc')).toBe('abc');
    expect(contentText({ a: 1 })).toBe('{\n  "a": 1\n}');
    expect(contentFromText('code', 'x')).toEqual({ ok: true, value: 'x' });
    expect(contentFromText('chart', '{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(contentFromText('data', '{')).toMatchObject({ ok: false });
  });
});

import { describe, expect, it } from 'vitest';
import { asFileStatus, EMPTY_FILES, fileList, filesReducer, mimeTypeOf, type FilesState } from './files';
import type { PortalFile } from './types';

function file(id: string, over: Partial<PortalFile> = {}): PortalFile {
  return {
    id,
    name: `${id}.md`,
    size: 10,
    type: 'text/markdown',
    mime_type: 'text/markdown',
    workspace_id: null,
    owner: 'E1001',
    status: 'pending',
    progress: 0,
    reason: null,
    pages: null,
    chunks: null,
    created_at: '2026-01-01T00:00:00Z',
    processed_at: null,
    ...over,
  };
}

const status = (file_id: string, s: string, progress?: number, reason?: string) =>
  ({ type: 'status', event: { type: 'file.status', file_id, status: s, progress, reason } }) as const;

function registered(id = 'f1'): FilesState {
  return filesReducer(EMPTY_FILES, { type: 'registered', file: file(id) });
}

describe('filesReducer', () => {
  it('goes uploading -> pending -> processing -> completed with progress', () => {
    let s = registered();
    expect(fileList(s)[0]).toMatchObject({ phase: 'uploading', progress: 0 });
    s = filesReducer(s, { type: 'upload_progress', id: 'f1', fraction: 0.5 });
    expect(s.byId.f1.progress).toBe(50);
    s = filesReducer(s, { type: 'uploaded', id: 'f1' });
    expect(s.byId.f1).toMatchObject({ phase: 'pending', progress: 0 });
    s = filesReducer(s, status('f1', 'processing', 40));
    expect(s.byId.f1).toMatchObject({ phase: 'processing', progress: 40 });
    s = filesReducer(s, status('f1', 'completed', 100));
    expect(s.byId.f1).toMatchObject({ phase: 'completed', progress: 100, reason: null });
  });

  it('never moves a file backwards (late or out-of-order events)', () => {
    let s = filesReducer(registered(), status('f1', 'processing', 60));
    const before = s;
    s = filesReducer(s, status('f1', 'processing', 30));
    expect(s.byId.f1.progress).toBe(60);
    s = filesReducer(s, status('f1', 'pending', 0));
    expect(s.byId.f1.phase).toBe('processing');
    s = filesReducer(s, status('f1', 'completed', 100));
    s = filesReducer(s, status('f1', 'processing', 90));
    expect(s.byId.f1.phase).toBe('completed');
    // The upload's XHR may return after the socket already said `processing`.
    expect(filesReducer(before, { type: 'uploaded', id: 'f1' })).toBe(before);
  });

  it('keeps the reason of a failed file', () => {
    const s = filesReducer(registered(), status('f1', 'failed', 10, '지원하지 않는 형식'));
    expect(s.byId.f1).toMatchObject({ phase: 'failed', reason: '지원하지 않는 형식' });
    const u = filesReducer(registered(), { type: 'upload_failed', id: 'f1', reason: '파일이 너무 큽니다' });
    expect(u.byId.f1).toMatchObject({ phase: 'failed', reason: '파일이 너무 큽니다' });
  });

  it('ignores events for unknown files and removes deleted ones', () => {
    const s = registered();
    expect(filesReducer(s, status('other', 'completed', 100))).toBe(s);
    const r = filesReducer(s, { type: 'removed', id: 'f1' });
    expect(fileList(r)).toEqual([]);
  });

  it('merges a REST snapshot without losing local uploads or regressing status', () => {
    let s = registered('up');
    s = filesReducer(s, { type: 'registered', file: file('done') });
    s = filesReducer(s, status('done', 'completed', 100));
    s = filesReducer(s, { type: 'loaded', files: [file('done', { status: 'processing', progress: 50 }), file('old', { status: 'completed', progress: 100, pages: 2 })] });
    expect(fileList(s).map((f) => [f.file.id, f.phase])).toEqual([
      ['up', 'uploading'],
      ['done', 'completed'],
      ['old', 'completed'],
    ]);
  });
});

describe('file helpers', () => {
  it('asFileStatus accepts only well-formed events', () => {
    expect(asFileStatus({ type: 'file.status', file_id: 'a', status: 'processing', progress: 5 })).toMatchObject({ file_id: 'a', progress: 5, reason: null });
    expect(asFileStatus({ type: 'file.status', status: 'processing' })).toBeNull();
    expect(asFileStatus({ type: 'presence', file_id: 'a', status: 'x' })).toBeNull();
  });

  it('mimeTypeOf fills in types browsers leave empty', () => {
    expect(mimeTypeOf({ name: 'a.md', type: '' })).toBe('text/markdown');
    expect(mimeTypeOf({ name: 'a.pdf', type: 'application/pdf' })).toBe('application/pdf');
    expect(mimeTypeOf({ name: 'a.bin', type: '' })).toBe('application/octet-stream');
  });
});

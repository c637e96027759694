import { describe, expect, it } from 'vitest';
import { ApiError } from '../api';
import { bannersReducer, conditionOf } from './useBanners';

describe('banners that clear with their condition', () => {
  it('a network or 5xx error is about connectivity; a 4xx is not', () => {
    expect(conditionOf(new ApiError(0, 'network_error', '서버에 연결할 수 없습니다.'))).toBe('connectivity');
    expect(conditionOf(new ApiError(503, 'database_unavailable', '…'))).toBe('connectivity');
    expect(conditionOf(new ApiError(400, 'bad_request', '…'))).toBeUndefined();
  });

  it('clearing a condition removes only its notices', () => {
    let items = bannersReducer([], { type: 'pushed', item: { id: 1, kind: 'error', message: '연결 안 됨', condition: 'connectivity' } });
    items = bannersReducer(items, { type: 'pushed', item: { id: 2, kind: 'error', message: '권한 없음' } });
    items = bannersReducer(items, { type: 'pushed', item: { id: 3, kind: 'error', message: '실시간 끊김', condition: 'realtime' } });
    const cleared = bannersReducer(items, { type: 'cleared', condition: 'connectivity' });
    expect(cleared.map((b) => b.id)).toEqual([2, 3]);
    // Nothing to clear: the same array (no re-render).
    expect(bannersReducer(cleared, { type: 'cleared', condition: 'connectivity' })).toBe(cleared);
  });
});

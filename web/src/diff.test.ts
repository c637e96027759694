import { describe, expect, it } from 'vitest';
import { diffLines } from './diff';

describe('diffLines', () => {
  it('marks removed and added lines between unchanged ones', () => {
    expect(diffLines('제목\n첫 줄\n끝', '제목\n고친 줄\n끝\n덧붙임')).toEqual([
      { op: 'same', text: '제목' },
      { op: 'add', text: '고친 줄' },
      { op: 'del', text: '첫 줄' },
      { op: 'same', text: '끝' },
      { op: 'add', text: '덧붙임' },
    ]);
  });

  it('is all unchanged for equal texts, and all added from nothing', () => {
    expect(diffLines('a\nb', 'a\nb').every((l) => l.op === 'same')).toBe(true);
    expect(diffLines('', 'x').filter((l) => l.op !== 'same').map((l) => l.op)).toEqual(['add', 'del']);
  });
});

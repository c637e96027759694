import { describe, expect, it } from 'vitest';
import { josa, particle } from './josa';

describe('josa', () => {
  it.each([
    ['버전 2', '을/를', '버전 2를'],
    ['버전 3', '을/를', '버전 3을'],
    ['v1', '으로/로', 'v1로'],
    ['v3', '으로/로', 'v3으로'],
    ['Canvas', '으로/로', 'Canvas로'],
    ['문서 검색', '으로/로', '문서 검색으로'],
    ['일반', '으로/로', '일반으로'],
    ['세무', '으로/로', '세무로'],
    ['사내 규정', '으로/로', '사내 규정으로'],
    ['법무', '을/를', '법무를'],
    ['회계', '이/가', '회계가'],
    ['파일', '으로/로', '파일로'],
    ['김철수', '은/는', '김철수는'],
  ] as const)('%s + %s → %s', (word, pair, want) => {
    expect(josa(word, pair)).toBe(want);
  });

  it('looks past closing punctuation', () => {
    expect(particle('보고서(초안)', '을/를')).toBe('을');
  });
});

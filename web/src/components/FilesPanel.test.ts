import { describe, expect, it } from 'vitest';
import { reasonText } from './FilesPanel';

describe('reasonText', () => {
  it("keeps a Korean reason and replaces the pipeline's English one with a plain Korean sentence", () => {
    expect(reasonText('failed', '암호가 걸린 PDF입니다')).toBe('암호가 걸린 PDF입니다');
    expect(reasonText('failed', 'The PDF is encrypted and cannot be read')).toContain('처리하지 못했습니다');
    expect(reasonText('completed', 'No text layer found')).toContain('글자를 찾지 못했습니다');
  });
});

import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CodeBlock, loadHighlighter } from './CodeBlock';

let host: HTMLDivElement;
let root: Root;

beforeEach(() => {
  host = document.createElement('div');
  document.body.appendChild(host);
  root = createRoot(host);
});
afterEach(() => {
  act(() => root.unmount());
  host.remove();
});

async function settle(): Promise<void> {
  await act(async () => {
    await loadHighlighter();
    await new Promise((r) => setTimeout(r, 0));
  });
}

describe('CodeBlock', () => {
  it('colours a known language once highlight.js has loaded, keeping the text escaped', async () => {
    act(() => root.render(<CodeBlock lang="py" text={'def f():\n    return "<b>"'} />));
    // Before the chunk arrives: plain text, the label as written.
    expect(host.querySelector('code')!.textContent).toContain('return "<b>"');
    await settle();
    expect(host.querySelector('.md-code-lang')!.textContent).toBe('Python');
    expect(host.querySelector('code.hljs .hljs-keyword')!.textContent).toBe('def');
    expect(host.querySelector('code')!.innerHTML).toContain('&lt;b&gt;');
    expect(host.querySelector('b')).toBeNull();
  });

  it('leaves an unknown or missing language as plain text labelled 텍스트', async () => {
    act(() => root.render(<CodeBlock lang="" text="plain <i>text</i>" />));
    await settle();
    expect(host.querySelector('.md-code-lang')!.textContent).toBe('텍스트');
    expect(host.querySelector('code.hljs')).toBeNull();
    expect(host.querySelector('i')).toBeNull();
  });

  it('copies the raw code and says so', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    act(() => root.render(<CodeBlock lang="bash" text="ls -la" />));
    const button = host.querySelector<HTMLButtonElement>('.md-code-copy')!;
    expect(button.getAttribute('aria-label')).toContain('코드 복사');
    await act(async () => {
      button.click();
      await Promise.resolve();
    });
    expect(writeText).toHaveBeenCalledWith('ls -la');
    expect(button.textContent).toBe('복사했습니다');
  });
});

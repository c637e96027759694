import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { Markdown, parseBlocks, safeHref } from './markdown';

const html = (text: string) => renderToStaticMarkup(<Markdown text={text} />);

describe('Markdown', () => {
  it('escapes raw HTML in model text', () => {
    const out = html('<script>alert("x")</script>\n\n<img src=x onerror=alert(1)> **굵게**');
    expect(out).not.toContain('<script');
    expect(out).not.toContain('<img');
    expect(out).toContain('&lt;script&gt;');
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(out).toContain('<strong>굵게</strong>');
  });

  it('escapes HTML inside code blocks and inline code', () => {
    const out = html('```html\n<b>hi</b> & bye\n```\n\n`<i>x</i>`');
    expect(out).toContain('<pre class="md-code" data-lang="html">');
    expect(out).toContain('&lt;b&gt;hi&lt;/b&gt; &amp; bye');
    expect(out).toContain('<code>&lt;i&gt;x&lt;/i&gt;</code>');
  });

  it('only links http(s)/mailto URLs', () => {
    const out = html('[good](https://example.com/a?b=1) [bad](javascript:alert(1)) [data](data:text/html,x)');
    expect(out).toContain('<a href="https://example.com/a?b=1" target="_blank" rel="noopener noreferrer">good</a>');
    expect(out).not.toContain('javascript:alert(1)"');
    expect(out).not.toMatch(/href="(javascript|data):/);
    expect(safeHref('JaVaScRiPt:alert(1)')).toBeNull();
    expect(safeHref('mailto:a@b.c')).toBe('mailto:a@b.c');
  });

  it('autolinks bare URLs without trailing punctuation', () => {
    const out = html('참고: https://example.com/docs.');
    expect(out).toContain('<a href="https://example.com/docs" target="_blank" rel="noopener noreferrer">https://example.com/docs</a>.');
  });

  it('renders paragraphs, line breaks and headings', () => {
    const out = html('# 제목\n첫 줄\n둘째 줄\n\n다음 문단');
    expect(out).toContain('<h2 class="md-heading">제목</h2>');
    expect(out).toContain('<p>첫 줄<br/>둘째 줄</p>');
    expect(out).toContain('<p>다음 문단</p>');
  });

  it('renders bullet, numbered and nested lists', () => {
    const out = html('- 하나\n- 둘\n  - 둘-가\n  - 둘-나\n- 셋\n\n3. c\n4. d');
    expect(out).toContain('<ul><li>하나</li><li>둘<ul><li>둘-가</li><li>둘-나</li></ul></li><li>셋</li></ul>');
    expect(out).toContain('<ol start="3"><li>c</li><li>d</li></ol>');
  });

  it('does not treat snake_case or bold markers as italics/lists', () => {
    const out = html('multimodal_rag 와 web_search\n**bold** start');
    expect(out).toContain('multimodal_rag 와 web_search');
    expect(out).not.toContain('<em>');
    expect(out).toContain('<strong>bold</strong> start');
  });

  it('renders tables with escaped cells', () => {
    const out = html('| 항목 | 금액 |\n|---|--:|\n| <b>A</b> | 1,000 |');
    expect(out).toContain('<th>항목</th>');
    expect(out).toContain('<th style="text-align:right">금액</th>');
    expect(out).toContain('<td>&lt;b&gt;A&lt;/b&gt;</td>');
  });

  it('treats an unterminated fence (mid-stream) as code to the end', () => {
    const blocks = parseBlocks('설명:\n```python\nprint("hi")\nx = 1');
    expect(blocks).toEqual([
      { kind: 'para', text: '설명:' },
      { kind: 'code', lang: 'python', text: 'print("hi")\nx = 1' },
    ]);
  });

  it('renders blockquotes and rules', () => {
    const out = html('> 인용 <u>x</u>\n\n---\n\n끝');
    expect(out).toContain('<blockquote><p>인용 &lt;u&gt;x&lt;/u&gt;</p></blockquote>');
    expect(out).toContain('<hr/>');
  });
});

// A small, safe Markdown subset for model output.
//
// Model text is parsed into a tiny block/inline tree and rendered as React elements, so
// every piece of text goes through React's escaping: no dangerouslySetInnerHTML, and raw
// HTML in the model output is shown literally. Links are only rendered for http(s)/mailto.
//
// Supported: paragraphs (single newlines become <br>), fenced code blocks (``` / ~~~, an
// unterminated fence — common while streaming — runs to the end), ATX headings, bullet and
// numbered lists (nested by indentation), blockquotes, horizontal rules, GFM tables, and
// inline `code`, **bold**, *italic*, ~~strike~~, [links](https://…) and bare URLs.
import { Fragment, type ReactNode } from 'react';
import { CodeBlock } from './components/CodeBlock';

export type Block =
  | { kind: 'para'; text: string }
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'code'; lang: string; text: string }
  | { kind: 'list'; ordered: boolean; start: number; items: Block[][] }
  | { kind: 'quote'; blocks: Block[] }
  | { kind: 'hr' }
  | { kind: 'table'; header: string[]; align: Array<'left' | 'center' | 'right' | null>; rows: string[][] };

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const HR = /^ {0,3}([-*_])(\s*\1){2,}\s*$/;
const LIST_ITEM = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const QUOTE = /^ {0,3}>\s?(.*)$/;
const TABLE_SEP = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

function isBlank(line: string): boolean {
  return line.trim() === '';
}

function indentOf(line: string): number {
  const m = /^[ \t]*/.exec(line);
  return m ? m[0].replace(/\t/g, '    ').length : 0;
}

function splitRow(line: string): string[] {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  const cells: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && s[i + 1] === '|') {
      cur += '|';
      i++;
    } else if (c === '|') {
      cells.push(cur.trim());
      cur = '';
    } else {
      cur += c;
    }
  }
  cells.push(cur.trim());
  return cells;
}

function startsBlock(line: string, next: string | undefined): boolean {
  return (
    FENCE.test(line) ||
    HEADING.test(line) ||
    HR.test(line) ||
    QUOTE.test(line) ||
    LIST_ITEM.test(line) ||
    (line.includes('|') && next !== undefined && TABLE_SEP.test(next) && next.includes('-'))
  );
}

/** Parse Markdown text into blocks. Never throws. */
export function parseBlocks(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (isBlank(line)) {
      i++;
      continue;
    }

    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1];
      const body: string[] = [];
      i++;
      while (i < lines.length) {
        const l = lines[i];
        const t = l.trim();
        if (t.startsWith(marker[0].repeat(marker.length)) && /^(`+|~+)$/.test(t)) {
          i++;
          break;
        }
        body.push(l);
        i++;
      }
      blocks.push({ kind: 'code', lang: fence[2] ?? '', text: body.join('\n') });
      continue;
    }

    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ kind: 'heading', level: heading[1].length, text: heading[2] });
      i++;
      continue;
    }

    if (HR.test(line)) {
      blocks.push({ kind: 'hr' });
      i++;
      continue;
    }

    if (QUOTE.test(line)) {
      const body: string[] = [];
      while (i < lines.length && !isBlank(lines[i])) {
        const q = QUOTE.exec(lines[i]);
        body.push(q ? q[1] : lines[i]);
        i++;
      }
      blocks.push({ kind: 'quote', blocks: parseBlocks(body.join('\n')) });
      continue;
    }

    const item = LIST_ITEM.exec(line);
    if (item) {
      const baseIndent = indentOf(line);
      const ordered = /\d/.test(item[2]);
      const start = ordered ? parseInt(item[2], 10) : 1;
      const items: Block[][] = [];
      while (i < lines.length) {
        const m = LIST_ITEM.exec(lines[i]);
        if (!m || indentOf(lines[i]) !== baseIndent || /\d/.test(m[2]) !== ordered) break;
        const contentIndent = baseIndent + m[2].length + 1;
        const body: string[] = [m[3]];
        i++;
        while (i < lines.length) {
          const l = lines[i];
          if (isBlank(l)) {
            // A blank line continues the item only if the next line is indented into it.
            const nxt = lines[i + 1];
            if (nxt !== undefined && !isBlank(nxt) && indentOf(nxt) > baseIndent) {
              body.push('');
              i++;
              continue;
            }
            break;
          }
          const ind = indentOf(l);
          if (ind > baseIndent) {
            body.push(l.replace(/\t/g, '    ').slice(Math.min(ind, contentIndent)));
            i++;
            continue;
          }
          // Lazy continuation of the item's paragraph.
          if (!startsBlock(l, lines[i + 1])) {
            body.push(l.trim());
            i++;
            continue;
          }
          break;
        }
        items.push(parseBlocks(body.join('\n')));
        // Skip blank lines between items of the same list.
        let j = i;
        while (j < lines.length && isBlank(lines[j])) j++;
        const again = j < lines.length ? LIST_ITEM.exec(lines[j]) : null;
        if (again && indentOf(lines[j]) === baseIndent && /\d/.test(again[2]) === ordered) i = j;
        else break;
      }
      blocks.push({ kind: 'list', ordered, start, items });
      continue;
    }

    const next = lines[i + 1];
    if (line.includes('|') && next !== undefined && TABLE_SEP.test(next) && next.includes('-')) {
      const header = splitRow(line);
      const align = splitRow(next).map((c) => {
        const l = c.startsWith(':');
        const r = c.endsWith(':');
        return l && r ? 'center' : r ? 'right' : l ? 'left' : null;
      });
      const rows: string[][] = [];
      i += 2;
      while (i < lines.length && !isBlank(lines[i]) && lines[i].includes('|')) {
        rows.push(splitRow(lines[i]));
        i++;
      }
      blocks.push({ kind: 'table', header, align, rows });
      continue;
    }

    // Paragraph: until a blank line or the start of another block.
    const para: string[] = [line];
    i++;
    while (i < lines.length && !isBlank(lines[i]) && !startsBlock(lines[i], lines[i + 1])) {
      para.push(lines[i]);
      i++;
    }
    blocks.push({ kind: 'para', text: para.map((l) => l.trim()).join('\n') });
  }
  return blocks;
}

// ---------------------------------------------------------------------------
// Inline
// ---------------------------------------------------------------------------

/** Only these URL schemes become links; everything else stays plain text. */
export function safeHref(url: string): string | null {
  const u = url.trim();
  if (!/^(https?:\/\/|mailto:)/i.test(u)) return null;
  try {
    const parsed = new URL(u);
    if (!['http:', 'https:', 'mailto:'].includes(parsed.protocol)) return null;
    return parsed.toString();
  } catch {
    return null;
  }
}

const AUTOLINK = /^https?:\/\/[^\s<>"'`]*[^\s<>"'`.,;:!?)\]}]/i;

function isWordChar(c: string | undefined): boolean {
  return !!c && /[\p{L}\p{N}_]/u.test(c);
}

/** Find the closing delimiter `delim` starting at `from`, not preceded by whitespace. */
function findClose(s: string, delim: string, from: number): number {
  let j = s.indexOf(delim, from);
  while (j !== -1) {
    if (j > from && !/\s/.test(s[j - 1])) {
      if (delim.length === 1 && s[j + 1] === delim) {
        j = s.indexOf(delim, j + 2);
        continue;
      }
      return j;
    }
    j = s.indexOf(delim, j + 1);
  }
  return -1;
}

export function renderInline(s: string, keyPrefix = 'i'): ReactNode[] {
  const out: ReactNode[] = [];
  let buf = '';
  let k = 0;
  const key = () => `${keyPrefix}-${k++}`;
  const flush = () => {
    if (buf) {
      // Keep newlines inside paragraphs as line breaks.
      const parts = buf.split('\n');
      parts.forEach((p, idx) => {
        if (idx > 0) out.push(<br key={key()} />);
        if (p) out.push(p);
      });
      buf = '';
    }
  };

  let i = 0;
  while (i < s.length) {
    const c = s[i];

    if (c === '\\' && i + 1 < s.length && /[\\`*_{}[\]()#+\-.!|~>]/.test(s[i + 1])) {
      buf += s[i + 1];
      i += 2;
      continue;
    }

    if (c === '`') {
      let n = 1;
      while (s[i + n] === '`') n++;
      const ticks = '`'.repeat(n);
      const end = s.indexOf(ticks, i + n);
      if (end !== -1) {
        flush();
        out.push(<code key={key()}>{s.slice(i + n, end).replace(/^ (.*) $/, '$1')}</code>);
        i = end + n;
        continue;
      }
      buf += ticks;
      i += n;
      continue;
    }

    const two = s.slice(i, i + 2);
    if ((two === '**' || two === '__' || two === '~~') && s[i + 2] && !/\s/.test(s[i + 2])) {
      if (two === '__' && isWordChar(s[i - 1])) {
        buf += two;
        i += 2;
        continue;
      }
      const end = findClose(s, two, i + 2);
      if (end !== -1) {
        flush();
        const inner = renderInline(s.slice(i + 2, end), `${keyPrefix}-${k}`);
        out.push(two === '~~' ? <del key={key()}>{inner}</del> : <strong key={key()}>{inner}</strong>);
        i = end + 2;
        continue;
      }
    }

    if ((c === '*' || c === '_') && s[i + 1] && !/\s/.test(s[i + 1]) && s[i + 1] !== c) {
      if (!(c === '_' && isWordChar(s[i - 1]))) {
        const end = findClose(s, c, i + 1);
        if (end !== -1 && !(c === '_' && isWordChar(s[end + 1]))) {
          flush();
          out.push(<em key={key()}>{renderInline(s.slice(i + 1, end), `${keyPrefix}-${k}`)}</em>);
          i = end + 1;
          continue;
        }
      }
    }

    if (c === '[') {
      const close = s.indexOf('](', i + 1);
      if (close !== -1) {
        const end = s.indexOf(')', close + 2);
        if (end !== -1) {
          const label = s.slice(i + 1, close);
          const href = safeHref(s.slice(close + 2, end).split(/\s+/)[0] ?? '');
          if (href && !label.includes('\n')) {
            flush();
            out.push(
              <a key={key()} href={href} target="_blank" rel="noopener noreferrer">
                {renderInline(label, `${keyPrefix}-${k}`)}
              </a>,
            );
            i = end + 1;
            continue;
          }
        }
      }
    }

    if ((c === 'h' || c === 'H') && !isWordChar(s[i - 1])) {
      const m = AUTOLINK.exec(s.slice(i));
      if (m) {
        const href = safeHref(m[0]);
        if (href) {
          flush();
          out.push(
            <a key={key()} href={href} target="_blank" rel="noopener noreferrer">
              {m[0]}
            </a>,
          );
          i += m[0].length;
          continue;
        }
      }
    }

    buf += c;
    i++;
  }
  flush();
  return out;
}

// ---------------------------------------------------------------------------
// Blocks -> React
// ---------------------------------------------------------------------------

function renderBlocks(blocks: Block[], prefix: string, tight = false): ReactNode[] {
  return blocks.map((b, idx) => {
    const key = `${prefix}-${idx}`;
    switch (b.kind) {
      case 'para':
        return tight ? (
          <Fragment key={key}>{renderInline(b.text, key)}</Fragment>
        ) : (
          <p key={key}>{renderInline(b.text, key)}</p>
        );
      case 'heading': {
        const H = `h${Math.min(6, b.level + 1)}` as 'h2';
        return (
          <H key={key} className="md-heading">
            {renderInline(b.text, key)}
          </H>
        );
      }
      case 'code':
        return (
          <CodeBlock key={key} lang={b.lang} text={b.text} />
        );
      case 'list': {
        const items = b.items.map((item, j) => {
          const onlyPara = item.length === 1 && item[0].kind === 'para';
          const startsWithPara = item.length > 0 && item[0].kind === 'para';
          return (
            <li key={`${key}-${j}`}>
              {onlyPara || startsWithPara
                ? [
                    ...renderBlocks([item[0]], `${key}-${j}-h`, true),
                    ...renderBlocks(item.slice(1), `${key}-${j}`),
                  ]
                : renderBlocks(item, `${key}-${j}`)}
            </li>
          );
        });
        return b.ordered ? (
          <ol key={key} start={b.start !== 1 ? b.start : undefined}>
            {items}
          </ol>
        ) : (
          <ul key={key}>{items}</ul>
        );
      }
      case 'quote':
        return <blockquote key={key}>{renderBlocks(b.blocks, key)}</blockquote>;
      case 'hr':
        return <hr key={key} />;
      case 'table':
        return (
          <div key={key} className="md-table-wrap">
            <table>
              <thead>
                <tr>
                  {b.header.map((h, j) => (
                    <th key={j} style={b.align[j] ? { textAlign: b.align[j]! } : undefined}>
                      {renderInline(h, `${key}-h${j}`)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {b.rows.map((row, r) => (
                  <tr key={r}>
                    {b.header.map((_, j) => (
                      <td key={j} style={b.align[j] ? { textAlign: b.align[j]! } : undefined}>
                        {renderInline(row[j] ?? '', `${key}-${r}-${j}`)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        );
      default:
        return null;
    }
  });
}

export function Markdown({ text, className }: { text: string; className?: string }) {
  return <div className={className ? `md ${className}` : 'md'}>{renderBlocks(parseBlocks(text), 'b')}</div>;
}

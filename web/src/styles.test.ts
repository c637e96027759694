// styles.css is plain CSS written as flat rules (blocks nest only inside @media and the like).
// A rule left open by a merge silently nests every later rule under it (native CSS nesting),
// so they stop applying: this happened once to the chat controls and code colours.
import { describe, expect, it } from 'vitest';
import ts from 'typescript';

// Read from disk (TypeScript's file system helper; no @types/node here): vitest blanks CSS
// imports (`css: false`), ?raw included.
const here = decodeURIComponent(new URL(import.meta.url).pathname);
const css = ts.sys.readFile(here.replace(/styles\.test\.ts$/, 'styles.css')) ?? '';

/** Selectors of style rules that contain another block, and whether the braces balance. */
export function nestedRules(text: string): { nested: string[]; balanced: boolean } {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '');
  const stack: string[] = [];
  const nested: string[] = [];
  let prelude = '';
  for (const ch of code) {
    if (ch === '{') {
      const head = prelude.trim();
      const parent = stack.at(-1);
      if (parent !== undefined && !parent.startsWith('@')) nested.push(`${parent} > ${head}`);
      stack.push(head);
      prelude = '';
    } else if (ch === '}') {
      if (stack.pop() === undefined) return { nested, balanced: false };
      prelude = '';
    } else if (ch === ';') {
      prelude = '';
    } else {
      prelude += ch;
    }
  }
  return { nested, balanced: stack.length === 0 };
}

describe('styles.css', () => {
  it('finds a rule left open', () => {
    expect(nestedRules('.a {\n.b { color: red; }\n').nested).toEqual(['.a > .b']);
    expect(nestedRules('.a {\n.b { color: red; }\n').balanced).toBe(false);
    expect(nestedRules('@media (max-width: 1px) { .a { color: red; } }')).toEqual({ nested: [], balanced: true });
  });

  it('has no rule nested in a style rule and balanced braces', () => {
    expect(css.length).toBeGreaterThan(10_000);
    expect(nestedRules(css)).toEqual({ nested: [], balanced: true });
  });
});

// Guard for #18's "one catalog": a Hangul string in web/src outside messages.ts means a user
// can see words that the ko/en catalog does not hold (so no English text, no review in one
// place). Comments may speak Korean; string literals, template text and JSX text may not.
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { AGENT_LABELS, formatRelative } from './format';
import { PHASE_LABELS } from './files';
import { hasKey, setLocale, t, type MessageKey } from './messages';

// Every module's text, read by Vite at test time (keys are paths like './components/Sidebar.tsx').
const SOURCES = import.meta.glob<string>(['./**/*.ts', './**/*.tsx', '!./**/*.d.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
});
const HANGUL = /[\uac00-\ud7a3\u3131-\u318e]/;

// messages.ts is the catalog; josa.ts holds the particle pairs ("을/를") the catalog's
// `{name|을/를}` placeholders name: grammar data, never a sentence on its own.
const ALLOWED = new Set(['messages.ts', 'josa.ts']);

function isTestFile(path: string): boolean {
  return /\.test\.tsx?$/.test(path) || path.startsWith('test/');
}

/** "line: text" for every string literal, template part or JSX text with Hangul in `code`. */
export function hangulLiterals(code: string, fileName: string): string[] {
  const kind = fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const file = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true, kind);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node) || ts.isJsxText(node)) &&
      HANGUL.test(node.text)
    ) {
      const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
      found.push(`${line + 1}: ${node.text.trim()}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe('the ko/en catalog guard', () => {
  it('finds Hangul in strings, templates and JSX text, and ignores comments', () => {
    const code = [
      '// 주석은 괜찮습니다',
      '/** 문서 주석도 괜찮습니다 */',
      "const a = '저장';",
      'const b = `${n}명`;',
      'const c = <p>불러오는 중…</p>;',
      'const d = <i aria-label="닫기" />;',
      "const e = 'Save';",
    ].join('\n');
    expect(hangulLiterals(code, 'sample.tsx')).toEqual(['3: 저장', '4: 명', '5: 불러오는 중…', '6: 닫기']);
  });

  it('no module in web/src but the catalog holds a Korean string', () => {
    const files = Object.entries(SOURCES).map(([path, code]) => [path.replace(/^\.\//, ''), code] as const);
    // The glob must really have read the UI (not an empty match that passes by default).
    expect(files.map(([rel]) => rel)).toEqual(expect.arrayContaining(['Portal.tsx', 'components/Composer.tsx', 'messages.ts']));
    const offenders = files
      .filter(([rel]) => !ALLOWED.has(rel) && !isTestFile(rel))
      .flatMap(([rel, code]) => hangulLiterals(code, rel).map((hit) => `${rel}:${hit}`));
    expect(offenders, 'move these texts into web/src/messages.ts (ko and en) and use t()').toEqual([]);
  });
});

/** The keys of the Korean catalog, read from messages.ts's `const ko = {...}`. */
function catalogKeys(): string[] {
  const file = ts.createSourceFile('messages.ts', SOURCES['./messages.ts'], ts.ScriptTarget.Latest, true);
  const keys: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && node.name.getText(file) === 'ko') {
      const init = node.initializer;
      const literal = init && ts.isAsExpression(init) ? init.expression : init;
      if (literal && ts.isObjectLiteralExpression(literal)) {
        for (const prop of literal.properties) if (prop.name && ts.isStringLiteral(prop.name)) keys.push(prop.name.text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return keys;
}

describe('the English side of the catalog', () => {
  afterEach(() => setLocale('ko'));

  it('has an English text without Hangul for every key', () => {
    const keys = catalogKeys();
    expect(keys.length).toBeGreaterThan(400);
    setLocale('en');
    const korean = keys.filter((k) => hasKey(k) && HANGUL.test(t(k as MessageKey)));
    expect(korean).toEqual([]);
  });

  it('labels follow the locale when read, not when the module loaded', () => {
    expect(AGENT_LABELS.legal).toBe('법무');
    expect(PHASE_LABELS.completed).toBe('완료');
    setLocale('en');
    expect(AGENT_LABELS.legal).toBe('Legal');
    expect(PHASE_LABELS.completed).toBe('Done');
    expect(formatRelative(new Date(Date.now() - 5 * 60_000).toISOString())).toBe('5 min ago');
  });
});

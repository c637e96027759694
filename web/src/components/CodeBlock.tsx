// A fenced code block: language label, copy button, and syntax colours from highlight.js,
// which is loaded only when the first block with a known language is shown (its own chunk).
// Until then (and for unknown languages) the code is plain, escaped text.
import { useEffect, useState } from 'react';
import type { HLJSApi } from 'highlight.js';
import { t } from '../messages';

let highlighter: Promise<HLJSApi> | null = null;

/** highlight.js with its ~40 common languages, fetched once on first use. */
export function loadHighlighter(): Promise<HLJSApi> {
  highlighter ??= import('highlight.js/lib/common').then((m) => m.default);
  return highlighter;
}

// Names people write after ``` that highlight.js knows under another name.
const ALIASES: Record<string, string> = { sh: 'bash', shell: 'bash', zsh: 'bash', py: 'python', ts: 'typescript', js: 'javascript', yml: 'yaml', 'c++': 'cpp' };

export function CodeBlock({ lang, text }: { lang: string; text: string }) {
  const wanted = ALIASES[lang.toLowerCase()] ?? lang.toLowerCase();
  const [html, setHtml] = useState<string | null>(null);
  const [label, setLabel] = useState(lang);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    if (!wanted) return;
    let live = true;
    loadHighlighter().then(
      (hljs) => {
        const language = hljs.getLanguage(wanted);
        if (!live || !language) return;
        // highlight.js escapes the code itself; its output is spans with class names only.
        setHtml(hljs.highlight(text, { language: wanted, ignoreIllegals: true }).value);
        setLabel(language.name ?? lang);
      },
      () => {
        /* offline or blocked chunk: plain text stays */
      },
    );
    return () => {
      live = false;
    };
  }, [wanted, text, lang]);

  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);

  const copy = () => {
    void navigator.clipboard?.writeText(text).then(() => setCopied(true), () => setCopied(false));
  };

  return (
    <div className="md-code-block">
      <div className="md-code-bar">
        <span className="md-code-lang">{label || t('code.plain')}</span>
        <button type="button" className="md-code-copy" onClick={copy} aria-label={t('code.copyLabel', { lang: label || t('code.plain') })}>
          {copied ? t('code.copied') : t('code.copy')}
        </button>
      </div>
      <pre className="md-code" data-lang={lang || undefined}>
        {html !== null ? <code className="hljs" dangerouslySetInnerHTML={{ __html: html }} /> : <code>{text}</code>}
      </pre>
    </div>
  );
}

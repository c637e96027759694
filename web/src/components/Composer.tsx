// Input area: textarea (Enter sends, Shift+Enter newline, IME-safe), model dropdown,
// feature toggles (single select) and agent selector.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { AgentAccessInfo, AgentType, ModelsResponse, Toggle } from '../types';
import { AGENTS, TOGGLES } from '../types';
import { AGENT_LABELS, TOGGLE_LABELS } from '../format';
import { t } from '../messages';
import { ModelPicker } from './ModelPicker';
import { Icon, type IconName } from './Icon';
import { UploadButton } from './UploadButton';
import { TemplateMenu, type TemplateMenuHandle } from './TemplateMenu';
import type { PromptTemplate } from '../types';

/** A completed file attached to the next message (its id goes in `attachments`). */
export interface AttachmentChip {
  id: string;
  name: string;
}

export interface ComposerSettings {
  agent: AgentType | null;
  toggle: Toggle | null;
  model: string | null;
}

interface Props {
  settings: ComposerSettings;
  onSettings: (s: ComposerSettings) => void;
  models: ModelsResponse | null;
  /** Returns false if the message was not accepted: the text is put back into the box. */
  onSend: (text: string) => Promise<boolean> | boolean;
  busy: boolean;
  /** Stop the running answer (shown instead of 전송 while busy). */
  onStop?: () => void;
  focusNonce?: number;
  /** Files attached to the next message; the send routes to the RAG agent. */
  attachments?: AttachmentChip[];
  onDetach?: (id: string) => void;
  /** Upload a file (shown in "내 파일"); absent = no upload button. */
  onUpload?: (file: File) => void;
  /** Which agents this user may use (GET /api/me/agents); locked ones are shown locked. */
  agentAccess?: AgentAccessInfo[];
  /** Prompt templates offered when the text starts with "/" (convs branch). */
  templates?: PromptTemplate[];
  onManageTemplates?: () => void;
}

function agentOptionLabel(a: AgentType, access: AgentAccessInfo | undefined): string {
  const name = AGENT_LABELS[a];
  if (!access || access.usable) return name;
  if (access.reason === 'no_permission') return `🔒 ${t('agent.locked', { agent: name })}`;
  if (access.reason === 'switched_off') return t('agent.switchedOff', { agent: name });
  if (access.reason === 'disabled_by_admin') return t('agent.disabledByAdmin', { agent: name });
  return t('agent.notConfigured', { agent: name });
}

const TOGGLE_ICONS: Record<Toggle, IconName> = { web_search: 'globe', deep_research: 'research', canvas: 'canvas' };

export function Composer({ settings, onSettings, models, onSend, busy, onStop, focusNonce, attachments = [], onDetach, onUpload, agentAccess = [], templates, onManageTemplates }: Props) {
  const accessOf = (a: AgentType) => agentAccess.find((x) => x.agent === a);
  const anyLocked = agentAccess.some((x) => x.reason === 'no_permission');
  const [text, setText] = useState('');
  const ta = useRef<HTMLTextAreaElement>(null);
  const templateMenu = useRef<TemplateMenuHandle>(null);

  useEffect(() => {
    ta.current?.focus();
  }, [focusNonce]);

  // Auto-grow up to a max height.
  useEffect(() => {
    const el = ta.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 240)}px`;
  }, [text]);

  const canSend = !busy && text.trim().length > 0;

  const send = async () => {
    if (!canSend) return;
    const value = text;
    setText('');
    const ok = await onSend(value);
    if (ok === false) setText((cur) => cur || value);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    // Korean IME: Enter while composing only commits the syllable.
    if (e.nativeEvent.isComposing || e.keyCode === 229) return;
    if (templateMenu.current?.handleKey(e)) {
      e.preventDefault(); // consumed: an open sheet keeps itself on the menu's Escape
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      void send();
    }
  };

  const setToggle = (t: Toggle) => onSettings({ ...settings, toggle: settings.toggle === t ? null : t });

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      {attachments.length > 0 && (
        <ul className="attach-chips" aria-label={t('composer.attachments')}>
          {attachments.map((a) => (
            <li key={a.id} className="chip attach-chip">
              <Icon name="file" size={13} />
              <span className="attach-name">{a.name}</span>
              {onDetach && (
                <button type="button" className="chip-x" aria-label={t('composer.detach', { name: a.name })} onClick={() => onDetach(a.id)}>
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {templates && (
        <TemplateMenu
          ref={templateMenu}
          text={text}
          templates={templates}
          onPick={(body) => {
            setText(body);
            ta.current?.focus();
          }}
          onManage={() => onManageTemplates?.()}
        />
      )}
      <textarea
        ref={ta}
        className="composer-input"
        rows={1}
        value={text}
        placeholder={t('composer.placeholder')}
        aria-label={t('composer.inputLabel')}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="composer-bar">
        <div className="composer-tools">
          {onUpload && <UploadButton onFile={onUpload} label={t('composer.attachFile')} compact />}
          {models && models.models.length > 0 && (
            <ModelPicker
              catalog={models}
              value={settings.model}
              onChange={(model) => onSettings({ ...settings, model })}
            />
          )}
          <div className="toggles" role="group" aria-label={t('composer.features')}>
            {TOGGLES.map((t) => (
              <button
                key={t}
                type="button"
                className={settings.toggle === t ? 'chip toggle on' : 'chip toggle'}
                aria-pressed={settings.toggle === t}
                onClick={() => setToggle(t)}
              >
                <Icon name={TOGGLE_ICONS[t]} size={14} />
                {TOGGLE_LABELS[t]}
              </button>
            ))}
          </div>
          <label className="agent-select">
            <span className="sr-only">{t('composer.agent')}</span>
            <select
              value={settings.agent ?? ''}
              aria-label={t('composer.agent')}
              title={anyLocked ? t('agent.lockedHint') : undefined}
              onChange={(e) => onSettings({ ...settings, agent: (e.target.value || null) as AgentType | null })}
            >
              <option value="">{t('agent.auto')}</option>
              {AGENTS.map((a) => {
                const access = accessOf(a);
                return (
                  <option key={a} value={a} disabled={!!access && !access.usable} data-locked={access?.reason === 'no_permission' || undefined}>
                    {agentOptionLabel(a, access)}
                  </option>
                );
              })}
            </select>
          </label>
        </div>
        {anyLocked && settings.agent === null && <span className="sr-only">{t('agent.lockedHint')}</span>}
        {busy && onStop ? (
          <button type="button" className="btn stop" onClick={onStop} aria-label={t('turn.stop')} data-testid="stop">
            <Icon name="stop" size={15} />
            <span className="send-label">{t('turn.stop')}</span>
          </button>
        ) : (
          <button type="submit" className="btn primary send" disabled={!canSend} aria-label={t('composer.send')}>
            <span className="send-label">{busy ? t('composer.busy') : t('composer.send')}</span>
            <Icon name="up" size={15} />
          </button>
        )}
      </div>
    </form>
  );
}

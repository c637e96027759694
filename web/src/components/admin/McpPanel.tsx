// MCP configurations per domain agent, with a connection test that lists each server's tools.
import { useEffect, useState } from 'react';
import { t } from '../../messages';
import type { AdminApi, AgentMcpStatus, ServerTest } from './adminApi';

interface Props {
  admin: AdminApi;
  pushError: (e: unknown) => void;
}

export function McpPanel({ admin, pushError }: Props) {
  const [agents, setAgents] = useState<AgentMcpStatus[]>([]);
  const [results, setResults] = useState<Record<string, ServerTest[]>>({});
  const [testing, setTesting] = useState<string | null>(null);

  useEffect(() => {
    admin.mcpAgents().then((r) => setAgents(r.items), pushError);
  }, [admin, pushError]);

  const test = async (agent: string) => {
    setTesting(agent);
    try {
      const r = await admin.mcpTest(agent);
      setResults((prev) => ({ ...prev, [agent]: r.servers }));
    } catch (e) {
      pushError(e);
    } finally {
      setTesting(null);
    }
  };

  return (
    <div className="admin-mcp">
      {agents.map((a) => (
        <article key={a.agent} className="admin-card" data-agent={a.agent}>
          <header>
            <h2>{a.title}</h2>
            <span className={a.active ? 'pill on' : 'pill'}>
              {a.active ? t('admin.mcp.active') : a.configured ? t('admin.mcp.inactive') : t('admin.mcp.none')}
            </span>
          </header>
          {a.configured && (
            <ul className="admin-servers">
              {a.servers.map((s) => (
                <li key={s.name}>
                  <strong>{s.name}</strong> <span className="muted">{s.transport === 'stdio' ? s.command : s.url}</span>
                </li>
              ))}
            </ul>
          )}
          {a.problems.map((p) => (
            <p key={p} className="form-error" lang="en">
              {p}
            </p>
          ))}
          <button type="button" className="btn small" disabled={!a.configured || testing !== null} onClick={() => void test(a.agent)}>
            {testing === a.agent ? t('admin.mcp.testing') : t('admin.mcp.test')}
          </button>
          {results[a.agent]?.map((s) => (
            <div key={s.name} className="admin-test" role="status">
              <p>
                {s.ok ? '✅' : '⚠️'} {t(s.ok ? 'admin.mcp.ok' : 'admin.mcp.failed', { name: s.name, ms: s.elapsed_ms })}
              </p>
              {s.tools.length > 0 && (
                <ul className="admin-tools" aria-label={t('admin.mcp.tools', { name: s.name })}>
                  {s.tools.map((tool) => (
                    <li key={tool.name}>
                      <code>{tool.name}</code> {!tool.allowed && <span className="muted">{t('admin.mcp.notAllowed')}</span>}
                    </li>
                  ))}
                </ul>
              )}
              {s.problems.map((p) => (
                <p key={p} className="form-error">
                  <code>{p}</code>
                </p>
              ))}
            </div>
          ))}
        </article>
      ))}
    </div>
  );
}

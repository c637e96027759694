import type { ConnectionStatus } from '../types';
import { t, type MessageKey } from '../messages';

const LABELS: Record<ConnectionStatus, MessageKey> = {
  idle: 'conn.idle',
  connecting: 'conn.connecting',
  open: 'conn.open',
  reconnecting: 'conn.reconnecting',
  closed: 'conn.closed',
};

export function ConnectionBadge({ status }: { status: ConnectionStatus | 'disabled' }) {
  const label = t(status === 'disabled' ? 'conn.disabled' : LABELS[status]);
  return (
    <span className={`conn conn-${status}`} role="status" title={label} data-status={status}>
      <span className="conn-dot" aria-hidden="true" />
      <span className="conn-label">{label}</span>
    </span>
  );
}

import type { ConnectionStatus } from '../types';

const LABELS: Record<ConnectionStatus, string> = {
  idle: '연결 대기',
  connecting: '연결 중…',
  open: '실시간 연결됨',
  reconnecting: '재연결 중…',
  closed: '연결 끊김',
};

export function ConnectionBadge({ status }: { status: ConnectionStatus | 'disabled' }) {
  const label = status === 'disabled' ? '실시간 연결 없음' : LABELS[status];
  return (
    <span className={`conn conn-${status}`} role="status" title={label} data-status={status}>
      <span className="conn-dot" aria-hidden="true" />
      <span className="conn-label">{label}</span>
    </span>
  );
}

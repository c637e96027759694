// The shares of one conversation (its owner's view): loaded on open, added, revoked.
import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '../api';
import { t } from '../messages';
import type { ConversationShare } from '../types';

export interface Shares {
  items: ConversationShare[] | null;
  add: (target: { empno: string } | { workspace_id: string }) => Promise<void>;
  revoke: (share: ConversationShare) => Promise<void>;
}

export function shareName(s: ConversationShare): string {
  return s.kind === 'person' ? (s.grantee_name ?? s.grantee_empno ?? '') : (s.workspace_title ?? '');
}

export function useShares(
  api: ApiClient,
  conversationId: string,
  notify: (m: string) => void,
  pushError: (e: unknown) => void,
): Shares {
  const [items, setItems] = useState<ConversationShare[] | null>(null);

  useEffect(() => {
    let live = true;
    api.listShares(conversationId).then(
      (found) => live && setItems(found),
      (e) => live && pushError(e),
    );
    return () => {
      live = false;
    };
  }, [api, conversationId, pushError]);

  const add = useCallback(
    async (target: { empno: string } | { workspace_id: string }) => {
      try {
        const made = await api.addShare(conversationId, target);
        setItems((now) => [...(now ?? []).filter((s) => s.id !== made.id), made]);
        notify(t('convs.shared', { name: shareName(made) }));
      } catch (e) {
        pushError(e);
      }
    },
    [api, conversationId, notify, pushError],
  );

  const revoke = useCallback(
    async (share: ConversationShare) => {
      try {
        await api.revokeShare(conversationId, share.id);
        setItems((now) => (now ?? []).filter((s) => s.id !== share.id));
        notify(t('convs.shareRevoked', { name: shareName(share) }));
      } catch (e) {
        pushError(e);
      }
    },
    [api, conversationId, notify, pushError],
  );

  return { items, add, revoke };
}

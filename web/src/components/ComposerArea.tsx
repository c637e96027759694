// The foot of the chat column: why a shared conversation takes no message, the composer, and
// the disclaimer under it.
import type { ComponentProps } from 'react';
import { t } from '../messages';
import type { Conversation } from '../types';
import { Composer } from './Composer';

interface Props extends ComponentProps<typeof Composer> {
  conversation: Conversation | undefined;
}

export function ComposerArea({ conversation, ...composer }: Props) {
  return (
    <div className="composer-wrap">
      {conversation?.shared && (
        <p className="read-only-note" role="note">
          {t(conversation.workspace_title ? 'conv.readOnly' : 'convs.readOnlyShared', {
            owner: conversation.owner_name ?? conversation.owner_empno ?? '',
          })}
        </p>
      )}
      <Composer {...composer} />
      <p className="disclaimer muted">{t('chat.disclaimer')}</p>
    </div>
  );
}

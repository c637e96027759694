// The session ended under the user (renewal failed or the token expired): say so, offer sign-in.
import { t } from '../messages';

export function SessionEndedBanner({ onSignIn }: { onSignIn: () => void }) {
  return (
    <div className="banner banner-error session-ended" role="alert" data-testid="session-ended">
      <span className="banner-text">{t('auth.sessionEnded')}</span>
      <button type="button" className="btn primary small" onClick={onSignIn}>
        {t('auth.signInAgain')}
      </button>
    </div>
  );
}

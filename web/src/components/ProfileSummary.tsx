// What the portal learned about the user from their questions (users.profile_data), shown in
// settings with a button that deletes it. Used in the agents' prompts only while collecting.
import { useEffect, useState } from 'react';
import type { ApiClient } from '../api';
import { t } from '../messages';

interface Profile {
  collecting: boolean;
  topics: string[];
  agents: string[];
  turns: number;
}

export function ProfileSummary({ api, pushError }: { api: ApiClient; pushError: (e: unknown) => void }) {
  const [profile, setProfile] = useState<Profile | null>(null);
  useEffect(() => {
    api.profile().then((p) => setProfile(p as Profile), pushError);
  }, [api, pushError]);
  if (!profile) return null;
  const remove = () => {
    api.deleteProfile().then(() => setProfile({ ...profile, topics: [], agents: [], turns: 0 }), pushError);
  };
  return (
    <div className="profile-summary" data-testid="profile-summary">
      {profile.topics.length > 0 ? (
        <p>
          {t('profile.topics')}: <span className="profile-topics">{profile.topics.join(', ')}</span>
        </p>
      ) : (
        <p className="muted">{t('profile.empty')}</p>
      )}
      {profile.topics.length > 0 && (
        <button type="button" className="btn small" data-testid="profile-delete" onClick={remove}>
          {t('profile.delete')}
        </button>
      )}
    </div>
  );
}

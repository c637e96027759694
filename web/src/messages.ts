// The one message catalog: every string a user reads comes from here (Korean first).
//
// The UI speaks Korean; `en` exists so a string's meaning is recorded next to it and so an
// English locale can be switched on (`localStorage['portal.lang'] = 'en'`) without code changes.

const ko = {
  'app.title': 'AI 포털',
  'app.loading': '불러오는 중…',
  'app.retry': '다시 시도',
  'config.failed': '설정(config.json)을 불러오지 못했습니다.',
  'config.noAuth': '로그인 설정(auth)이 없습니다. 관리자에게 문의해 주세요.',
  'auth.redirecting': '로그인 페이지로 이동하는 중…',
  'auth.signingOut': '로그아웃하는 중…',
  'auth.callbackFailed': '로그인을 완료하지 못했습니다.',
  'auth.signInAgain': '다시 로그인',
  'auth.signOut': '로그아웃',
  'auth.sessionEnded': '세션이 만료되었습니다. 다시 로그인해 주세요.',
} as const;

export type MessageKey = keyof typeof ko;

const en: Record<MessageKey, string> = {
  'app.title': 'AI Portal',
  'app.loading': 'Loading…',
  'app.retry': 'Try again',
  'config.failed': 'Could not load the configuration (config.json).',
  'config.noAuth': 'Sign-in is not configured (auth). Please contact your administrator.',
  'auth.redirecting': 'Going to the sign-in page…',
  'auth.signingOut': 'Signing out…',
  'auth.callbackFailed': 'Could not complete the sign-in.',
  'auth.signInAgain': 'Sign in again',
  'auth.signOut': 'Sign out',
  'auth.sessionEnded': 'Your session has expired. Please sign in again.',
};

export type Locale = 'ko' | 'en';

const catalogs: Record<Locale, Record<MessageKey, string>> = { ko, en };

function initialLocale(): Locale {
  try {
    return globalThis.localStorage?.getItem('portal.lang') === 'en' ? 'en' : 'ko';
  } catch {
    return 'ko';
  }
}

let locale: Locale = initialLocale();

export function setLocale(next: Locale): void {
  locale = next;
}

/** The message for `key` in the current locale. */
export function t(key: MessageKey): string {
  return catalogs[locale][key];
}

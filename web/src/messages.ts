import { josa, type Particle } from './josa';

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
  // Errors of the API by code (the server's message is the fallback for codes not listed).
  'error.bad_request': '요청을 처리할 수 없습니다. 입력 내용을 확인해 주세요.',
  'error.invalid_request': '입력 내용이 올바르지 않습니다.',
  'error.malformed_json': '요청 형식이 올바르지 않습니다.',
  'error.unauthorized': '인증이 필요합니다. 다시 로그인해 주세요.',
  'error.forbidden': '이 작업을 할 권한이 없습니다.',
  'error.agent_locked': '{agent} 에이전트는 권한이 있어야 쓸 수 있습니다. 관리자에게 권한을 요청해 주세요.',
  'error.not_found': '요청한 항목을 찾을 수 없습니다.',
  'error.conflict': '다른 변경과 충돌했습니다. 새로 고친 뒤 다시 시도해 주세요.',
  'error.stale_version': '다른 사람이 먼저 새 버전을 저장했습니다.',
  'error.payload_too_large': '내용이 너무 큽니다.',
  'error.too_large': '파일이 너무 큽니다.',
  'error.rate_limited': '요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.',
  'error.unsupported_type': '지원하지 않는 파일 형식입니다. PDF, Word, Excel, PowerPoint, 한글(HWP), 텍스트, 이미지 파일을 올려 주세요.',
  'error.quota_exceeded': '저장 공간이 가득 찼습니다. 필요 없는 파일을 지운 뒤 다시 올려 주세요.',
  'error.corrupt': '파일이 손상되어 읽을 수 없습니다.',
  'error.encrypted': '암호가 걸린 파일은 읽을 수 없습니다. 암호를 해제한 뒤 다시 올려 주세요.',
  'error.zip_bomb': '압축을 풀면 너무 커지는 파일이라 처리하지 않았습니다.',
  'error.empty': '빈 파일입니다.',
  'error.size_mismatch': '올린 파일의 크기가 등록한 크기와 다릅니다. 다시 올려 주세요.',
  'error.type_mismatch': '파일 내용이 확장자와 맞지 않습니다.',
  'error.timeout': '시간이 초과되었습니다. 다시 시도해 주세요.',
  'error.feature_disabled': '설정에서 꺼 둔 기능입니다. 설정에서 켠 뒤 다시 시도해 주세요.',
  'error.workspace_archived': '보관된 워크스페이스라 바꿀 수 없습니다.',
  'error.signin_not_allowed': '이 계정으로는 포털에 로그인할 수 없습니다.',
  'error.no_model_available': '지금 쓸 수 있는 모델이 없습니다. 관리자에게 문의해 주세요.',
  'error.unknown_model': '선택한 모델을 찾을 수 없습니다. 다른 모델을 골라 주세요.',
  'error.turn_failed': '응답을 만들지 못했습니다. 다시 시도해 주세요.',
  'error.not_joined': '워크스페이스에 아직 참여하지 않았습니다.',
  'error.too_many_workspaces': '동시에 열 수 있는 워크스페이스 수를 넘었습니다.',
  'error.not_configured': '이 기능은 아직 설정되지 않았습니다. 관리자에게 문의해 주세요.',
  'error.database_resuming': '데이터베이스를 깨우는 중입니다… 잠시 후 다시 시도해 주세요.',
  'error.internal_error': '서버에서 오류가 발생했습니다. 잠시 후 다시 시도해 주세요.',
  'error.server_error': '서버에서 오류가 발생했습니다. 잠시 후 다시 시도해 주세요.',
  'error.http': '요청이 실패했습니다 (HTTP {status}).',
  'error.gateway': '서버 게이트웨이 오류입니다. 잠시 후 다시 시도해 주세요.',
  'error.gateway_timeout': '서버 응답 시간이 초과되었습니다. 잠시 후 다시 시도해 주세요.',
  'error.network': '서버에 연결할 수 없습니다. 네트워크를 확인해 주세요.',
  'error.upload_failed': '파일을 올리지 못했습니다. 다시 시도해 주세요.',
  'error.join_refused': '워크스페이스에 참여할 수 없습니다. ({reason})',
  'error.turn': '응답 생성 중 오류가 발생했습니다.',
  // budgets branch: budgets in money (the server's Korean message names whose budget and its limit)
  'error.budget_exceeded': '이번 달 사용 예산을 모두 사용해 더 이상 답변할 수 없습니다. 관리자에게 예산 증액을 요청해 주세요.',
  'error.budget_warning': '이번 달 사용 예산의 대부분을 사용했습니다.',
  'error.realtime': '실시간 처리 중 오류가 발생했습니다.',
  // Chat
  'chat.agentSet': '에이전트를 {agent|으로/로} 설정했습니다.',
  'chat.disclaimer': 'AI 응답은 부정확할 수 있습니다. 중요한 내용은 확인해 주세요.',
  'chat.newChat': '새 대화',
  'chat.conversation': '대화',
  'chat.openList': '대화 목록 열기',
  'chat.myFiles': '내 파일',
  // Why this agent (plain Korean, from route.decided_by / confidence)
  'route.why': '왜 이 에이전트?',
  'route.toggle': '입력창에서 켠 {agent} 기능으로 답했습니다.',
  'route.explicit': '직접 고른 {agent} 에이전트가 답했습니다.',
  'route.classifier': '질문에 담긴 단어를 보고 {agent} 에이전트를 골랐습니다.',
  'route.llm': 'AI가 질문의 뜻을 살펴 {agent} 에이전트를 골랐습니다.',
  'route.fallback': '딱 맞는 전문 에이전트가 없어 {agent} 에이전트가 답했습니다.',
  'route.confidence': '확신도 {pct}%',
  'route.adminReason': '관리자용 상세: {reason}',
  // Models
  'model.choose': '모델 선택',
  'model.offline': '오프라인 (연결된 모델 없음)',
  'model.default': '기본',
  'model.image': '이미지',
  'model.auto': '자동 (추천 모델)',
  'model.tier.low': '비용 낮음',
  'model.tier.medium': '비용 보통',
  'model.tier.high': '비용 높음',
  'model.context': '컨텍스트 {n}',
  'model.unavailable.provider_not_configured': '이 포털에 {provider} 연결이 설정되지 않아 쓸 수 없습니다.',
  'model.unavailable': '지금은 쓸 수 없습니다.',
  // Agents
  'agent.auto': '에이전트: 자동',
  'agent.locked': '{agent} (잠김)',
  'agent.lockedHint': '잠긴 에이전트는 관리자에게 권한을 요청하면 쓸 수 있습니다.',
  'agent.switchedOff': '{agent} (설정에서 꺼짐)',
  'agent.notConfigured': '{agent} (준비 중)',
  // Settings
  'settings.open': '설정',
  'settings.title': '설정',
  'settings.close': '닫기',
  'settings.profile': '내 정보',
  'settings.name': '이름',
  'settings.empno': '사번',
  'settings.company': '회사',
  'settings.department': '부서',
  'settings.role': '권한',
  'settings.roleAdmin': '관리자',
  'settings.roleUser': '일반 사용자',
  'settings.features': '기능',
  'settings.feature.enable_web_search': '웹 검색',
  'settings.feature.enable_deep_research': '심층 리서치',
  'settings.feature.enable_canvas_mode': 'Canvas (문서 함께 쓰기)',
  'settings.feature.enable_file_processing': '내 파일 검색',
  'settings.model': '기본 모델',
  'settings.priority': '모델을 고를 때 우선할 점',
  'settings.priority.balanced': '균형',
  'settings.priority.quality': '품질',
  'settings.priority.speed': '속도',
  'settings.priority.cost': '비용',
  'settings.privacy': '개인화',
  'settings.profileCollection': '대화에서 관심 분야를 기억해 답변을 맞춤화합니다',
  'settings.theme': '화면 테마',
  'settings.theme.system': '시스템 설정',
  'settings.theme.light': '밝게',
  'settings.theme.dark': '어둡게',
  'settings.agents': '에이전트 권한',
  'settings.agentUsable': '사용 가능',
  'settings.agentLocked': '잠김 — 관리자에게 권한을 요청하세요',
  'settings.agentSwitchedOff': '설정에서 꺼짐',
  'settings.agentNotConfigured': '관리자가 아직 연결하지 않음',
  'settings.saved': '설정을 저장했습니다.',
  'files.failed': '파일을 처리하지 못했습니다. 파일이 손상되었거나 지원하지 않는 형식일 수 있습니다.',
  'files.noText': '파일에서 읽을 수 있는 글자를 찾지 못했습니다.',
  // Workspace members
  'members.title': '멤버',
  'members.owner': '소유자',
  'members.role.editor': '편집자',
  'members.role.viewer': '보기 전용',
  'members.invite': '초대',
  'members.search': '이름이나 사번으로 동료 찾기',
  'members.noMatch': '찾는 동료가 없습니다. 포털에 한 번 로그인한 동료만 찾을 수 있습니다.',
  'members.remove': '{name} 내보내기',
  'members.roleOf': '{name}의 권한',
  'members.invited': '{name|을/를} 초대했습니다.',
  'members.removed': '{name|을/를} 내보냈습니다.',
  'members.joinedWorkspace': '{title} 워크스페이스에 초대되었습니다.',
  'members.leftWorkspace': '워크스페이스에서 빠졌습니다.',
  'conv.sharedBy': '{workspace} · {owner}님',
  'conv.sharedNew': '{owner}님이 {workspace}에 새 대화를 시작했습니다.',
  'conv.readOnly': '{owner}님의 대화입니다. 워크스페이스 멤버는 읽을 수 있고, 새 대화는 직접 시작할 수 있습니다.',
  // Artifacts
  'artifact.savedBy': '{name}님이 {version|을/를} 저장했습니다.',
  'artifact.version': '버전 {n}',
  'artifact.saved': '{version|을/를} 저장했습니다.',
  'artifact.rename': '이름 바꾸기',
  'artifact.titleLabel': '문서 이름',
  'artifact.renamed': '이름을 {title|으로/로} 바꿨습니다.',
  'artifact.view': '{version} 보기',
  'artifact.viewing': '{version} (이전 버전)',
  'artifact.compare': '현재 버전과 비교',
  'artifact.hideCompare': '비교 닫기',
  'artifact.restore': '이 버전으로 복원',
  'artifact.restored': '{old}의 내용으로 {new|을/를} 만들었습니다.',
  'artifact.closeVersion': '버전 닫기',
  'artifact.conflict': '다른 사용자가 {theirs|을/를} 먼저 저장했습니다 (내 편집은 {mine} 기준). 현재 버전의 내용:',
  'artifact.diffLegend': '빨간 줄은 이 버전에만, 초록 줄은 현재 버전에만 있습니다.',
  'artifact.wide': '넓게 보기',
  'artifact.narrow': '좁게 보기',
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
  'error.bad_request': 'The request could not be processed. Please check what you entered.',
  'error.invalid_request': 'What you entered is not valid.',
  'error.malformed_json': 'The request is malformed.',
  'error.unauthorized': 'Please sign in again.',
  'error.forbidden': 'You do not have permission to do this.',
  'error.agent_locked': 'The {agent} agent needs a grant. Ask an administrator for access.',
  'error.not_found': 'The item was not found.',
  'error.conflict': 'This conflicts with another change. Reload and try again.',
  'error.stale_version': 'Someone saved a newer version first.',
  'error.payload_too_large': 'The content is too large.',
  'error.too_large': 'The file is too large.',
  'error.rate_limited': 'Too many requests. Please try again shortly.',
  'error.unsupported_type': 'This file type cannot be uploaded. Upload PDF, Word, Excel, PowerPoint, HWP, text or image files.',
  'error.quota_exceeded': 'Your storage is full. Delete files you no longer need and upload again.',
  'error.corrupt': 'The file is damaged and cannot be read.',
  'error.encrypted': 'Password-protected files cannot be read. Remove the password and upload again.',
  'error.zip_bomb': 'The file expands to too much data and was not processed.',
  'error.empty': 'The file is empty.',
  'error.size_mismatch': 'The uploaded file size differs from the registered one. Upload again.',
  'error.type_mismatch': 'The file content does not match its extension.',
  'error.timeout': 'It took too long. Please try again.',
  'error.feature_disabled': 'You turned this feature off in settings. Turn it on and try again.',
  'error.workspace_archived': 'This workspace is archived and cannot be changed.',
  'error.signin_not_allowed': 'This account cannot sign in to the portal.',
  'error.no_model_available': 'No model is available right now. Please contact your administrator.',
  'error.unknown_model': 'The chosen model was not found. Pick another model.',
  'error.turn_failed': 'The answer could not be produced. Please try again.',
  'error.not_joined': 'You have not joined the workspace yet.',
  'error.too_many_workspaces': 'Too many workspaces are open at once.',
  'error.not_configured': 'This feature is not set up yet. Please contact your administrator.',
  'error.database_resuming': 'The database is waking up… please try again shortly.',
  'error.internal_error': 'A server error occurred. Please try again shortly.',
  'error.server_error': 'A server error occurred. Please try again shortly.',
  'error.http': 'The request failed (HTTP {status}).',
  'error.gateway': 'Server gateway error. Please try again shortly.',
  'error.gateway_timeout': 'The server took too long to answer. Please try again shortly.',
  'error.network': 'Cannot reach the server. Check your network.',
  'error.upload_failed': 'The file could not be uploaded. Please try again.',
  'error.join_refused': 'Cannot join the workspace. ({reason})',
  'error.turn': 'An error occurred while answering.',
  // budgets branch: budgets in money
  'error.budget_exceeded': 'This month\'s budget is used up, so no more answers can be made. Ask an administrator to raise it.',
  'error.budget_warning': 'Most of this month\'s budget is used.',
  'error.realtime': 'A real-time error occurred.',
  'chat.agentSet': 'Agent set to {agent}.',
  'chat.disclaimer': 'AI answers can be wrong. Check anything important.',
  'chat.newChat': 'New chat',
  'chat.conversation': 'Chat',
  'chat.openList': 'Open the chat list',
  'chat.myFiles': 'My files',
  'route.why': 'Why this agent?',
  'route.toggle': 'Answered by the {agent} feature you switched on.',
  'route.explicit': 'Answered by the {agent} agent you picked.',
  'route.classifier': 'The {agent} agent was chosen from words in your question.',
  'route.llm': 'The AI read your question and chose the {agent} agent.',
  'route.fallback': 'No specialist agent fitted, so the {agent} agent answered.',
  'route.confidence': 'confidence {pct}%',
  'route.adminReason': 'Admin detail: {reason}',
  'model.choose': 'Choose a model',
  'model.offline': 'Offline (no model connected)',
  'model.default': 'default',
  'model.image': 'images',
  'model.auto': 'Automatic (recommended)',
  'model.tier.low': 'low cost',
  'model.tier.medium': 'medium cost',
  'model.tier.high': 'high cost',
  'model.context': '{n} context',
  'model.unavailable.provider_not_configured': '{provider} is not connected to this portal.',
  'model.unavailable': 'Not available right now.',
  'agent.auto': 'Agent: automatic',
  'agent.locked': '{agent} (locked)',
  'agent.lockedHint': 'Ask an administrator for access to a locked agent.',
  'agent.switchedOff': '{agent} (off in settings)',
  'agent.notConfigured': '{agent} (not set up yet)',
  'settings.open': 'Settings',
  'settings.title': 'Settings',
  'settings.close': 'Close',
  'settings.profile': 'Profile',
  'settings.name': 'Name',
  'settings.empno': 'Employee number',
  'settings.company': 'Company',
  'settings.department': 'Department',
  'settings.role': 'Role',
  'settings.roleAdmin': 'Administrator',
  'settings.roleUser': 'User',
  'settings.features': 'Features',
  'settings.feature.enable_web_search': 'Web search',
  'settings.feature.enable_deep_research': 'Deep research',
  'settings.feature.enable_canvas_mode': 'Canvas (write documents together)',
  'settings.feature.enable_file_processing': 'Search my files',
  'settings.model': 'Default model',
  'settings.priority': 'When choosing a model, prefer',
  'settings.priority.balanced': 'Balance',
  'settings.priority.quality': 'Quality',
  'settings.priority.speed': 'Speed',
  'settings.priority.cost': 'Cost',
  'settings.privacy': 'Personalisation',
  'settings.profileCollection': 'Remember my interests from chats to tailor answers',
  'settings.theme': 'Theme',
  'settings.theme.system': 'System',
  'settings.theme.light': 'Light',
  'settings.theme.dark': 'Dark',
  'settings.agents': 'Agent access',
  'settings.agentUsable': 'Available',
  'settings.agentLocked': 'Locked — ask an administrator for access',
  'settings.agentSwitchedOff': 'Off in settings',
  'settings.agentNotConfigured': 'Not connected by an administrator yet',
  'settings.saved': 'Settings saved.',
  'files.failed': 'The file could not be processed. It may be damaged or of an unsupported type.',
  'files.noText': 'No readable text was found in the file.',
  'members.title': 'Members',
  'members.owner': 'Owner',
  'members.role.editor': 'Editor',
  'members.role.viewer': 'Viewer',
  'members.invite': 'Invite',
  'members.search': 'Find a colleague by name or employee number',
  'members.noMatch': 'No colleague found. Only colleagues who signed in once can be found.',
  'members.remove': 'Remove {name}',
  'members.roleOf': 'Role of {name}',
  'members.invited': 'Invited {name}.',
  'members.removed': 'Removed {name}.',
  'members.joinedWorkspace': 'You were invited to the workspace {title}.',
  'members.leftWorkspace': 'You were removed from a workspace.',
  'conv.sharedBy': '{workspace} · {owner}',
  'conv.sharedNew': '{owner} started a new chat in {workspace}.',
  'conv.readOnly': 'This chat belongs to {owner}. Workspace members can read it and start their own.',
  'artifact.savedBy': '{name} saved {version}.',
  'artifact.version': 'version {n}',
  'artifact.saved': 'Saved {version}.',
  'artifact.rename': 'Rename',
  'artifact.titleLabel': 'Document name',
  'artifact.renamed': 'Renamed to {title}.',
  'artifact.view': 'View {version}',
  'artifact.viewing': '{version} (earlier version)',
  'artifact.compare': 'Compare with the current version',
  'artifact.hideCompare': 'Hide comparison',
  'artifact.restore': 'Restore this version',
  'artifact.restored': 'Made {new} from the content of {old}.',
  'artifact.closeVersion': 'Close version',
  'artifact.conflict': 'Someone saved {theirs} first (your edit is based on {mine}). The current content:',
  'artifact.diffLegend': 'Red lines are only in this version, green lines only in the current one.',
  'artifact.wide': 'Wide view',
  'artifact.narrow': 'Narrow view',
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

export function currentLocale(): Locale {
  return locale;
}

export type Vars = Record<string, string | number>;

/**
 * The message for `key` in the current locale. `{name}` takes `vars.name`; in Korean,
 * `{name|을/를}` also adds the particle that fits the value's final consonant.
 */
export function t(key: MessageKey, vars: Vars = {}): string {
  return catalogs[locale][key].replace(/\{(\w+)(?:\|([^}]+))?\}/g, (whole, name: string, pair?: string) => {
    if (!(name in vars)) return whole;
    const value = String(vars[name]);
    return pair && locale === 'ko' ? josa(value, pair as Particle) : value;
  });
}

export function hasKey(key: string): key is MessageKey {
  return key in ko;
}

const HANGUL = /[\uac00-\ud7a3]/;

/** Codes that name only a class of error: the server's own words, when readable, are better. */
const GENERIC_CODES = new Set([
  'bad_request',
  'invalid_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'too_large',
  'rate_limited',
  'database_resuming',
  'budget_exceeded', // budgets branch: the server's message names whose budget and its limit
]);

/**
 * What to tell the user about an API error: the catalog's text for its code; else the
 * server's own message when it is in the user's language; else a text by HTTP status.
 */
export function errorText(code: string, status: number, serverMessage: string, vars: Vars = {}): string {
  const key = `error.${code}`;
  // A Korean server message says more than a generic code ("대화를 찾을 수 없습니다." vs not_found).
  const serverSpeaksUserLanguage = !!serverMessage && (locale === 'ko' ? HANGUL.test(serverMessage) : !HANGUL.test(serverMessage));
  if (hasKey(key) && !(GENERIC_CODES.has(code) && serverSpeaksUserLanguage)) return t(key, vars);
  if (serverSpeaksUserLanguage) return serverMessage;
  const byStatus: Record<number, MessageKey> = {
    400: 'error.bad_request',
    401: 'error.unauthorized',
    403: 'error.forbidden',
    404: 'error.not_found',
    409: 'error.conflict',
    413: 'error.payload_too_large',
    502: 'error.gateway',
    504: 'error.gateway_timeout',
    415: 'error.unsupported_type',
    422: 'error.invalid_request',
    429: 'error.rate_limited',
  };
  const k = byStatus[status] ?? (status >= 500 ? 'error.server_error' : null);
  if (k) return t(k);
  return status ? t('error.http', { status }) : '';
}

"""What a user reads when sign-in fails (Korean first: the portal's users are Korean)."""

from __future__ import annotations

MISSING_TOKEN = "로그인이 필요합니다. (Missing bearer token)"
EXPIRED = "로그인이 만료되었습니다. 다시 로그인해 주세요. (Token expired)"
INVALID = "유효하지 않은 로그인 정보입니다. 다시 로그인해 주세요. (Invalid token)"
NO_EMPNO = "로그인 정보에 사번이 없습니다. 관리자에게 문의해 주세요. (Token lacks the employee-number claim)"
IDP_UNREACHABLE = (
    "로그인 서버에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요. (Identity provider unreachable)"
)
NOT_ALLOWED = (
    "이 포털을 사용할 수 없는 계정입니다. 관리자에게 문의해 주세요. (Sign-in not allowed for this account)"
)
SOCKET_EMPNO_CHANGED = (
    "다른 사용자로 다시 로그인할 수 없습니다. 새로 연결해 주세요. (Re-auth must keep the same user)"
)

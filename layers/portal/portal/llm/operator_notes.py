"""What a user is told when no language model is connected: operator detail for admins only.

Employees cannot set environment variables or secrets, so they are told to ask an
administrator; admins get the exact keys and settings. Used by the offline provider and by
every graph that answers without a model.
"""

from __future__ import annotations

CONNECT_MODEL_ADMIN_KO = (
    "실제 모델을 연결하려면 ANTHROPIC_API_KEY 또는 GOOGLE_API_KEY 환경 변수를 설정하거나, "
    "AWS에서는 PORTAL_USE_BEDROCK=true로 Bedrock의 Claude를 IAM 권한으로 사용하세요. "
    "설정 후 포털을 다시 시작(또는 배포)하면 모델이 답합니다."
)
CONNECT_MODEL_ADMIN_EN = (
    "To connect a real model, set ANTHROPIC_API_KEY or GOOGLE_API_KEY, or in AWS set "
    "PORTAL_USE_BEDROCK=true to use Claude on Bedrock with the function's IAM role. "
    "Then restart or redeploy the portal."
)
CONNECT_MODEL_USER_KO = (
    "AI 모델이 아직 연결되지 않았습니다. AI 답변이 필요하시면 포털 관리자에게 문의해 주세요."
)
CONNECT_MODEL_USER_EN = (
    "No AI model is connected to the portal yet. Please ask your portal administrator if you need AI answers."
)


def connect_model_note(*, korean: bool, admin: bool) -> str:
    """How to get a real model: the settings (admins) or whom to ask (everyone else)."""
    if admin:
        return CONNECT_MODEL_ADMIN_KO if korean else CONNECT_MODEL_ADMIN_EN
    return CONNECT_MODEL_USER_KO if korean else CONNECT_MODEL_USER_EN

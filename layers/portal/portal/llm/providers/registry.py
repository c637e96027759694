"""Which providers this deployment has, built from settings without importing any SDK."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal.llm.base import ChatModel
from portal.llm.providers.anthropic_provider import AnthropicProvider
from portal.llm.providers.gemini_provider import GeminiProvider
from portal.llm.providers.offline import OfflineProvider
from portal.settings.model import reveal

if TYPE_CHECKING:
    from portal.settings.model import Settings


def build_providers(settings: Settings) -> dict[str, ChatModel]:
    """Providers keyed by catalog provider name; "offline" is always present as the last resort."""
    providers: dict[str, ChatModel] = {}
    if settings.use_bedrock or settings.anthropic_api_key:
        # use_bedrock wins when both are set: in AWS the IAM role is the intended credential.
        providers["anthropic"] = AnthropicProvider(
            api_key=None if settings.use_bedrock else reveal(settings.anthropic_api_key),
            use_bedrock=settings.use_bedrock,
            aws_region=settings.region,
        )
    if settings.google_api_key:
        providers["google"] = GeminiProvider(api_key=reveal(settings.google_api_key))
    providers["offline"] = OfflineProvider()
    return providers

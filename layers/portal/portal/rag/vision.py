"""Reading images with Gemini: captions and text of uploaded images, OCR of scanned PDF pages."""

from __future__ import annotations

from dataclasses import dataclass

from portal.llm.base import ChatMessage, ChatModel, ModelRequest, ProviderError, collect
from portal.llm.catalog import CatalogModel
from portal.llm.parts import ImagePart
from portal.observability import logger

SCANNED_PAGE_PROMPT = (
    "This is a scanned page of a document. Transcribe all of its text exactly, in reading order and in "
    "its original language (keep Korean as Korean). Render tables as lines with ' | ' between cells. "
    "Output only the transcription, nothing else. If the page has no text, output nothing."
)
IMAGE_PROMPT = (
    "Describe this image for a search index. First write one or two sentences saying what it shows, "
    "then transcribe every piece of text visible in it exactly (keep Korean as Korean). "
    "Write in Korean if the image contains Korean text, otherwise in English. Output only that."
)
SUPPORTED_MEDIA = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


@dataclass
class ModelVision:
    """A multimodal chat model used to read images (one call per image)."""

    model: ChatModel
    catalog_model: CatalogModel
    failures: int = 0  # calls that failed (the file's note says how many pages went unread)

    def read_image(self, data: bytes, media_type: str, *, scanned_page: bool) -> str:
        """The image's caption and text, or "" when the model cannot read it."""
        if media_type not in SUPPORTED_MEDIA:
            return ""
        from portal.llm.service import provider_model_id

        request = ModelRequest(
            model_id=provider_model_id(self.catalog_model),
            messages=(
                ChatMessage(
                    role="user",
                    content=SCANNED_PAGE_PROMPT if scanned_page else IMAGE_PROMPT,
                    images=(ImagePart(media_type=media_type, data=data),),
                ),
            ),
            max_tokens=4096,
            temperature=0.0,
        )
        try:
            return collect(self.model, request).text.strip()
        except ProviderError as exc:
            # One unreadable image must not fail the document; the note reports it.
            self.failures += 1
            logger.warning("the multimodal model could not read an image", extra={"error": str(exc)})
            return ""


def configured_vision() -> ModelVision | None:
    """Gemini when a Google key is configured, else None (images then get a "no text" status)."""
    from portal.llm.model_choice import Priority, TaskType, choose_models
    from portal.llm.service import providers

    available = providers()
    if "google" not in available:
        return None
    chain = choose_models(
        TaskType.MULTIMODAL, configured_providers={"google"}, has_images=True, priority=Priority.COST
    )
    best = next((m for m in chain if m.provider == "google" and m.supports_images), None)
    return ModelVision(available["google"], best) if best else None

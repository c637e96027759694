"""What each artifact type's content looks like, checked before anything is stored."""

from __future__ import annotations

import json
from typing import Any

from portal import shape
from portal.errors import BadRequest, PayloadTooLarge

# The RDS Data API returns at most 1 MiB per call; a version must fit with room to spare.
MAX_CONTENT_BYTES = 512 * 1024

_IMAGE_SOURCES = ("url", "file_id", "svg")


def validate_content(artifact_type: str, content: Any) -> None:
    """Raise a clear 4xx when content does not suit the artifact type or is too large.

    document, code: text (a JSON string: Markdown or source code);
    chart: an object (a chart spec, e.g. Vega-Lite); data: an object or array (tables, series);
    image: an object with ``url`` (http/https), ``file_id`` (an upload) or ``svg``.
    """
    if content is None:
        raise BadRequest("content is required")
    # The canvas worker stores model output here too, not only REST bodies the guard has seen.
    shape.check_value(content, what="content")
    size = len(json.dumps(content, ensure_ascii=False).encode())
    if size > MAX_CONTENT_BYTES:
        raise PayloadTooLarge(f"Artifact content is {size} bytes; the limit is {MAX_CONTENT_BYTES}")
    if artifact_type in ("document", "code"):
        if not isinstance(content, str):
            raise BadRequest(f"A {artifact_type} artifact's content is text (a JSON string)")
    elif artifact_type == "chart":
        if not isinstance(content, dict):
            raise BadRequest("A chart artifact's content is a JSON object (the chart spec)")
    elif artifact_type == "data":
        if not isinstance(content, dict | list):
            raise BadRequest("A data artifact's content is a JSON object or array")
    elif artifact_type == "image":
        if not isinstance(content, dict) or not any(isinstance(content.get(k), str) for k in _IMAGE_SOURCES):
            raise BadRequest("An image artifact's content is an object with url, file_id or svg")
        url = content.get("url")
        # The UI renders the URL as an image source: refuse javascript:, data: and the like.
        if isinstance(url, str) and not url.lower().startswith(("https://", "http://")):
            raise BadRequest("An image url must be http(s)")
    else:
        raise BadRequest(f"Unknown artifact type {artifact_type!r}")

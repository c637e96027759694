"""One guard for the shape of user-supplied JSON and text: nesting depth, size and NUL characters.

Why each limit:
- depth: Python's json, pydantic and our own serialisers recurse; a body nested a few thousand
  levels deep raises RecursionError (500), and one stored ~900 deep broke every later read of
  the list it sits in. Nothing the portal stores needs more than a few levels.
- NUL: PostgreSQL text and jsonb cannot hold U+0000 (UntranslatableCharacter, a 500); it is
  never meaningful in what users type, so it is refused rather than silently stripped.
- size: the REST body and the WebSocket frame are bounded by their callers (one number each).

The raw text is scanned for depth *before* parsing, so the parser itself never recurses deeply.
REST bodies go through :class:`portal.api.shape_guard.ShapeGuard`, WebSocket frames through
:func:`loads`, and services that store model output call :func:`check_value`.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

from portal.errors import PortalError

MAX_DEPTH = 32
NUL = "\x00"

# A JSON string literal (with escapes): its brackets are text, not structure.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class ShapeRejected(PortalError):
    """User-supplied JSON or text the portal will not store (422, nothing changes)."""

    status_code = 422
    code = "invalid_shape"


def raw_depth(text: str) -> int:
    """The deepest nesting of brackets outside string literals, without parsing (no recursion)."""
    structure = _STRING.sub("", text)
    steps = (_STEP[m.group()] for m in _BRACKET.finditer(structure))
    return max(accumulate(steps, initial=0))


def check_text(value: str, *, what: str = "text") -> str:
    """Refuse NUL characters in a text field; the value unchanged otherwise."""
    if NUL in value:
        raise ShapeRejected(f"{what}에 NUL 문자(\\u0000)를 넣을 수 없습니다.", field=what)
    return value


def check_value(value: Any, *, max_depth: int = MAX_DEPTH, what: str = "JSON") -> Any:
    """Refuse a parsed value nested deeper than ``max_depth`` or holding NUL in a string or key.

    Iterative (an explicit stack), so it is safe on whatever a caller hands it.
    """
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            check_text(item, what=what)
        elif isinstance(item, dict | list):
            if depth >= max_depth:
                raise _too_deep(what, max_depth)
            if isinstance(item, dict):
                for key, child in item.items():
                    if isinstance(key, str):
                        check_text(key, what=what)
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in item)
    return value


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH, what: str = "JSON") -> Any:
    """Parse JSON whose depth is checked first and whose strings hold no NUL.

    ValueError (json's) for text that is not JSON; ShapeRejected for JSON of a refused shape.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8")  # UnicodeDecodeError is a ValueError: not JSON
    if raw_depth(text) > max_depth:
        raise _too_deep(what, max_depth)
    return check_value(json.loads(text), max_depth=max_depth, what=what)


def _too_deep(what: str, max_depth: int) -> ShapeRejected:
    return ShapeRejected(f"{what}의 중첩 깊이는 최대 {max_depth}단계입니다.", field=what, max_depth=max_depth)

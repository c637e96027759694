"""FastAPI's pydantic.v1 check, answered without importing pydantic.v1 while no code has.

FastAPI no longer supports pydantic.v1 models, and to reject one it asks, for every route's
models and for objects its encoder does not know, whether they are v1 models. The check imports
`pydantic.v1` to find out: the whole v1 package, ~14 ms of the API's first request here from
warm bytecode, 44 ms measured in Lambda (whose layers ship no bytecode) in fastapi/fastapi#16374,
which proposed this and was closed unmerged. A v1 model cannot exist unless `pydantic.v1` has
been imported, so until it has, the answer is "no" without the import; once it has, FastAPI's
own check answers. The portal has no v1 model.

tests/unit/test_cold_start.py checks that the API's first request leaves pydantic.v1 unloaded
and that a v1 model is still refused; if a FastAPI upgrade moves the check, nothing is wrapped
and that test says so.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

_WRAPPED = "__portal_v1_loaded_only__"


def _only_if_v1_loaded(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    def answer(value: Any) -> bool:
        return "pydantic.v1" in sys.modules and check(value)

    setattr(answer, _WRAPPED, True)
    return answer


def skip_until_v1_loaded() -> bool:
    """Wrap FastAPI's v1 checks (once per process); False when this FastAPI has none to wrap."""
    from fastapi import encoders
    from fastapi._compat import shared

    names = ("is_pydantic_v1_model_class", "is_pydantic_v1_model_instance")
    if not all(callable(getattr(shared, name, None)) for name in names):
        return False
    if not getattr(shared.is_pydantic_v1_model_class, _WRAPPED, False):
        # annotation_is_pydantic_v1 calls the class check through the module's globals; the
        # encoder imported the instance check by name.
        for name in names:
            setattr(shared, name, _only_if_v1_loaded(getattr(shared, name)))
        if hasattr(encoders, names[1]):
            setattr(encoders, names[1], getattr(shared, names[1]))
    return True

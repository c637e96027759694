"""How a Lambda handler module imports: with the cyclic garbage collector paused, then frozen.

What a handler imports and builds at init (modules, classes, settings, clients) lives as long as
its container, yet CPython's collector keeps walking it: on Python 3.11 the import of a research
step crosses the first full collection, a pass over ~50,000 objects that cost 15-40 ms of the
cold start here, and every later full collection, during requests, walks them again. So each
handler in functions/ does its imports inside `handler_imports()`: the collector is paused while
they run (import creates next to no cyclic garbage), then `gc.freeze()` moves everything they
made into the permanent generation, which no collection visits, and the collector resumes for
the requests. `portal bench coldstart` measures the floors' libraries the same way.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def handler_imports() -> Iterator[None]:
    """Pause the cyclic collector for a handler's imports, then freeze what they made."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()

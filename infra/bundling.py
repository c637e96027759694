"""Lambda layers built on this machine, without Docker, reproducibly, from the hashed lock.

Dependencies come from requirements/runtime.txt (the lock `make install` uses too), installed
with pip for the Lambda platform (`pip install --require-hashes --no-deps --platform manylinux…
--only-binary=:all: --target …/python`), so only the locked wheels are used, nothing compiles
here and nothing is resolved at synth time. The lock is universal, so its environment markers
are evaluated here for Lambda (Python 3.14, aarch64), not for the interpreter running pip.

Everything is installed once, then split into the dependency layers of infra.functions.Layer:
each layer carries its packages of pyproject.toml (LAYER_PACKAGES) and what they need (read from
the wheels' own Requires-Dist), unless an earlier layer already has it. boto3/botocore come with
the runtime and are pruned; a few declared dependencies the portal never imports are omitted
(OMITTED). Plus the `portal` source layer (layers/portal/portal -> python/portal, without the
local target).

Two builds of the same commit are byte-identical: no .pyc, no installer records, fixed file
times and modes (tests/infra/test_reproducible_layers.py). Built layers are cached in
infra/.build/ under a hash of their inputs, which is also their CDK asset hash.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement

from infra.functions import REPO_ROOT, Layer

# The Lambda runtime these layers are built for (PortalFunction uses the same).
PYTHON_VERSION = "3.14"
# Lambda's Python 3.14 runs on Amazon Linux 2023 (glibc 2.34): manylinux wheels up to 2_34 load.
PLATFORMS = ("manylinux2014_aarch64", "manylinux_2_28_aarch64", "manylinux_2_34_aarch64")
# The values of PEP 508 markers in that runtime, for the universal lock and Requires-Dist.
LAMBDA_ENVIRONMENT = {
    "implementation_name": "cpython",
    "implementation_version": f"{PYTHON_VERSION}.0",
    "os_name": "posix",
    "platform_machine": "aarch64",
    "platform_python_implementation": "CPython",
    "platform_release": "",
    "platform_system": "Linux",
    "platform_version": "",
    "python_full_version": f"{PYTHON_VERSION}.0",
    "python_version": PYTHON_VERSION,
    "sys_platform": "linux",
}
LOCK_FILE = REPO_ROOT / "requirements" / "runtime.txt"
PYPROJECT = REPO_ROOT / "pyproject.toml"
# In the runtime already (and s3transfer only serves boto3); shipping them again costs ~35 MB.
PRUNED = frozenset({"boto3", "botocore", "s3transfer"})
# Declared dependencies that no code path of the portal imports, left out (tests/infra/
# test_layer_imports.py imports every handler without them).
OMITTED: dict[str, str] = {
    "zstandard": "optional compression of langsmith and httpx, which fall back without it (20 MB)",
    "grpcio": "opensearch-py's gRPC transport; the portal uses its HTTP client (17 MB)",
    "opensearch-protobufs": "opensearch-py's gRPC messages (see grpcio)",
    "protobuf": "only for opensearch-protobufs (see grpcio)",
    # Command lines and a server nothing deployed runs, which cost cold starts when present: httpx
    # imports its own command line whenever click is installed (then fails without rich), and
    # mcp's SSE module imports uvicorn to patch its shutdown (both guarded, ~25 ms each, #14).
    "click": "the command lines of uvicorn and httpx; no deployed code runs one",
    "uvicorn": "an ASGI server (mcp's servers); the portal's functions only call MCP servers",
}
# The packages of pyproject.toml's dependencies each layer carries; their dependencies follow.
LAYER_PACKAGES: dict[Layer, frozenset[str]] = {
    Layer.CORE: frozenset(
        {
            "aws-lambda-powertools",
            "pydantic",
            "pydantic-settings",
            "fastapi",
            "mangum",
            "pyjwt",
            "cachetools",
            "httpx",
            # The vector index client: the API removes a file's chunks, ingest and RAG use it.
            "opensearch-py",
        }
    ),
    Layer.MODELS: frozenset({"anthropic", "google-genai"}),
    Layer.AGENTS: frozenset({"langgraph", "mcp"}),
    Layer.PDF: frozenset({"pypdf"}),
    Layer.OFFICE: frozenset({"python-docx", "python-pptx", "openpyxl"}),
}
# Parts of the portal package that must never ship to Lambda.
PORTAL_EXCLUDED_DIRS = frozenset({"local", "cli", "__pycache__"})  # local-only code
# Installer records that say how a wheel was installed, not what it is; nothing in Lambda reads
# them, and RECORD hashes the console scripts whose first line names the building machine's Python.
INSTALLER_FILES = frozenset({"INSTALLER", "REQUESTED", "direct_url.json", "RECORD"})
# Every file and folder of a layer gets this time (1980-01-01, the earliest a zip can hold).
FIXED_MTIME = 315532800
# Bump when the way layers are built changes, so cached builds are not reused.
BUILDER_VERSION = "3"
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024

CACHE_DIR = Path(__file__).resolve().parent / ".build"


@dataclass(frozen=True)
class Bundle:
    """A directory ready to be a Lambda layer asset (it contains python/)."""

    name: str
    path: Path
    key: str  # hash of the inputs; also the CDK asset hash, so unchanged layers are not re-uploaded
    size_bytes: int


@dataclass(frozen=True)
class Locked:
    """One pinned package of the lock file."""

    name: str
    version: str
    marker: Marker | None
    hashes: tuple[str, ...]

    def for_lambda(self) -> bool:
        return self.marker is None or self.marker.evaluate(dict(LAMBDA_ENVIRONMENT))

    def requirement_line(self) -> str:
        return f"{self.name}=={self.version} " + " ".join(f"--hash={h}" for h in self.hashes)


def normalize(requirement: str) -> str:
    """The distribution name of a requirement string, PEP 503-normalized."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    if not match:
        raise ValueError(f"cannot read a package name from {requirement!r}")
    return re.sub(r"[-_.]+", "-", match.group(1)).lower()


def read_lock(path: Path = LOCK_FILE) -> list[Locked]:
    """The pins of a `uv pip compile --generate-hashes` file (one logical line per package)."""
    logical = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    locked = []
    for line in logical.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        spec, *options = re.split(r"\s+--hash=", line)
        requirement = Requirement(spec)
        versions = [s.version for s in requirement.specifier if s.operator == "=="]
        if len(versions) != 1 or not options:
            raise ValueError(f"{path.name}: {spec!r} is not one pinned version with hashes")
        hashes = tuple(h.strip() for h in options)
        locked.append(Locked(normalize(requirement.name), versions[0], requirement.marker, hashes))
    return locked


def runtime_requirements(pyproject: Path = PYPROJECT) -> list[Requirement]:
    """pyproject.toml's runtime dependencies (what the layers and the local install share)."""
    deps: list[str] = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    return [Requirement(d) for d in deps]


def layer_requirements(pyproject: Path = PYPROJECT) -> dict[Layer, list[Requirement]]:
    """pyproject's runtime dependencies grouped by the layer that carries them (boto3 left out)."""
    grouped: dict[Layer, list[Requirement]] = {layer: [] for layer in Layer}
    owner = {name: layer for layer, names in LAYER_PACKAGES.items() for name in names}
    for requirement in runtime_requirements(pyproject):
        name = normalize(requirement.name)
        if name in PRUNED:
            continue
        if name not in owner:
            raise ValueError(f"pyproject.toml's dependency {name} is in no layer: add it to LAYER_PACKAGES")
        grouped[owner[name]].append(requirement)
    missing = set(owner) - {normalize(r.name) for reqs in grouped.values() for r in reqs}
    if missing:
        raise ValueError(f"LAYER_PACKAGES names {sorted(missing)}, which pyproject.toml lacks")
    return grouped


def stale_pins(lock: list[Locked], requirements: Iterable[Requirement]) -> list[str]:
    """pyproject requirements the lock does not satisfy (then `make lock` is due)."""
    pinned = {entry.name: entry.version for entry in lock}
    return [
        str(r)
        for r in requirements
        if normalize(r.name) not in pinned
        or not r.specifier.contains(pinned[normalize(r.name)], prereleases=True)
    ]


def dir_size(path: Path, excluded_dirs: frozenset[str] = frozenset()) -> int:
    """Unzipped size of a directory tree, as Lambda counts it."""
    total = 0
    for root, dirs, files in os.walk(path):
        dirs[:] = [d for d in dirs if d not in excluded_dirs]
        total += sum((Path(root) / f).stat().st_size for f in files)
    return total


def mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def dependency_key(lock_text: str, grouped: dict[Layer, list[Requirement]]) -> str:
    """Cache key of the dependency layers: everything that changes what ends up in them."""
    parts = (
        BUILDER_VERSION,
        PYTHON_VERSION,
        *PLATFORMS,
        lock_text,
        json.dumps({layer.value: sorted(map(str, reqs)) for layer, reqs in grouped.items()}),
        json.dumps(sorted(PRUNED | set(OMITTED))),
    )
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def tree_digest(path: Path) -> str:
    """Hash of a file tree: every relative path, mode and content (what a zip of it holds)."""
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        mode = stat.S_IMODE(file.stat().st_mode)
        digest.update(f"{file.relative_to(path).as_posix()}\0{mode:o}\0".encode())
        digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def zip_tree(path: Path, target: Path) -> Path:
    """Zip a tree the reproducible way: sorted entries, fixed times, the files' modes."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(file.relative_to(path).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = (stat.S_IFREG | stat.S_IMODE(file.stat().st_mode)) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, file.read_bytes())
    return target


def normalize_tree(path: Path) -> None:
    """Make a built tree independent of when and by whom it was built."""
    for root, dirs, files in os.walk(path):
        for name in files:
            file = Path(root) / name
            executable = file.stat().st_mode & 0o111
            file.chmod(0o755 if executable else 0o644)  # not the builder's umask
            os.utime(file, (FIXED_MTIME, FIXED_MTIME))
        for name in dirs:
            (Path(root) / name).chmod(0o755)
    for root, dirs, _files in os.walk(path):
        for name in dirs:
            os.utime(Path(root) / name, (FIXED_MTIME, FIXED_MTIME))
    os.utime(path, (FIXED_MTIME, FIXED_MTIME))


def _log(message: str) -> None:
    # stderr: the CDK CLI shows it, and it never mixes with anything the CLI parses.
    print(f"[bundle] {message}", file=sys.stderr, flush=True)


class LayerBuilder:
    """Builds (or finds in the cache) the layers; one instance serves every stack."""

    def __init__(self, *, placeholder: bool = False, cache_dir: Path = CACHE_DIR) -> None:
        self.placeholder = placeholder
        self.cache_dir = cache_dir
        self._bundles: dict[str, Bundle] = {}
        self._reported: set[str] = set()

    def get(self, name: str) -> Bundle:
        """The bundle of layer `name` (a Layer value, or "portal")."""
        if name not in self._bundles:
            with self._cache_lock():
                if name == "portal":
                    self._bundles[name] = self._portal()
                elif self.placeholder:
                    self._bundles[name] = self._placeholder(name)
                else:
                    self._bundles.update(self._dependencies())
        self.report(self._bundles[name])
        return self._bundles[name]

    def manifest(self) -> dict[str, dict[str, list[str]]]:
        """Per dependency layer: the distributions it holds and those its packages need."""
        bundle = self.get(Layer.CORE.value)
        data: dict[str, dict[str, list[str]]] = json.loads((bundle.path.parent / "manifest.json").read_text())
        return data

    def report(self, bundle: Bundle) -> None:
        if bundle.key not in self._reported:
            self._reported.add(bundle.key)
            _log(f"layer {bundle.name:<8} {mb(bundle.size_bytes):>9} unzipped  ({bundle.path})")

    def report_function(self, name: str, code_bytes: int, layers: list[Bundle]) -> None:
        """Print a function's unzipped total and stop synth if it cannot deploy."""
        total = code_bytes + sum(b.size_bytes for b in layers)
        parts = " + ".join(f"{b.name} {mb(b.size_bytes)}" for b in layers)
        line = f"function {name:<16} {code_bytes / 1024:.1f} KB code + {parts} = {mb(total)} of 250 MB"
        if line not in self._reported:
            self._reported.add(line)
            _log(line)
        if total > LAMBDA_UNZIPPED_LIMIT:
            raise ValueError(f"function {name} is {mb(total)} unzipped with its layers; Lambda allows 250 MB")

    # --- the portal package ------------------------------------------------------------

    def _portal(self) -> Bundle:
        source = REPO_ROOT / "layers" / "portal" / "portal"
        if not (source / "__init__.py").is_file():
            raise FileNotFoundError(f"the portal package is missing at {source}")
        files = sorted(
            p
            for p in source.rglob("*")
            if p.is_file()
            and not PORTAL_EXCLUDED_DIRS & set(p.relative_to(source).parts[:-1])
            and p.suffix not in (".pyc", ".pyo")
        )
        digest = hashlib.sha256(BUILDER_VERSION.encode())
        for path in files:
            digest.update(str(path.relative_to(source)).encode() + b"\0" + path.read_bytes())
        key = digest.hexdigest()[:16]
        target = self.cache_dir / "portal" / key
        if not (target / ".complete").exists():
            staging = Path(tempfile.mkdtemp(dir=self._ensure_dir("portal")))
            for path in files:
                dest = staging / "python" / "portal" / path.relative_to(source)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, dest)  # content only: the checkout's times stay behind
            normalize_tree(staging / "python")
            (staging / ".complete").touch()
            self._publish(staging, target)
        return Bundle("portal", target, key, dir_size(target / "python"))

    # --- dependency layers -------------------------------------------------------------

    def _dependencies(self) -> dict[str, Bundle]:
        lock_text = LOCK_FILE.read_text(encoding="utf-8")
        grouped = layer_requirements()
        lock = read_lock()
        stale = stale_pins(lock, (r for reqs in grouped.values() for r in reqs))
        if stale:
            raise ValueError(f"{LOCK_FILE.name} does not satisfy {stale}: run `make lock`")
        key = dependency_key(lock_text, grouped)
        target = self.cache_dir / "layers" / key
        if not (target / ".complete").exists():
            _log(f"building dependency layers {key} with pip (first time for these inputs)")
            staging = Path(tempfile.mkdtemp(dir=self._ensure_dir("layers")))
            manifest = _build_dependencies(staging, lock, grouped)
            (staging / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
            (staging / ".complete").touch()
            self._publish(staging, target)
        return {
            layer.value: Bundle(
                layer.value,
                target / layer.value,
                f"{key}-{layer.value}",
                dir_size(target / layer.value / "python"),
            )
            for layer in Layer
        }

    def _placeholder(self, name: str) -> Bundle:
        target = self.cache_dir / "placeholder" / name
        (target / "python").mkdir(parents=True, exist_ok=True)
        (target / "python" / "PLACEHOLDER.txt").write_text(
            "Synthesized with -c bundle=placeholder (tests only): this layer is empty.\n"
        )
        return Bundle(f"{name}(placeholder)", target, f"placeholder-{name}", 0)

    def _ensure_dir(self, sub: str) -> Path:
        path = self.cache_dir / sub
        path.mkdir(parents=True, exist_ok=True)
        return path

    @contextmanager
    def _cache_lock(self) -> Iterator[None]:
        # One builder at a time per cache, across processes (a `cdk synth` beside the tests, or
        # two test workers): a second builder waits, then finds the first one's bundle complete
        # instead of replacing the tree the first one's synth is copying.
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        with (self.cache_dir / ".lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @staticmethod
    def _publish(staging: Path, target: Path) -> None:
        # Build beside the target and rename: an interrupted build never looks complete.
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)


def _build_dependencies(
    staging: Path, lock: list[Locked], grouped: dict[Layer, list[Requirement]]
) -> dict[str, dict[str, list[str]]]:
    """Install the lock's Lambda packages once, then move each into the first layer that needs it."""
    everything = staging / "all"
    wanted = [e for e in lock if e.for_lambda() and e.name not in PRUNED and e.name not in OMITTED]
    requirements = staging / "requirements.txt"
    requirements.write_text("".join(e.requirement_line() + "\n" for e in wanted))
    _pip_install(everything, requirements)
    shutil.rmtree(everything / "bin", ignore_errors=True)

    graph = _dependency_graph(everything)
    manifest: dict[str, dict[str, list[str]]] = {}
    placed: set[str] = set()
    for layer in Layer:
        needs = _closure(graph, grouped[layer])
        holds = sorted(needs - placed)
        placed |= needs
        site = staging / layer.value / "python"
        site.mkdir(parents=True)
        for dist in holds:
            _move_dist(everything, site, graph[dist].info_dir)
        manifest[layer.value] = {"holds": holds, "needs": sorted(needs)}
    for site in (staging / layer.value / "python" for layer in Layer):
        for info in site.glob("*.dist-info"):
            for name in INSTALLER_FILES:
                (info / name).unlink(missing_ok=True)
        normalize_tree(site)
    unused = sorted(set(graph) - placed)
    if unused:
        _log(f"not shipped (only boto3 or omitted packages need them): {', '.join(unused)}")
    shutil.rmtree(everything)
    requirements.unlink()
    return manifest


@dataclass(frozen=True)
class _Dist:
    info_dir: str
    requires: tuple[Requirement, ...]


def _dependency_graph(site: Path) -> dict[str, _Dist]:
    """Normalized name -> its dist-info folder and Requires-Dist, from the installed wheels."""
    graph = {}
    for info in sorted(site.glob("*.dist-info")):
        metadata = HeaderParser().parsestr((info / "METADATA").read_text(encoding="utf-8"))
        requires = tuple(Requirement(r) for r in metadata.get_all("Requires-Dist") or [])
        graph[normalize(metadata["Name"])] = _Dist(info.name, requires)
    return graph


def _closure(graph: dict[str, _Dist], roots: list[Requirement]) -> set[str]:
    """Every distribution the roots need in Lambda (extras followed), pruned/omitted ones excluded."""
    todo = [(normalize(r.name), frozenset(r.extras)) for r in roots]
    return _walk(graph, todo, skip=PRUNED | set(OMITTED), environment=dict(LAMBDA_ENVIRONMENT), strict=True)


def _walk(
    graph: dict[str, _Dist],
    todo: list[tuple[str, frozenset[str]]],
    *,
    skip: Iterable[str],
    environment: dict[str, str],
    strict: bool,
) -> set[str]:
    """The distributions reached from `todo` ((name, extras) pairs) through Requires-Dist whose
    markers hold in `environment` (extras followed), never entering `skip`. `strict`: a needed
    distribution the graph lacks is an error (building layers), else it is passed over."""
    skipped = set(skip)
    needed: set[str] = set()
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        name, extras = todo.pop()
        if (name, extras) in seen or name in skipped:
            continue
        seen.add((name, extras))
        if name not in graph:
            if strict:
                raise ValueError(
                    f"{name} is needed in Lambda but the lock does not install it: run `make lock`"
                )
            continue
        needed.add(name)
        for requirement in graph[name].requires:
            applies = requirement.marker is None or any(
                requirement.marker.evaluate({**environment, "extra": extra})
                for extra in ("", *sorted(extras))
            )
            if applies:
                todo.append((normalize(requirement.name), frozenset(requirement.extras)))
    return needed


def installed_closure(layers: Iterable[str], site: Path) -> set[str]:
    """The distributions installed in `site` that a function with these layers has in Lambda: the
    layers' packages and what they need, plus the runtime's boto3 and what it needs; the omitted
    ones are not shipped. Markers are this interpreter's, so the set fits the packages installed
    here (`portal bench coldstart` hides the rest from its probes: dev tools, other layers)."""
    grouped = layer_requirements()
    todo = [(normalize(r.name), frozenset(r.extras)) for layer in layers for r in grouped[Layer(layer)]]
    todo += [(name, frozenset()) for name in PRUNED]
    return _walk(_dependency_graph(site), todo, skip=OMITTED, environment={}, strict=False)


def _move_dist(source: Path, target: Path, info_dir: str) -> None:
    """Move one installed distribution's files (as its RECORD lists them) to another site."""
    with (source / info_dir / "RECORD").open(newline="") as record:
        paths = [row[0] for row in csv.reader(record) if row]
    for relative in paths:
        path = (source / relative).resolve()
        if not path.is_relative_to(source.resolve()) or not path.is_file():
            continue  # scripts in ../bin, already removed
        dest = target / path.relative_to(source.resolve())
        dest.parent.mkdir(parents=True, exist_ok=True)
        path.rename(dest)


def _pip_install(target: Path, requirements: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    command += [arg for platform in PLATFORMS for arg in ("--platform", platform)]
    command += ["--implementation", "cp", "--python-version", PYTHON_VERSION, "--only-binary=:all:"]
    # Exactly the locked wheels: hashes checked, no resolver (the lock is complete).
    command += ["--require-hashes", "--no-deps", "--requirement", str(requirements)]
    # .pyc files compiled here would be for this interpreter, not the runtime's: useless weight.
    command += ["--no-compile", "--target", str(target)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"pip could not build the layers in {target}:\n{result.stderr[-4000:]}")

"""Lambda layers built on this machine, without Docker, and rebuilt only when their inputs change.

Dependencies are installed with pip for the Lambda platform
(`pip install --platform manylinux… --only-binary=:all: --target …/python`), so only wheels
are used and nothing compiles here. Two dependency layers keep the API path light:

* core:   powertools, pydantic, fastapi, mangum, jwt, httpx, cachetools (every function)
* agents: langgraph, anthropic, google-genai, opensearch-py and what they need, minus
          whatever core already has (agent, ingest functions)

plus the `portal` source layer (layers/portal/portal -> python/portal, without the local
target). boto3/botocore come with the runtime and are pruned. Built layers are cached in
infra/.build/ under a hash of their inputs.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from infra.functions import REPO_ROOT

# The Lambda runtime these layers are built for (PortalFunction uses the same).
PYTHON_VERSION = "3.14"
# Lambda's Python 3.14 runs on Amazon Linux 2023 (glibc 2.34): manylinux wheels up to 2_34 load.
PLATFORMS = ("manylinux2014_aarch64", "manylinux_2_28_aarch64", "manylinux_2_34_aarch64")
# In the runtime already (and s3transfer only serves boto3); shipping them again costs ~35 MB.
PRUNED = frozenset({"boto3", "botocore", "s3transfer"})
# What the API and WebSocket functions need; everything else in pyproject goes to "agents".
CORE = frozenset(
    {
        "aws-lambda-powertools",
        "pydantic",
        "pydantic-settings",
        "fastapi",
        "mangum",
        "pyjwt",
        "cachetools",
        "httpx",
    }
)
# Parts of the portal package that must never ship to Lambda.
PORTAL_EXCLUDED_DIRS = frozenset({"local", "cli", "__pycache__"})  # local-only code
# Bump when the way layers are built changes, so cached builds are not reused.
BUILDER_VERSION = "1"
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024

CACHE_DIR = Path(__file__).resolve().parent / ".build"


@dataclass(frozen=True)
class Bundle:
    """A directory ready to be a Lambda layer asset (it contains python/)."""

    name: str
    path: Path
    key: str  # hash of the inputs; also the CDK asset hash, so unchanged layers are not re-uploaded
    size_bytes: int


def normalize(requirement: str) -> str:
    """The distribution name of a requirement string, PEP 503-normalized."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    if not match:
        raise ValueError(f"cannot read a package name from {requirement!r}")
    return re.sub(r"[-_.]+", "-", match.group(1)).lower()


def split_requirements(pyproject: Path = REPO_ROOT / "pyproject.toml") -> tuple[list[str], list[str]]:
    """pyproject's runtime dependencies as (core, agents), boto3/botocore left out."""
    deps: list[str] = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    core = [d for d in deps if normalize(d) in CORE]
    agents = [d for d in deps if normalize(d) not in CORE and normalize(d) not in PRUNED]
    missing = CORE - {normalize(d) for d in core}
    if missing:
        raise ValueError(f"pyproject.toml lacks core dependencies {sorted(missing)}")
    return core, agents


def dir_size(path: Path, excluded_dirs: frozenset[str] = frozenset()) -> int:
    """Unzipped size of a directory tree, as Lambda counts it."""
    total = 0
    for root, dirs, files in os.walk(path):
        dirs[:] = [d for d in dirs if d not in excluded_dirs]
        total += sum((Path(root) / f).stat().st_size for f in files)
    return total


def mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def dependency_key(core: list[str], agents: list[str]) -> str:
    """Cache key of the dependency layers: everything that changes what pip would install."""
    parts = (BUILDER_VERSION, PYTHON_VERSION, *PLATFORMS, json.dumps(core), json.dumps(agents))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def _log(message: str) -> None:
    # stderr: the CDK CLI shows it, and it never mixes with anything the CLI parses.
    print(f"[bundle] {message}", file=sys.stderr, flush=True)


class LayerBuilder:
    """Builds (or finds in the cache) the three layers; one instance serves every stack."""

    def __init__(self, *, placeholder: bool = False, cache_dir: Path = CACHE_DIR) -> None:
        self.placeholder = placeholder
        self.cache_dir = cache_dir
        self._bundles: dict[str, Bundle] = {}
        self._reported: set[str] = set()

    def get(self, name: str) -> Bundle:
        """The bundle of layer `name` ("core", "agents" or "portal")."""
        if name not in self._bundles:
            if name == "portal":
                self._bundles[name] = self._portal()
            elif self.placeholder:
                self._bundles[name] = self._placeholder(name)
            else:
                self._bundles.update(self._dependencies())
        self.report(self._bundles[name])
        return self._bundles[name]

    def report(self, bundle: Bundle) -> None:
        if bundle.key not in self._reported:
            self._reported.add(bundle.key)
            _log(
                f"layer {bundle.name:<8} {mb(bundle.size_bytes):>9} unzipped  ({bundle.path.relative_to(REPO_ROOT)})"
            )

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
                shutil.copy2(path, dest)
            (staging / ".complete").touch()
            self._publish(staging, target)
        return Bundle("portal", target, key, dir_size(target / "python"))

    # --- dependency layers -------------------------------------------------------------

    def _dependencies(self) -> dict[str, Bundle]:
        core, agents = split_requirements()
        key = dependency_key(core, agents)
        target = self.cache_dir / "layers" / key
        if not (target / ".complete").exists():
            _log(f"building dependency layers {key} with pip (first time for these inputs)")
            staging = Path(tempfile.mkdtemp(dir=self._ensure_dir("layers")))
            self._build_dependencies(staging, core, agents)
            (staging / ".complete").touch()
            self._publish(staging, target)
        return {
            name: Bundle(name, target / name, f"{key}-{name}", dir_size(target / name / "python"))
            for name in ("core", "agents")
        }

    def _build_dependencies(self, staging: Path, core: list[str], agents: list[str]) -> None:
        # Resolve everything once, then install core pinned to the same versions, so the two
        # layers agree; agents keeps only what core lacks (layers stack in /opt/python).
        everything = staging / "all" / "python"
        _pip_install(everything, core + agents)
        pins = staging / "pins.txt"
        pins.write_text("\n".join(f"{n}=={v}" for n, v in _installed(everything).items()) + "\n")
        core_dir = staging / "core" / "python"
        _pip_install(core_dir, core, constraints=pins)
        for site in (everything, core_dir):
            for dist in PRUNED & set(_installed(site)):
                _remove_dist(site, dist)
            shutil.rmtree(site / "bin", ignore_errors=True)
        for dist in set(_installed(core_dir)):
            _remove_dist(everything, dist)
        (staging / "agents").mkdir()
        everything.rename(staging / "agents" / "python")
        shutil.rmtree(staging / "all")

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

    @staticmethod
    def _publish(staging: Path, target: Path) -> None:
        # Build beside the target and rename: an interrupted build never looks complete.
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)


def _pip_install(target: Path, requirements: list[str], constraints: Path | None = None) -> None:
    target.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    command += [arg for platform in PLATFORMS for arg in ("--platform", platform)]
    command += ["--implementation", "cp", "--python-version", PYTHON_VERSION, "--only-binary=:all:"]
    # .pyc files compiled here would be for this interpreter, not the runtime's: useless weight.
    command += ["--no-compile", "--target", str(target)]
    if constraints:
        command += ["--constraint", str(constraints)]
    result = subprocess.run([*command, *requirements], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"pip could not build the layer in {target}:\n{result.stderr[-4000:]}")


def _installed(site: Path) -> dict[str, str]:
    """Normalized distribution name -> version, from the *.dist-info folders."""
    found: dict[str, str] = {}
    for info in site.glob("*.dist-info"):
        name, _, version = info.name.removesuffix(".dist-info").partition("-")
        found[normalize(name)] = version
    return found


def _remove_dist(site: Path, dist: str) -> None:
    """Delete one installed distribution using its RECORD (what pip itself would remove)."""
    for info in site.glob("*.dist-info"):
        if normalize(info.name.removesuffix(".dist-info").partition("-")[0]) != dist:
            continue
        record = info / "RECORD"
        for line in record.read_text().splitlines() if record.exists() else []:
            path = (site / line.split(",", 1)[0]).resolve()
            if path.is_relative_to(site.resolve()) and path.is_file():
                path.unlink()
        shutil.rmtree(info, ignore_errors=True)
    # Packages leave empty directories behind once their files are gone.
    for root, _dirs, _files in sorted(os.walk(site), key=lambda w: len(w[0]), reverse=True):
        if Path(root) != site and not os.listdir(root):
            os.rmdir(root)

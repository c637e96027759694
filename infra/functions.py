"""Every Lambda function of the portal, in one list: adding a worker is one line.

A function's code asset is its directory under functions/ (it ships only that); the
portal package and its dependencies come from layers (see bundling.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from portal.agents.registry import WORKERS as ROUTED_WORKERS

REPO_ROOT = Path(__file__).resolve().parents[1]
FUNCTIONS_DIR = REPO_ROOT / "functions"

# Workers the supervisor can route a turn to. Each is functions/agents/<name>.py with a
# `handler`, and the chat ASL refers to it as ${<Name>WorkerFunctionArn}.
WORKERS: tuple[str, ...] = tuple(ROUTED_WORKERS)  # the agents the chat Choice state routes to


class Layer(StrEnum):
    """Dependency layers, in /opt order; every function also gets the portal source layer.

    What each carries is in infra/bundling.py (LAYER_PACKAGES); a function lists the ones its
    code imports (tests/infra/test_layer_imports.py checks it), at most four (Lambda allows five
    layers and the portal source is one of them).
    """

    CORE = "core"  # powertools, pydantic, fastapi, mangum, jwt, httpx, opensearch-py: every function
    MODELS = "models"  # anthropic, google-genai: functions that call a model
    AGENTS = "agents"  # langgraph, mcp: the chat workers' graphs and tool servers
    PDF = "pdf"  # pypdf: uploaded and fetched PDFs
    OFFICE = "office"  # python-docx, python-pptx, openpyxl (lxml, Pillow): uploaded Office files


@dataclass(frozen=True)
class FunctionSpec:
    """What differs between functions; everything else comes from PortalFunction."""

    name: str  # construct id, e.g. "api", "worker_general"
    directory: str  # under functions/
    handler: str
    description: str
    layers: tuple[Layer, ...] = (Layer.CORE,)
    memory_mb: int = 512
    timeout_seconds: int = 30
    # The ${...} name an ASL file uses for this function's ARN, if any.
    substitution: str | None = None

    @property
    def code_dir(self) -> Path:
        return FUNCTIONS_DIR / self.directory

    def check_exists(self) -> None:
        """Fail synth with a message that says which file is missing, not a CDK stack trace."""
        module = self.handler.rsplit(".", 1)[0].replace(".", "/") + ".py"
        if not (self.code_dir / module).is_file():
            raise FileNotFoundError(
                f"function {self.name!r} expects {self.code_dir.relative_to(REPO_ROOT) / module} "
                f"with `{self.handler.rsplit('.', 1)[1]}` (see infra/functions.py)"
            )


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


# Workers whose graph needs more or less than models + langgraph/mcp.
WORKER_LAYERS: dict[str, tuple[Layer, ...]] = {
    "web_search": (Layer.CORE, Layer.MODELS, Layer.AGENTS, Layer.PDF),  # fetched pages may be PDFs
    "deep_research": (Layer.CORE,),  # only starts the research workflow
}


def worker(name: str) -> FunctionSpec:
    """A chat worker: one LangGraph graph, streamed to the user's sockets."""
    return FunctionSpec(
        name=f"worker_{name}",
        directory="agents",
        handler=f"{name}.handler",
        description=f"Chat worker '{name}': runs its graph and streams the answer",
        layers=WORKER_LAYERS.get(name, (Layer.CORE, Layer.MODELS, Layer.AGENTS)),
        memory_mb=1536,
        # Under the chat ASL's 105 s task timeout, so Lambda stops the worker before Step
        # Functions gives up on it (statemachines/chat.asl.json's budget fits Express's 5 minutes).
        timeout_seconds=100,
        substitution=f"{_camel(name)}WorkerFunctionArn",
    )


API = FunctionSpec(
    name="api",
    directory="api",
    handler="handler.handler",
    description="REST API: the FastAPI app behind Mangum",
    memory_mb=1024,
    # API Gateway's REST integration gives up after 29 s.
    timeout_seconds=29,
)
WS = FunctionSpec(
    name="ws",
    directory="ws",
    handler="handler.handler",
    description="WebSocket $connect/$disconnect/$default",
    timeout_seconds=10,
)
SUPERVISOR = FunctionSpec(
    name="supervisor",
    directory="agents",
    handler="supervisor.handler",
    description="Chat supervisor: picks the worker for a turn",
    layers=(Layer.CORE, Layer.MODELS),  # the intent call when the classifier is unsure
    memory_mb=1024,
    timeout_seconds=15,  # under the chat ASL's 20 s task timeout
    substitution="SupervisorFunctionArn",
)
FAILURE = FunctionSpec(
    name="failure",
    directory="agents",
    handler="failure.handler",
    description="Failure handler: marks the turn failed and tells the sockets",
    timeout_seconds=10,  # under the chat ASL's 15 s task timeout
    substitution="FailureHandlerFunctionArn",
)
INGEST = FunctionSpec(
    name="ingest",
    directory="ingest",
    handler="handler.handler",
    description="Uploaded file -> extract, chunk, embed, index (idempotent)",
    # Gemini reads images and scanned pages; embeddings are Titan's, through boto3.
    layers=(Layer.CORE, Layer.MODELS, Layer.PDF, Layer.OFFICE),
    memory_mb=1536,
    timeout_seconds=300,
)
MCP_PROBE = FunctionSpec(
    name="mcp_probe",
    directory="mcp_probe",
    handler="probe.handler",
    description="An admin's MCP connection test: connect to a configuration's servers, list their tools",
    # The MCP SDK lives here, not in the API; the API invokes this synchronously. MODELS for
    # httpx2 (MCP's HTTP client), which that layer already carries for the model SDKs.
    layers=(Layer.CORE, Layer.MODELS, Layer.AGENTS),
    # Under the API's 29 s: a server that does not answer is reported before the API gives up.
    timeout_seconds=25,
)
MIGRATE = FunctionSpec(
    name="migrate",
    directory="maintenance",
    handler="migrate.handler",
    description="Applies SQL migrations through the Data API after each deploy",
    # A paused cluster takes ~15 s to resume; migrations themselves are short.
    timeout_seconds=300,
)
SWEEP = FunctionSpec(
    name="sweep",
    directory="maintenance",
    handler="sweep.handler",
    description="Every 5 minutes: cache sweep, stale connections, overdue turns (Aurora only for those)",
    timeout_seconds=120,
)


def research_step(
    step: str,
    *,
    layers: tuple[Layer, ...] = (Layer.CORE, Layer.MODELS),
    timeout_seconds: int = 120,
    memory_mb: int = 1024,
) -> FunctionSpec:
    """A step of the deep-research (Standard) workflow: functions/agents/research_<step>.py."""
    return FunctionSpec(
        name=f"research_{step}",
        directory="agents",
        handler=f"research_{step}.handler",
        description=f"Deep research: {step}",
        layers=layers,
        memory_mb=memory_mb,
        timeout_seconds=timeout_seconds,
        substitution=f"Research{_camel(step)}FunctionArn",
    )


RESEARCH_STEPS: tuple[FunctionSpec, ...] = (
    research_step("plan"),
    research_step("search", layers=(Layer.CORE, Layer.PDF)),  # searches and fetches, no model
    research_step("gaps"),
    # Writing a cited report from a dozen sources can take minutes on a large model.
    research_step("synthesize", timeout_seconds=600, memory_mb=1536),
)

# Step Functions task functions, found by the ${...} names the ASL files use.
AGENT_TASKS: tuple[FunctionSpec, ...] = (SUPERVISOR, *(worker(w) for w in WORKERS), *RESEARCH_STEPS, FAILURE)

ALL_FUNCTIONS: tuple[FunctionSpec, ...] = (API, WS, *AGENT_TASKS, INGEST, MCP_PROBE, MIGRATE, SWEEP)


def by_substitution() -> dict[str, FunctionSpec]:
    """ASL substitution name -> the task function that supplies it."""
    return {spec.substitution: spec for spec in AGENT_TASKS if spec.substitution}

"""The deep_research worker: starts the research state machine for a chat turn.

It does not use ``run_worker`` (which stores the final answer and sends ``done``): research
takes minutes on a Standard execution, so this task stores a "streaming" placeholder answer
(the REST ``?wait=true`` path returns it), streams a short note, starts the execution named
by the turn id, and returns. The Synthesize step stores the report over the placeholder and
sends ``done``; on failure the research machine's Catch runs the same failure handler as the
chat machine, which marks the placeholder failed.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from portal import aws, services
from portal.agents import open_turns
from portal.agents.completion import FinalAnswer, complete_turn, ended_answer, store_placeholder
from portal.agents.research.retrieval import files_retriever
from portal.agents.turn import RouteDecision, TurnInput, WorkerResult
from portal.agents.turn_stream import open_stream  # not agents.runner: see turn_stream.py (#14)
from portal.agents.workers.prompts import is_korean
from portal.db.repositories import messages
from portal.errors import NotConfigured, NotFound
from portal.observability import MetricName, logger, metrics
from portal.search.availability import web_search_available
from portal.settings import Settings, get_settings

STARTED = "research_started"

NOTE_KO = (
    "심층 리서치를 시작합니다. 조사 계획을 세우고 여러 자료를 검색·분석하므로 몇 분 걸릴 수 있습니다. "
    "완료되면 출처가 달린 보고서가 이 대화에 표시됩니다.\n\n"
)
NOTE_EN = (
    "Starting deep research: planning, searching and reading several sources can take a few "
    "minutes. The cited report will appear in this conversation when it is ready.\n\n"
)


def deep_research_available(settings: Settings | None = None) -> bool:
    """True when research can run here: its state machine and at least one source (web or files)."""
    s = settings or get_settings()
    return bool(s.research_state_machine_arn) and (web_search_available(s) or files_retriever() is not None)


NOT_AVAILABLE_USER_KO = (
    "심층 리서치가 설정되지 않았습니다. 이 기능이 필요하시면 포털 관리자에게 문의해 주세요. "
    "그동안 일반 대화나 웹 검색으로 질문하실 수 있습니다."
)
NOT_AVAILABLE_USER_EN = (
    "Deep research is not configured. Please ask your portal administrator if you need it. "
    "Meanwhile, you can ask in a regular chat or with web search."
)


def _not_available_text(settings: Settings, korean: bool, admin: bool) -> str:
    """Why research cannot run: the missing settings (admins) or whom to ask (everyone else)."""
    if not admin:
        return NOT_AVAILABLE_USER_KO if korean else NOT_AVAILABLE_USER_EN
    missing_machine = not settings.research_state_machine_arn
    if korean:
        reasons = []
        if missing_machine:
            reasons.append("리서치 워크플로(PORTAL_RESEARCH_STATE_MACHINE_ARN)가 배포되어 있지 않습니다")
        if not (web_search_available(settings) or files_retriever() is not None):
            reasons.append(
                "검색할 자료원이 없습니다: 웹 검색 API 키(TAVILY_API_KEY 또는 BRAVE_API_KEY)가 설정되지 않았고 "
                "파일 검색도 사용할 수 없습니다"
            )
        return (
            "심층 리서치가 설정되지 않았습니다. "
            + "; ".join(reasons)
            + ".\n\n관리자가 로컬에서는 환경 변수로, AWS에서는 provider-keys 비밀(Secrets Manager)에 검색 API 키를 "
            "넣고 포털을 다시 시작(또는 배포)하면 사용할 수 있습니다."
        )
    reasons = []
    if missing_machine:
        reasons.append("the research workflow (PORTAL_RESEARCH_STATE_MACHINE_ARN) is not deployed")
    if not (web_search_available(settings) or files_retriever() is not None):
        reasons.append(
            "there is nothing to search: no web search key (TAVILY_API_KEY or BRAVE_API_KEY) and no file search"
        )
    return (
        "Deep research is not configured: "
        + "; ".join(reasons)
        + ".\n\nAn administrator sets the search key as an environment variable locally, or in the "
        "provider-keys secret (Secrets Manager) in AWS, then restarts or redeploys the portal."
    )


def research_execution_arn(state_machine_arn: str, turn_id: str) -> str:
    """The research execution of a turn (executions are named by the turn id)."""
    return f"{state_machine_arn.replace(':stateMachine:', ':execution:')}:{turn_id}"


class ResearchLauncher:
    """StartExecution on the research machine, named by the turn id (a repeat start is harmless)."""

    def __init__(self, sfn: Any, state_machine_arn: str | None) -> None:
        self._sfn = sfn
        self._arn = state_machine_arn

    def start(self, turn: TurnInput, route: RouteDecision) -> str:
        """Start (or find) the turn's research execution; return its ARN."""
        if not self._arn:
            raise NotConfigured("The research workflow is not configured (PORTAL_RESEARCH_STATE_MACHINE_ARN)")
        payload = {**turn.model_dump(mode="json"), "route": route.model_dump(mode="json")}
        try:
            out = self._sfn.start_execution(
                stateMachineArn=self._arn, name=turn.turn_id, input=json.dumps(payload)
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ExecutionAlreadyExists":
                logger.info("research already started", extra={"turn_id": turn.turn_id})
                return research_execution_arn(self._arn, turn.turn_id)
            raise
        return str(out["executionArn"])


def launcher() -> ResearchLauncher:
    """The launcher of this deployment's research machine."""
    return ResearchLauncher(aws.client("stepfunctions"), get_settings().research_state_machine_arn)


def start_research(event: dict[str, Any]) -> dict[str, Any]:
    """The DeepResearchWorker task of the chat machine: placeholder, note, start; no `done` here."""
    turn = TurnInput.model_validate(event)
    route = RouteDecision.model_validate(event["route"])
    db, settings = services.db(), get_settings()
    stream = open_stream(turn)

    if (ended := ended_answer(db, stream)) is not None:
        # Express runs at least once: the research (or a not-configured answer) already ended;
        # a repeated delivery must not put the turn back to "streaming" with nothing to finish it.
        return WorkerResult(
            message_id=ended.id, agent=route.agent, model=ended.model_used, status=ended.status
        ).model_dump()
    stored = messages.get_turn_message(db, turn_id=turn.turn_id, role="assistant")
    if stored is not None and stored.status == "streaming":
        launcher().start(turn, route)  # a repeated delivery: make sure it runs, say nothing twice
        return WorkerResult(message_id=stored.id, agent=route.agent, status=STARTED).model_dump()

    question = messages.get_turn_message(db, turn_id=turn.turn_id, role="user")
    if question is None:
        raise NotFound(f"Turn {turn.turn_id} refers to a message that no longer exists")
    korean = is_korean(question.content)

    if not deep_research_available(settings):
        # Imported here: only this path reads the user's context (cold starts, #14).
        from portal.agents.user_context import load_user_context

        admin = load_user_context(db, empno=turn.empno).is_admin  # read once, only on this path
        text = _not_available_text(settings, korean, admin)
        stream.write(text)
        saved = complete_turn(
            db,
            stream,
            turn,
            FinalAnswer(
                content=text,
                agent=route.agent,
                model=None,
                metadata={
                    "route": route.model_dump(exclude_none=True),
                    "research": {"status": "not_configured"},
                },
            ),
        )
        return WorkerResult(message_id=saved.id, agent=route.agent).model_dump()

    note = NOTE_KO if korean else NOTE_EN
    # Stored before the execution starts, so a fast report can never be overwritten by it.
    placeholder = store_placeholder(
        db,
        turn,
        FinalAnswer(
            content=note.strip(),
            agent=route.agent,
            model=None,
            metadata={"route": route.model_dump(exclude_none=True), "research": {"status": "running"}},
        ),
    )
    stream.write(note)
    stream.flush()
    execution_arn = launcher().start(turn, route)
    # From here the Standard execution owns the turn: its Catch and EventBridge's status events
    # end it (minutes later), not the chat turn's deadline.
    open_turns.settle(turn.turn_id)
    metrics.add_metric(name=MetricName.RESEARCH_STARTED, unit="Count", value=1)
    logger.info("research started", extra={"execution_arn": execution_arn})
    return WorkerResult(message_id=placeholder.id, agent=route.agent, status=STARTED).model_dump()

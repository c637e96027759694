"""Starting a stored turn's workflow and answering for it: 202 with the turn id, or with
?wait=true the stored answer (200) when it comes within 25 s. Shared by every route that starts
a turn (posting a message, regenerate, edit and resend)."""

from __future__ import annotations

from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError
from fastapi.responses import JSONResponse

from portal import services
from portal.agents import turns, waiting
from portal.api.schemas import MessageOut, TurnAccepted
from portal.budgets.errors import BudgetExceeded, refused_by_budget
from portal.db.executor import Executor
from portal.db.repositories.users import User
from portal.errors import NotConfigured, PortalError
from portal.observability import logger
from portal.realtime import broadcast


class TurnFailed(PortalError):
    status_code = 502
    code = "turn_failed"


def launch(db: Executor, user: User, started: turns.StartedTurn, *, wait: bool = False) -> JSONResponse:
    """Announce a stored turn, start its workflow, and answer 202 (or 200 with the answer when waiting)."""
    try:
        # Marked first: the marker is then written before anyone knows the turn's id (a plain
        # put, portal.agents.open_turns), and a turn that cannot be marked is not announced.
        turns.mark_open(started)
        # Before the launch, so workspace members see the question before its first chunk.
        broadcast.message_created(
            started.message,
            workspace_id=started.turn.workspace_id,
            author_empno=user.empno,
            author_name=user.name_ko,
        )
        services.launcher().start(started.turn)
    # Errors that prove no execution started: Step Functions refused it, or the request never
    # reached it. Anything else (a read time-out: it may have started) leaves the turn open, and
    # the overdue sweep ends it if nothing else does (portal.agents.overdue).
    except (ClientError, NotConfigured, EndpointConnectionError, ConnectTimeoutError) as exc:
        turns.forget_turn(db, started)
        logger.exception("could not start the chat workflow", extra={"turn_id": started.turn.turn_id})
        raise NotConfigured("The chat workflow could not be started; nothing was stored") from exc
    accepted = TurnAccepted(
        turn_id=started.turn.turn_id,
        message_id=started.message.id,
        conversation_id=started.turn.conversation_id,
    )
    answer = waiting.wait_for_answer(db, turn_id=started.turn.turn_id) if wait else None
    if answer is None:
        # Not asked to wait, or still running after the wait: follow the socket or poll.
        return JSONResponse(accepted.model_dump(), status_code=202)
    if answer.status == "failed":
        failed: PortalError
        if refused_by_budget(answer.metadata):  # refused at a model call: the same 402 as at the door
            failed = BudgetExceeded(answer.content, turn_id=started.turn.turn_id)
        else:
            failed = TurnFailed(answer.content, turn_id=started.turn.turn_id, status=answer.status)
        failed.accepted = True  # the turn was stored and ran: it counts against the chat limit
        raise failed
    return JSONResponse(
        MessageOut.model_validate(answer.model_dump()).model_dump(mode="json"), status_code=200
    )

"""Starting a chat turn: validate, store the user's message, launch the workflow.

The chat rate limit is counted before this, with every other route family's, by the API's
rate-limit dependency (portal.api.ratelimit): only accepted requests count there.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from portal.agents import open_turns
from portal.agents.access import agent_access, check_requested
from portal.agents.turn import TurnInput, TurnOptions
from portal.budgets import gate as budget_gate
from portal.db.executor import Executor
from portal.db.repositories import messages
from portal.db.repositories.conversations import Conversation
from portal.db.repositories.messages import Message
from portal.db.repositories.users import User
from portal.errors import BadRequest, PayloadTooLarge
from portal.observability import MetricName, logger, metrics
from portal.settings import get_settings

TITLE_CHARS = 60


@dataclass(frozen=True)
class StartedTurn:
    turn: TurnInput
    message: Message


def validate_content(content: str) -> str:
    """The message text, stripped; a clear error for empty or oversized input."""
    text = content.strip()
    if not text:
        raise BadRequest("Message content is empty")
    limit = get_settings().max_message_chars
    if len(text) > limit:
        raise PayloadTooLarge(f"Message is {len(text)} characters; the limit is {limit}")
    # Unlike the seed we do not reject "<script>"-like text: people paste code into chats.
    # The UI renders every message as text, never as HTML.
    return text


def start_turn(
    db: Executor,
    *,
    user: User,
    conversation: Conversation,
    content: str,
    options: TurnOptions,
    sibling_of: str | None = None,
    origin: dict[str, str] | None = None,
) -> StartedTurn:
    """Validate and store the user's message of a new turn (the caller then launches it).

    `sibling_of` starts the turn beside an earlier one (regenerate, edit: a new branch);
    `origin` says so in the message's metadata.
    """
    text = validate_content(content)
    _validate_options(options)
    check_requested(agent_access(db, user), agent=options.agent, toggle=options.toggle)
    budget_gate.admit(
        db, user=user, conversation_id=conversation.id, question=text
    )  # 402 budget_exceeded, nothing stored
    turn_id = str(uuid.uuid4())
    message = messages.add_user_message(
        db,
        conversation_id=conversation.id,
        turn_id=turn_id,
        content=text,
        metadata={"options": options.model_dump(exclude_none=True, exclude_defaults=True), **(origin or {})},
        sibling_of=sibling_of,
        title=_title(text),  # names an untitled conversation after its first message
    )
    turn = TurnInput(
        turn_id=turn_id,
        conversation_id=conversation.id,
        message_id=message.id,
        empno=user.empno,
        workspace_id=conversation.workspace_id,
        options=options,
    )
    metrics.add_metric(name=MetricName.TURN_STARTED, unit="Count", value=1)
    logger.info("turn stored", extra={"turn_id": turn_id, "conversation_id": conversation.id})
    return StartedTurn(turn=turn, message=message)


def mark_open(started: StartedTurn) -> None:
    """Record the turn as open until it ends (the sweep ends it if nothing else does by its deadline)."""
    open_turns.mark_open(started.turn)


def forget_turn(db: Executor, started: StartedTurn) -> None:
    """Undo a stored turn whose workflow could not start (no orphan user message, no open marker)."""
    messages.delete_turn(db, turn_id=started.turn.turn_id)
    open_turns.forget(started.turn.turn_id)


def _validate_options(options: TurnOptions) -> None:
    if options.model is not None:
        from portal.llm.catalog import get_model  # raises BadRequest for keys not in the catalog

        get_model(options.model)


def _title(text: str) -> str:
    first_line = text.splitlines()[0]
    return first_line if len(first_line) <= TITLE_CHARS else first_line[: TITLE_CHARS - 1] + "…"

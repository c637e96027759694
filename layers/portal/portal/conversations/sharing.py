"""Read-only shares of a conversation, decided by its owner.

A share names one colleague of the owner's company, or one workspace the owner is a current
member of (its members then read the conversation while they are members). Only the owner
lists, adds and revokes shares; readers never write (posting stays owner-only). The read check
itself is in the conversation query (portal.db.repositories.conversations.get_readable), so
every read path applies it.
"""

from __future__ import annotations

from portal.db.executor import Executor
from portal.db.repositories import conversation_shares, users, workspaces
from portal.db.repositories.conversation_shares import Share
from portal.db.repositories.conversations import Conversation
from portal.db.repositories.users import User
from portal.errors import BadRequest, NotFound


class ShareTargetInvalid(BadRequest):
    status_code = 422
    code = "share_target_invalid"


def share(
    db: Executor,
    owner: User,
    conversation: Conversation,
    *,
    empno: str | None,
    workspace_id: str | None,
) -> tuple[Share, bool]:
    """Share with a colleague or a workspace; (the share, whether it is new)."""
    if (empno is None) == (workspace_id is None):
        raise ShareTargetInvalid("공유할 동료 또는 워크스페이스 중 하나를 정해 주세요.")
    if empno is not None:
        grantee = users.get(db, empno=empno)
        # Another company's employee is as unknown as a missing one: the directory never lists them.
        if grantee is None or grantee.company_code != owner.company_code:
            raise NotFound("그 사번의 동료를 찾을 수 없습니다.", empno=empno)
        if grantee.empno == owner.empno:
            raise ShareTargetInvalid("자기 자신과는 공유할 수 없습니다.")
        return conversation_shares.add(
            db, conversation_id=conversation.id, created_by=owner.empno, grantee_empno=grantee.empno
        )
    assert workspace_id is not None
    workspace = workspaces.get_for_user(
        db, workspace_id=workspace_id, empno=owner.empno, company_code=owner.company_code
    )
    member = workspace is not None and (
        workspace.owner_empno == owner.empno or any(c.empno == owner.empno for c in workspace.collaborators)
    )
    if workspace is None or not member or workspace.status == "deleted":
        raise NotFound("워크스페이스를 찾을 수 없습니다.")
    return conversation_shares.add(
        db, conversation_id=conversation.id, created_by=owner.empno, workspace_id=workspace.id
    )


def revoke(db: Executor, conversation: Conversation, share_id: str) -> None:
    """Remove one share; the next read by its grantee is refused."""
    if not conversation_shares.delete(db, conversation_id=conversation.id, share_id=share_id):
        raise NotFound("공유를 찾을 수 없습니다.")

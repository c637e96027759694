"""Administrators set monthly budgets in money per user and per department (and their defaults).

Paths (the web console builds against them):
    GET/PUT/DELETE /api/admin/budgets/users/{user_id}
    GET/PUT/DELETE /api/admin/budgets/departments/{department}
    GET/PUT        /api/admin/budgets/defaults/{users|departments}
    GET            /api/admin/budgets                      every budget row with this month's spend
PUT body: {"monthly_limit_usd": number | null (no limit), "warn_ratio": number in (0, 1]}.
A change takes effect at the next model call (the ledger reads the row; nothing caches it) and
is audited with before and after.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Response
from pydantic import BaseModel, ConfigDict, Field

from portal.admin.audit import record_admin_change
from portal.api.deps import AdminUser, Db, client_origin
from portal.budgets import ledger
from portal.budgets.errors import Scope
from portal.budgets.ledger import DEFAULT_SUBJECT, Standing
from portal.db.executor import Executor
from portal.db.repositories import budgets, users
from portal.db.repositories.activity import Origin
from portal.errors import BadRequest, NotFound

router = APIRouter(prefix="/admin/budgets", tags=["admin"])
MAX_MONTHLY_USD = 1_000_000.0


class BudgetIn(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    monthly_limit_usd: float | None = Field(ge=0, le=MAX_MONTHLY_USD)
    warn_ratio: float = Field(default=0.8, ge=0.01, le=1)  # stored to 4 decimals


class BudgetOut(BaseModel):
    scope: Scope
    subject: str
    monthly_limit_usd: float | None
    warn_ratio: float
    overridden: bool  # the subject has its own budget (else the default applies)
    spent_usd: float  # this month, settled calls
    reserved_usd: float  # this month, calls in flight
    state: Literal["ok", "warning", "exceeded"]


class BudgetList(BaseModel):
    items: list[BudgetOut]


def _out(st: Standing) -> BudgetOut:
    return BudgetOut(
        scope=st.limit.scope,
        subject=st.limit.subject,
        monthly_limit_usd=st.limit.monthly_limit_usd,
        warn_ratio=st.limit.warn_ratio,
        overridden=st.limit.overridden,
        spent_usd=round(st.spent_usd, 6),
        reserved_usd=round(st.reserved_usd, 6),
        state=st.state,
    )


def _known_user(db: Db, user_id: Annotated[str, Path(min_length=1, max_length=20)]) -> str:
    if user_id == DEFAULT_SUBJECT or users.get(db, empno=user_id) is None:
        raise NotFound(f"User {user_id} has never signed in")
    return user_id


def _department(department: Annotated[str, Path(min_length=1, max_length=100)]) -> str:
    if department.strip() != department or department == DEFAULT_SUBJECT:
        raise BadRequest("department must be a department name")
    return department


KnownUser = Annotated[str, Depends(_known_user)]
Department = Annotated[str, Depends(_department)]
DefaultScope = Literal["users", "departments"]
_SCOPE_OF: dict[str, Scope] = {"users": "user", "departments": "department"}


def _put(
    db: Executor, admin_empno: str, scope: Scope, subject: str, body: BudgetIn, origin: Origin
) -> BudgetOut:
    with db.transaction() as tx:  # the change and its audit row together
        before = budgets.get(tx, scope=scope, subject=subject)
        after = budgets.put(
            tx,
            scope=scope,
            subject=subject,
            monthly_limit_usd=body.monthly_limit_usd,
            warn_ratio=body.warn_ratio,
            admin_empno=admin_empno,
        )
        record_admin_change(
            tx,
            admin_empno=admin_empno,
            action="admin.budget.put",
            resource_type="budget",
            target=f"{scope}:{subject}",
            before=before,
            after=after,
            origin=origin,
        )
    return _out(ledger.standing(db, scope=scope, subject=subject))


def _delete(db: Executor, admin_empno: str, scope: Scope, subject: str, origin: Origin) -> None:
    with db.transaction() as tx:
        removed = budgets.delete(tx, scope=scope, subject=subject)
        if removed is None:
            raise NotFound(f"{scope} {subject} has no budget of its own")
        record_admin_change(
            tx,
            admin_empno=admin_empno,
            action="admin.budget.delete",
            resource_type="budget",
            target=f"{scope}:{subject}",
            before=removed,
            after=None,
            origin=origin,
        )


# `admin` comes first in each signature: a non-admin gets 403 before the path or body is judged.


@router.get("", response_model=BudgetList)
def list_budgets(admin: AdminUser, db: Db) -> BudgetList:
    rows = budgets.list_all(db)
    return BudgetList(items=[_out(ledger.standing(db, scope=r.scope, subject=r.subject)) for r in rows])


@router.get("/users/{user_id}", response_model=BudgetOut)
def get_user_budget(admin: AdminUser, user_id: KnownUser, db: Db) -> BudgetOut:
    return _out(ledger.standing(db, scope="user", subject=user_id))


@router.put("/users/{user_id}", response_model=BudgetOut)
def put_user_budget(
    admin: AdminUser,
    user_id: KnownUser,
    body: BudgetIn,
    db: Db,
    origin: Annotated[Origin, Depends(client_origin)],
) -> BudgetOut:
    return _put(db, admin.empno, "user", user_id, body, origin)


@router.delete("/users/{user_id}", status_code=204)
def delete_user_budget(
    admin: AdminUser, user_id: KnownUser, db: Db, origin: Annotated[Origin, Depends(client_origin)]
) -> Response:
    _delete(db, admin.empno, "user", user_id, origin)
    return Response(status_code=204)


@router.get("/departments/{department}", response_model=BudgetOut)
def get_department_budget(admin: AdminUser, department: Department, db: Db) -> BudgetOut:
    return _out(ledger.standing(db, scope="department", subject=department))


@router.put("/departments/{department}", response_model=BudgetOut)
def put_department_budget(
    admin: AdminUser,
    department: Department,
    body: BudgetIn,
    db: Db,
    origin: Annotated[Origin, Depends(client_origin)],
) -> BudgetOut:
    return _put(db, admin.empno, "department", department, body, origin)


@router.delete("/departments/{department}", status_code=204)
def delete_department_budget(
    admin: AdminUser, department: Department, db: Db, origin: Annotated[Origin, Depends(client_origin)]
) -> Response:
    _delete(db, admin.empno, "department", department, origin)
    return Response(status_code=204)


@router.get("/defaults/{scope}", response_model=BudgetOut)
def get_default_budget(admin: AdminUser, scope: DefaultScope, db: Db) -> BudgetOut:
    """The default every user (or department) without a budget of its own gets."""
    return _out(ledger.standing(db, scope=_SCOPE_OF[scope], subject=DEFAULT_SUBJECT))


@router.put("/defaults/{scope}", response_model=BudgetOut)
def put_default_budget(
    admin: AdminUser,
    scope: DefaultScope,
    body: BudgetIn,
    db: Db,
    origin: Annotated[Origin, Depends(client_origin)],
) -> BudgetOut:
    return _put(db, admin.empno, _SCOPE_OF[scope], DEFAULT_SUBJECT, body, origin)

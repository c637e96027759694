"""Cache tags: what a cached entry depends on, and the one call per kind of change that drops it.

Entries are written with the tags of the data they were built from (``set(..., tags=[...])``);
a change to that data invalidates its tag, which drops every entry built from it in L2 and in
this container's L1 (other containers' L1 copies live at most the entry's own TTL).

    user:<empno>       the user's row (auth.principal) and agent access (agents.access):
                       dropped on a grant, a revoke, a role or department change, a preference change
"""

from __future__ import annotations


def user_tag(empno: str) -> str:
    return f"user:{empno}"


def forget_user(empno: str) -> int:
    """Drop every cached entry built from this user's data; the number of L2 entries dropped."""
    from portal import services

    return services.cache().invalidate_by_tags([user_tag(empno)])

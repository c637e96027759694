"""Monthly budgets in money per user and per department, enforced before every model call of a turn.

- ``ledger``: the limits and the atomic spend counter (PostgreSQL).
- ``estimate``: an upper-bound estimate of one model call's cost from the catalog's prices.
- ``scope``: which user a Lambda invocation spends for (a ContextVar set by the agent handlers).
- ``portal.llm.metered``: the guard every model call of a turn goes through (reserve, call, settle).
"""

"""The RDS Data API, answered by a real PostgreSQL (moto has no Data API that runs SQL).

A botocore `before-call` handler answers rds-data requests, so a function builds its real
DataApiExecutor from its synthesized environment (cluster and secret ARNs), and every call it
makes is recorded and checked against its role like any other AWS call. Requests for another
cluster or secret than the deployed ones are refused, as AWS would. Each request runs as the
database user of the secret it names (the app role's secret signs in as that role, with its
password, so a function has exactly the role's privileges; the master user's is the server's
superuser).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import psycopg
from botocore.awsrequest import AWSResponse
from portal.db.executor import to_pyformat


class DataApiOnPostgres:
    """ExecuteStatement, BeginTransaction, CommitTransaction, RollbackTransaction over psycopg."""

    def __init__(
        self,
        database_url: str,
        *,
        cluster_arn: str,
        logins: dict[str, tuple[str | None, str]],
        database: str,
    ) -> None:
        self.database_url = database_url
        self.cluster_arn, self.logins, self.database = cluster_arn, logins, database
        self._autocommit: dict[str, psycopg.Connection[Any]] = {}  # secret ARN -> connection
        self._transactions: dict[str, psycopg.Connection[Any]] = {}
        self._type_names: dict[int, str] = {}

    def close(self) -> None:
        for conn in [*self._transactions.values(), *self._autocommit.values()]:
            conn.close()

    def _connect(self, secret_arn: str, *, autocommit: bool) -> psycopg.Connection[Any]:
        username, password = self.logins[secret_arn]
        if username is None:
            return psycopg.connect(self.database_url, autocommit=autocommit)
        # A role without LOGIN (migrate has not set its password yet) is refused here, as in AWS.
        return psycopg.connect(self.database_url, user=username, password=password, autocommit=autocommit)

    def answer(self, operation: str, params: dict[str, Any]) -> tuple[AWSResponse, dict[str, Any]]:
        """A (response, parsed) pair botocore takes instead of sending the request."""
        try:
            self._check_target(params)
            parsed = getattr(self, f"_{operation}")(params)
            return AWSResponse("https://rds-data", 200, {}, None), parsed  # type: ignore[arg-type]
        except psycopg.Error as exc:
            return _error("BadRequestException", str(exc))
        except PermissionError as exc:
            return _error("ForbiddenException", str(exc))

    def _check_target(self, params: dict[str, Any]) -> None:
        if params.get("resourceArn") != self.cluster_arn:
            raise PermissionError(f"no Data API cluster {params.get('resourceArn')!r}")
        if params.get("secretArn") not in self.logins:
            raise PermissionError(f"secret {params.get('secretArn')!r} is not this cluster's")
        if params.get("database", self.database) != self.database:
            raise PermissionError(f"no database {params['database']!r}")

    # --- operations ------------------------------------------------------------------

    def _BeginTransaction(self, params: dict[str, Any]) -> dict[str, Any]:
        transaction_id = uuid.uuid4().hex
        self._transactions[transaction_id] = self._connect(params["secretArn"], autocommit=False)
        return {"transactionId": transaction_id}

    def _CommitTransaction(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._transactions.pop(params["transactionId"]) as conn:
            conn.commit()
        return {"transactionStatus": "Transaction Committed"}

    def _RollbackTransaction(self, params: dict[str, Any]) -> dict[str, Any]:
        conn = self._transactions.pop(params["transactionId"])
        conn.rollback()
        conn.close()
        return {"transactionStatus": "Rollback Complete"}

    def _ExecuteStatement(self, params: dict[str, Any]) -> dict[str, Any]:
        transaction = params.get("transactionId")
        if transaction:
            conn = self._transactions[transaction]
        else:
            secret = params["secretArn"]
            if secret not in self._autocommit:
                self._autocommit[secret] = self._connect(secret, autocommit=True)
            conn = self._autocommit[secret]
        values = {p["name"]: _value(p["value"]) for p in params.get("parameters", [])}
        with conn.cursor() as cur:
            # Always a mapping, as the psycopg executor passes: a literal % is escaped as %% either way.
            cur.execute(to_pyformat(params["sql"]), values)  # type: ignore[arg-type]
            if cur.description is None:
                return {"numberOfRecordsUpdated": max(cur.rowcount, 0)}
            columns = [
                {"name": c.name, "label": c.name, "typeName": self._type_name(c.type_code)}
                for c in cur.description
            ]
            types = [c["typeName"] for c in columns]
            records = [[_field(t, v) for t, v in zip(types, row, strict=True)] for row in cur.fetchall()]
        return {"columnMetadata": columns, "records": records, "numberOfRecordsUpdated": 0}

    def _type_name(self, oid: int) -> str:
        if oid not in self._type_names:
            with psycopg.connect(self.database_url, autocommit=True) as conn:
                row = conn.execute("SELECT typname FROM pg_type WHERE oid = %s", (oid,)).fetchone()
            self._type_names[oid] = row[0] if row else "unknown"
        return self._type_names[oid]


def _error(code: str, message: str) -> tuple[AWSResponse, dict[str, Any]]:
    parsed = {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": 400}}
    return AWSResponse("https://rds-data", 400, {}, None), parsed  # type: ignore[arg-type]


def _value(field: dict[str, Any]) -> Any:
    """A SqlParameter's value as psycopg takes it (the SQL casts what is not text, as in AWS)."""
    if field.get("isNull"):
        return None
    ((kind, value),) = field.items()
    return bytes(value) if kind == "blobValue" else value


def _field(type_name: str, value: Any) -> dict[str, Any]:
    """A Data API Field, shaped as Aurora PostgreSQL returns it (JSON and timestamps as text)."""
    if value is None:
        return {"isNull": True}
    if type_name in ("json", "jsonb"):
        return {"stringValue": json.dumps(value, ensure_ascii=False)}
    if isinstance(value, bool):
        return {"booleanValue": value}
    if isinstance(value, int):
        return {"longValue": value}
    if isinstance(value, float):
        return {"doubleValue": value}
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return {"stringValue": value.strftime("%Y-%m-%d %H:%M:%S.%f")}
    if isinstance(value, date | time | Decimal | uuid.UUID):
        return {"stringValue": str(value)}
    if isinstance(value, bytes | memoryview):
        return {"blobValue": bytes(value)}
    if isinstance(value, list):  # a PostgreSQL array (type names start with "_")
        kind = "longValues" if all(isinstance(v, int) for v in value) else "stringValues"
        return {"arrayValue": {kind: [v if v is None or kind == "longValues" else str(v) for v in value]}}
    return {"stringValue": str(value)}

"""The Executor over the RDS Data API: what repositories run on in AWS (Aurora PostgreSQL).

Converts ``:name`` parameters to Data API ``SqlParameter``s and decodes ``records`` with
``columnMetadata`` into plain dict rows typed like the psycopg executor's (see executor.py).
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, timezone
from datetime import time as dtime
from decimal import Decimal
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from portal.db.executor import Params, Row, param_names
from portal.errors import DatabaseResuming, DatabaseUnavailable
from portal.invocation import remaining_seconds
from portal.observability import MetricName, logger, metrics

# Aurora Serverless v2 at 0 ACU takes ~15 s to resume, sometimes more: wait up to this long.
RESUME_BUDGET_SECONDS = 45.0
# Keep this much of the invocation for answering (a 503 the client retries beats a timeout).
RESERVED_SECONDS = 3.0
_MAX_RESUME_DELAY = 5.0
_RESUMING = "DatabaseResumingException"
# Transient everywhere: the request never ran (throttled); retried a few times.
_RETRYABLE = frozenset(
    {
        "ThrottlingException",
        "TooManyRequestsException",
        "ServiceUnavailableError",
    }
)
# Transient only outside a transaction: inside one, PostgreSQL has aborted it, so a retry fails.
_RETRYABLE_OUTSIDE_TRANSACTION = frozenset({"StatementTimeoutException", "DatabaseUnavailableException"})

# "2024-05-01 12:34:56.789", optionally with "T", any fraction length and a UTC offset.
_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$"
)
_TIME = re.compile(r"^(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$")


class DataApiExecutor:
    """Runs SQL through boto3's ``rds-data`` client; thread-safe because it holds no mutable state."""

    def __init__(
        self,
        client: Any,
        *,
        resource_arn: str,
        secret_arn: str,
        database: str,
        transaction_id: str | None = None,
        max_attempts: int = 5,
        base_delay: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        resume_budget: float = RESUME_BUDGET_SECONDS,
        remaining: Callable[[], float | None] = remaining_seconds,
    ) -> None:
        self._client = client
        self._resource_arn = resource_arn
        self._secret_arn = secret_arn
        self._database = database
        self._transaction_id = transaction_id
        self._max_attempts = max(1, max_attempts)
        self._base_delay = base_delay
        self._sleep = sleep
        self._clock = clock
        self._resume_budget = resume_budget
        self._remaining = remaining

    @property
    def transaction_id(self) -> str | None:
        """The Data API transaction this executor's statements run in, if any."""
        return self._transaction_id

    # --- Executor protocol -------------------------------------------------

    def fetch_all(self, sql: str, params: Params | None = None) -> list[Row]:
        """Run a query and return every row as a dict."""
        return decode_rows(self._execute_statement(sql, params))

    def fetch_one(self, sql: str, params: Params | None = None) -> Row | None:
        """Run a query and return its first row, or None when it returned none."""
        rows = self.fetch_all(sql, params)
        return rows[0] if rows else None

    def execute(self, sql: str, params: Params | None = None) -> int:
        """Run a statement; return the number of rows it affected."""
        return int(self._execute_statement(sql, params).get("numberOfRecordsUpdated", 0))

    @contextmanager
    def transaction(self) -> Iterator[DataApiExecutor]:
        """Yield an executor whose statements commit together, or roll back on any exception."""
        if self._transaction_id is not None:
            # Already inside one: the Data API has no savepoints, so join the outer transaction.
            yield self
            return
        begun = self._call(
            "begin_transaction",
            resourceArn=self._resource_arn,
            secretArn=self._secret_arn,
            database=self._database,
        )
        bound = self._bind(begun["transactionId"])
        try:
            yield bound
            bound._call(
                "commit_transaction",
                resourceArn=self._resource_arn,
                secretArn=self._secret_arn,
                transactionId=bound._transaction_id,
            )
        except BaseException:
            # Also after a failed commit, so the transaction is not left open until it times out.
            bound._rollback()
            raise

    def ping(self) -> bool:
        """Whether the database answers ``SELECT 1``; never raises."""
        try:
            self._execute_statement("SELECT 1", None)
        except Exception:  # a health check reports failure, it does not propagate it
            logger.warning("Data API ping failed", exc_info=True)
            return False
        return True

    # --- internals -----------------------------------------------------------

    def _bind(self, transaction_id: str) -> DataApiExecutor:
        return DataApiExecutor(
            self._client,
            resource_arn=self._resource_arn,
            secret_arn=self._secret_arn,
            database=self._database,
            transaction_id=transaction_id,
            max_attempts=self._max_attempts,
            base_delay=self._base_delay,
            sleep=self._sleep,
            clock=self._clock,
            resume_budget=self._resume_budget,
            remaining=self._remaining,
        )

    def _rollback(self) -> None:
        try:
            self._call(
                "rollback_transaction",
                resourceArn=self._resource_arn,
                secretArn=self._secret_arn,
                transactionId=self._transaction_id,
            )
        except Exception:  # keep the caller's original exception; the transaction times out anyway
            logger.warning("Data API rollback failed", exc_info=True)

    def _execute_statement(self, sql: str, params: Params | None) -> dict[str, Any]:
        request: dict[str, Any] = {
            "resourceArn": self._resource_arn,
            "secretArn": self._secret_arn,
            "database": self._database,
            "sql": sql,
            "parameters": to_sql_parameters(sql, params),
            "includeResultMetadata": True,
        }
        if self._transaction_id is not None:
            request["transactionId"] = self._transaction_id
        return self._call("execute_statement", **request)

    def _call(self, operation: str, **request: Any) -> dict[str, Any]:
        retryable = _RETRYABLE if self._transaction_id else _RETRYABLE | _RETRYABLE_OUTSIDE_TRANSACTION
        started = self._clock()
        attempt = 0
        while True:
            try:
                return getattr(self._client, operation)(**request)  # type: ignore[no-any-return]
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code", "")
                attempt += 1
                if code == _RESUMING:
                    delay = min(self._base_delay * 2 ** (attempt - 1), _MAX_RESUME_DELAY)
                    if not self._can_wait_for_resume(started, delay):
                        metrics.add_metric(name=MetricName.AURORA_RESUME_GAVE_UP, unit="Count", value=1)
                        logger.warning(
                            "Aurora did not resume in time",
                            extra={
                                "operation": operation,
                                "attempts": attempt,
                                "waited": self._clock() - started,
                            },
                        )
                        raise DatabaseResuming() from exc
                elif code in retryable and attempt < self._max_attempts:
                    delay = self._base_delay * 2 ** (attempt - 1)
                elif code in _RETRYABLE | _RETRYABLE_OUTSIDE_TRANSACTION:
                    # Still throttled, timed out or unavailable: the caller answers 503 + Retry-After
                    # (one error type for both executors), not a 500.
                    logger.warning("Data API unavailable", extra={"operation": operation, "error_code": code})
                    raise DatabaseUnavailable() from exc
                else:
                    raise
            except (BotoCoreError, ConnectionError) as exc:
                # The endpoint did not answer in time (read/connect timeout): same as unavailable.
                logger.warning(
                    "Data API did not answer", extra={"operation": operation, "error": type(exc).__name__}
                )
                raise DatabaseUnavailable() from exc
            logger.info(
                "Data API call will be retried",
                extra={"operation": operation, "error_code": code, "attempt": attempt, "delay": delay},
            )
            self._sleep(delay)

    def _can_wait_for_resume(self, started: float, delay: float) -> bool:
        """Whether sleeping `delay` more stays within the resume budget and the invocation's time."""
        if self._clock() - started + delay > self._resume_budget:
            return False
        left = self._remaining()
        return left is None or left - delay > RESERVED_SECONDS


# --- parameters --------------------------------------------------------------


def to_sql_parameters(sql: str, params: Params | None) -> list[dict[str, Any]]:
    """The Data API ``parameters`` for the ``:name``s the SQL uses (other keys are ignored)."""
    names = param_names(sql)
    given = params or {}
    missing = names - given.keys()
    if missing:
        raise ValueError(f"SQL parameter(s) without a value: {', '.join(sorted(missing))}")
    return [to_sql_parameter(name, given[name]) for name in sorted(names)]


def to_sql_parameter(name: str, value: Any) -> dict[str, Any]:
    """One Data API ``SqlParameter``; the SQL casts non-text values (``::uuid``, ``::jsonb``)."""
    parameter: dict[str, Any] = {"name": name}
    # bool before int (bool is an int) and datetime before date (datetime is a date).
    if value is None:
        parameter["value"] = {"isNull": True}
    elif isinstance(value, bool):
        parameter["value"] = {"booleanValue": value}
    elif isinstance(value, int):
        parameter["value"] = {"longValue": value}
    elif isinstance(value, float):
        parameter["value"] = {"doubleValue": value}
    elif isinstance(value, str):
        parameter["value"] = {"stringValue": value}
    elif isinstance(value, datetime):
        parameter["value"] = {"stringValue": _format_timestamp(value)}
        parameter["typeHint"] = "TIMESTAMP"
    elif isinstance(value, date):
        parameter["value"] = {"stringValue": value.isoformat()}
        parameter["typeHint"] = "DATE"
    elif isinstance(value, dtime):
        parameter["value"] = {"stringValue": value.strftime("%H:%M:%S.%f")}
        parameter["typeHint"] = "TIME"
    elif isinstance(value, Decimal):
        parameter["value"] = {"stringValue": str(value)}
        parameter["typeHint"] = "DECIMAL"
    elif isinstance(value, uuid.UUID):
        parameter["value"] = {"stringValue": str(value)}
    elif isinstance(value, dict | list | tuple):
        parameter["value"] = {"stringValue": json.dumps(value, ensure_ascii=False)}
    elif isinstance(value, bytes | bytearray | memoryview):
        parameter["value"] = {"blobValue": bytes(value)}
    else:
        raise TypeError(f"unsupported SQL parameter type for {name!r}: {type(value).__name__}")
    return parameter


def _format_timestamp(value: datetime) -> str:
    # TIMESTAMP hints take no offset, so send UTC; naive datetimes are taken to be UTC already.
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


# --- rows --------------------------------------------------------------------


def decode_rows(response: dict[str, Any]) -> list[Row]:
    """Rows as dicts from an ``ExecuteStatement`` response made with ``includeResultMetadata``."""
    columns = response.get("columnMetadata", [])
    names = [column.get("label") or column.get("name") or f"column{i}" for i, column in enumerate(columns)]
    type_names = [(column.get("typeName") or "").lower() for column in columns]
    return [
        {
            name: _decode(type_name, field)
            for name, type_name, field in zip(names, type_names, record, strict=False)
        }
        for record in response.get("records", [])
    ]


def _decode(type_name: str, field: dict[str, Any]) -> Any:
    if field.get("isNull"):
        return None
    if "arrayValue" in field:
        return _decode_array(_element_type(type_name), field["arrayValue"])
    for key in ("booleanValue", "longValue", "doubleValue", "stringValue", "blobValue"):
        if key in field:
            return _decode_scalar(type_name, field[key])
    return None


def _element_type(type_name: str) -> str:
    # PostgreSQL names array types "_text" (JDBC) or "text[]".
    if type_name.startswith("_"):
        return type_name[1:]
    return type_name.removesuffix("[]")


def _decode_array(element_type: str, array: dict[str, Any]) -> list[Any]:
    if "arrayValues" in array:
        return [_decode_array(element_type, inner) for inner in array["arrayValues"]]
    for key in ("booleanValues", "longValues", "doubleValues", "stringValues"):
        if key in array:
            return [None if value is None else _decode_scalar(element_type, value) for value in array[key]]
    return []


def _decode_scalar(type_name: str, value: Any) -> Any:
    decoder = _DECODERS.get(type_name)
    return decoder(value) if decoder else value


def _to_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in {"t", "true", "1", "y", "yes", "on"}
    return bool(value)


def _to_json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _fraction_to_microseconds(fraction: str | None) -> int:
    # PostgreSQL gives up to 6 digits; the Data API trims trailing zeros ("…56.789").
    return int((fraction or "0")[:6].ljust(6, "0"))


def parse_timestamp(value: str) -> datetime:
    """An aware UTC datetime from the Data API's ``YYYY-MM-DD HH:MM:SS[.f…]`` (UTC) text."""
    match = _TIMESTAMP.match(value.strip())
    if not match:
        raise ValueError(f"not a timestamp: {value!r}")
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    tz: timezone = UTC
    if offset and offset != "Z":
        digits = offset[1:].replace(":", "")
        delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        tz = timezone(-delta if offset[0] == "-" else delta)
    parsed = datetime(
        int(year),
        int(month),
        int(day),
        int(hour),
        int(minute),
        int(second),
        _fraction_to_microseconds(fraction),
        tzinfo=tz,
    )
    return parsed.astimezone(UTC)


def _to_time(value: str) -> dtime:
    match = _TIME.match(value.strip())
    if not match:
        return dtime.fromisoformat(value)
    hour, minute, second, fraction = match.groups()
    return dtime(int(hour), int(minute), int(second), _fraction_to_microseconds(fraction))


_DECODERS: dict[str, Callable[[Any], Any]] = {
    "json": _to_json,
    "jsonb": _to_json,
    "timestamptz": parse_timestamp,
    "timestamp": parse_timestamp,
    "date": date.fromisoformat,
    "time": _to_time,
    "uuid": str,
    "numeric": float,
    "decimal": float,
    "int2": int,
    "int4": int,
    "int8": int,
    "serial": int,
    "serial4": int,
    "serial8": int,
    "bigserial": int,
    "oid": int,
    "bool": _to_bool,
    "float4": float,
    "float8": float,
    "text": str,
    "varchar": str,
    "bpchar": str,
    "name": str,
    "inet": str,
    "cidr": str,
}

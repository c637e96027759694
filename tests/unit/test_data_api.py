"""DataApiExecutor against a stubbed ``rds-data`` client (botocore validates every request and response)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from portal.db import data_api
from portal.db.data_api import RESERVED_SECONDS, RESUME_BUDGET_SECONDS, DataApiExecutor
from portal.errors import DatabaseResuming, DatabaseUnavailable
from portal.observability import MetricName

CLUSTER_ARN = "arn:aws:rds:ap-northeast-2:123456789012:cluster:portal"
SECRET_ARN = "arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:portal-db-AbCdEf"
DATABASE = "portal"
TX_ID = "AQC5SRDIm7yoQxMoaSVe6GUhxwLkhq1YCfq6DQtj5nLzSZrL9uXx7Khc"

# JDBC type codes the Data API reports in columnMetadata["type"].
JDBC_TYPES = {
    "int4": 4,
    "int8": -5,
    "bool": -7,
    "float8": 8,
    "numeric": 2,
    "text": 12,
    "varchar": 12,
    "timestamptz": 93,
    "date": 91,
    "uuid": 1111,
    "jsonb": 1111,
    "json": 1111,
    "inet": 1111,
    "_text": 2003,
    "_int4": 2003,
}


class FakeSleep:
    """Records the backoff delays instead of sleeping; `now` is the time they add up to."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)

    def now(self) -> float:
        return sum(self.delays)


@pytest.fixture
def client() -> Any:
    # Explicit dummy credentials: no lookup of the environment or instance metadata.
    return boto3.client(
        "rds-data",
        region_name="ap-northeast-2",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture
def stubber(client: Any) -> Iterator[Stubber]:
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()


@pytest.fixture
def sleep() -> FakeSleep:
    return FakeSleep()


@pytest.fixture
def executor(client: Any, sleep: FakeSleep) -> DataApiExecutor:
    return DataApiExecutor(
        client,
        resource_arn=CLUSTER_ARN,
        secret_arn=SECRET_ARN,
        database=DATABASE,
        sleep=sleep,
        clock=sleep.now,
        remaining=lambda: None,  # outside Lambda: only the resume budget bounds the wait
    )


def column(name: str, type_name: str, *, label: str | None = None) -> dict[str, Any]:
    """A columnMetadata entry shaped like the Data API's for PostgreSQL."""
    array_base = {"_text": 12, "_int4": 4}.get(type_name, 0)
    return {
        "name": name,
        "label": name if label is None else label,
        "type": JDBC_TYPES[type_name],
        "typeName": type_name,
        "schemaName": "",
        "tableName": "",
        "isAutoIncrement": False,
        "isSigned": type_name in {"int4", "int8", "float8", "numeric"},
        "isCurrency": False,
        "isCaseSensitive": type_name in {"text", "varchar"},
        "nullable": 1,
        "precision": 2147483647,
        "scale": 0,
        "arrayBaseColumnType": array_base,
    }


def statement(
    sql: str, parameters: list[dict[str, Any]] | None = None, transaction_id: str | None = None
) -> dict[str, Any]:
    """The ExecuteStatement request the executor is expected to send."""
    request: dict[str, Any] = {
        "resourceArn": CLUSTER_ARN,
        "secretArn": SECRET_ARN,
        "database": DATABASE,
        "sql": sql,
        "parameters": parameters or [],
        "includeResultMetadata": True,
    }
    if transaction_id is not None:
        request["transactionId"] = transaction_id
    return request


def result(columns: list[dict[str, Any]], records: list[list[dict[str, Any]]]) -> dict[str, Any]:
    """An ExecuteStatement response for a query."""
    return {"columnMetadata": columns, "records": records, "numberOfRecordsUpdated": 0}


UPDATED_NOTHING = {"numberOfRecordsUpdated": 0}
SELECT_ONE = result([column("?column?", "int4")], [[{"longValue": 1}]])


def resuming_error(stubber: Stubber, expected: dict[str, Any]) -> None:
    stubber.add_client_error(
        "execute_statement",
        service_error_code="DatabaseResumingException",
        service_message="The Aurora DB instance db-1 is resuming after being auto-paused.",
        http_status_code=400,
        expected_params=expected,
    )


# --- parameters ---------------------------------------------------------------

SEOUL = timezone(timedelta(hours=9))
A_UUID = uuid.UUID("6f1c2a7e-3b7d-4d8e-9a51-0c2f4e6b8d10")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(None, {"name": "v", "value": {"isNull": True}}, id="none-is-null"),
        pytest.param(True, {"name": "v", "value": {"booleanValue": True}}, id="bool-not-long"),
        pytest.param(42, {"name": "v", "value": {"longValue": 42}}, id="int-long"),
        pytest.param(0.25, {"name": "v", "value": {"doubleValue": 0.25}}, id="float-double"),
        pytest.param("hello", {"name": "v", "value": {"stringValue": "hello"}}, id="str-string"),
        pytest.param(
            datetime(2024, 5, 1, 21, 34, 56, 789000, tzinfo=SEOUL),
            {"name": "v", "value": {"stringValue": "2024-05-01 12:34:56.789000"}, "typeHint": "TIMESTAMP"},
            id="aware-datetime-as-utc-timestamp",
        ),
        pytest.param(
            datetime(2024, 5, 1, 12, 34, 56),
            {"name": "v", "value": {"stringValue": "2024-05-01 12:34:56.000000"}, "typeHint": "TIMESTAMP"},
            id="naive-datetime-taken-as-utc",
        ),
        pytest.param(
            date(2024, 5, 1),
            {"name": "v", "value": {"stringValue": "2024-05-01"}, "typeHint": "DATE"},
            id="date",
        ),
        pytest.param(
            Decimal("12.50"),
            {"name": "v", "value": {"stringValue": "12.50"}, "typeHint": "DECIMAL"},
            id="decimal",
        ),
        pytest.param(
            {"title": "회의록", "tags": ["a"]},
            {"name": "v", "value": {"stringValue": '{"title": "회의록", "tags": ["a"]}'}},
            id="dict-json-text-unescaped",
        ),
        pytest.param([1, "two"], {"name": "v", "value": {"stringValue": '[1, "two"]'}}, id="list-json-text"),
        pytest.param(A_UUID, {"name": "v", "value": {"stringValue": str(A_UUID)}}, id="uuid-string"),
        pytest.param(b"\x00\x01", {"name": "v", "value": {"blobValue": b"\x00\x01"}}, id="bytes-blob"),
    ],
)
def test_parameter_is_sent_as_the_matching_sql_parameter(
    executor: DataApiExecutor, stubber: Stubber, value: Any, expected: dict[str, Any]
) -> None:
    # Given a statement using :v
    sql = "UPDATE t SET v = :v"
    stubber.add_response("execute_statement", UPDATED_NOTHING, statement(sql, [expected]))

    # When it runs with that value
    executor.execute(sql, {"v": value})

    # Then the stub saw the converted parameter (it fails the test otherwise)


def test_only_parameters_named_in_the_sql_are_sent(executor: DataApiExecutor, stubber: Stubber) -> None:
    # Given SQL naming :id (cast to uuid) and params with an extra key
    sql = "SELECT title FROM chats WHERE id = :id::uuid"
    expected = statement(sql, [{"name": "id", "value": {"stringValue": str(A_UUID)}}])
    stubber.add_response("execute_statement", result([column("title", "text")], []), expected)

    # When it runs
    executor.fetch_all(sql, {"id": str(A_UUID), "unused": "x"})

    # Then only :id was sent, and the ::uuid cast was not mistaken for a parameter


def test_a_named_parameter_without_a_value_is_rejected_before_calling(executor: DataApiExecutor) -> None:
    # Given SQL naming :id but no value for it
    # When it runs / Then it fails locally, naming the parameter
    with pytest.raises(ValueError, match="id"):
        executor.fetch_all("SELECT 1 WHERE :id::uuid IS NOT NULL", {})


def test_an_unsupported_parameter_type_is_rejected(executor: DataApiExecutor) -> None:
    # Given a value the Data API cannot carry
    # When it is passed / Then a TypeError names the parameter
    with pytest.raises(TypeError, match="'v'"):
        executor.execute("UPDATE t SET v = :v", {"v": object()})


# --- rows ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_name", "field", "expected"),
    [
        pytest.param(
            "jsonb",
            {"stringValue": '{"model": "claude", "n": [1, 2]}'},
            {"model": "claude", "n": [1, 2]},
            id="jsonb",
        ),
        pytest.param("json", {"stringValue": "[true, null]"}, [True, None], id="json"),
        pytest.param(
            "timestamptz",
            {"stringValue": "2024-05-01 12:34:56.789"},
            datetime(2024, 5, 1, 12, 34, 56, 789000, tzinfo=UTC),
            id="timestamptz-millis",
        ),
        pytest.param(
            "timestamptz",
            {"stringValue": "2024-05-01 12:34:56"},
            datetime(2024, 5, 1, 12, 34, 56, tzinfo=UTC),
            id="timestamptz-no-fraction",
        ),
        pytest.param(
            "timestamptz",
            {"stringValue": "2024-05-01 12:34:56.123456"},
            datetime(2024, 5, 1, 12, 34, 56, 123456, tzinfo=UTC),
            id="timestamptz-micros",
        ),
        pytest.param(
            "uuid", {"stringValue": "6f1c2a7e-3b7d-4d8e-9a51-0c2f4e6b8d10"}, str(A_UUID), id="uuid-as-str"
        ),
        pytest.param("numeric", {"stringValue": "12.50"}, 12.5, id="numeric-as-float"),
        pytest.param("int8", {"longValue": 9007199254740993}, 9007199254740993, id="int8"),
        pytest.param("int4", {"longValue": 7}, 7, id="int4"),
        pytest.param("bool", {"booleanValue": False}, False, id="bool"),
        pytest.param("float8", {"doubleValue": 0.5}, 0.5, id="float8"),
        pytest.param("text", {"stringValue": "안녕하세요"}, "안녕하세요", id="text"),
        pytest.param("varchar", {"stringValue": "user"}, "user", id="varchar"),
        pytest.param("inet", {"stringValue": "10.0.0.1"}, "10.0.0.1", id="inet"),
        pytest.param("date", {"stringValue": "2024-05-01"}, date(2024, 5, 1), id="date"),
        pytest.param("_text", {"arrayValue": {"stringValues": ["a", "b"]}}, ["a", "b"], id="text-array"),
        pytest.param("_int4", {"arrayValue": {"longValues": [1, 2]}}, [1, 2], id="int-array"),
        pytest.param(
            "_int4",
            {"arrayValue": {"arrayValues": [{"longValues": [1, 2]}, {"longValues": [3, 4]}]}},
            [[1, 2], [3, 4]],
            id="nested-int-array",
        ),
        pytest.param("jsonb", {"isNull": True}, None, id="null"),
    ],
)
def test_column_value_is_decoded_by_its_type(
    executor: DataApiExecutor, stubber: Stubber, type_name: str, field: dict[str, Any], expected: Any
) -> None:
    # Given the Data API returns one column of this type
    sql = "SELECT v FROM t"
    stubber.add_response("execute_statement", result([column("v", type_name)], [[field]]), statement(sql))

    # When the row is fetched
    row = executor.fetch_one(sql)

    # Then the value has the Python type repositories expect
    assert row == {"v": expected}
    assert type(row["v"]) is type(expected)


def test_timestamps_are_aware_utc_datetimes(executor: DataApiExecutor, stubber: Stubber) -> None:
    # Given a timestamptz column
    sql = "SELECT created_at FROM chats"
    response = result([column("created_at", "timestamptz")], [[{"stringValue": "2024-05-01 12:34:56.5"}]])
    stubber.add_response("execute_statement", response, statement(sql))

    # When it is fetched
    row = executor.fetch_one(sql)

    # Then it is timezone-aware in UTC
    assert row is not None
    assert row["created_at"].utcoffset() == timedelta(0)
    assert row["created_at"].microsecond == 500000


def test_columns_are_named_by_label(executor: DataApiExecutor, stubber: Stubber) -> None:
    # Given a column aliased in SQL (the Data API puts the alias in "label")
    sql = "SELECT count(*) AS total FROM chats"
    response = result([column("count", "int8", label="total")], [[{"longValue": 3}]])
    stubber.add_response("execute_statement", response, statement(sql))

    # When it is fetched / Then the row key is the alias
    assert executor.fetch_one(sql) == {"total": 3}


def test_fetch_all_returns_every_row_in_order(executor: DataApiExecutor, stubber: Stubber) -> None:
    # Given two rows with two columns
    sql = "SELECT id, name FROM users ORDER BY name"
    columns = [column("id", "uuid"), column("name", "text")]
    records = [
        [{"stringValue": "00000000-0000-0000-0000-000000000001"}, {"stringValue": "a"}],
        [{"stringValue": "00000000-0000-0000-0000-000000000002"}, {"isNull": True}],
    ]
    stubber.add_response("execute_statement", result(columns, records), statement(sql))

    # When they are fetched
    rows = executor.fetch_all(sql)

    # Then each is a dict keyed by column
    assert rows == [
        {"id": "00000000-0000-0000-0000-000000000001", "name": "a"},
        {"id": "00000000-0000-0000-0000-000000000002", "name": None},
    ]


def test_fetch_one_without_rows_returns_none(executor: DataApiExecutor, stubber: Stubber) -> None:
    # Given a query matching nothing
    sql = "SELECT id FROM users WHERE email = :email"
    expected = statement(sql, [{"name": "email", "value": {"stringValue": "nobody@example.com"}}])
    stubber.add_response("execute_statement", result([column("id", "uuid")], []), expected)

    # When one row is fetched / Then there is none
    assert executor.fetch_one(sql, {"email": "nobody@example.com"}) is None


def test_execute_returns_the_number_of_rows_updated(executor: DataApiExecutor, stubber: Stubber) -> None:
    # Given an update touching three rows
    sql = "UPDATE chats SET archived = true WHERE user_id = :user_id::uuid"
    expected = statement(sql, [{"name": "user_id", "value": {"stringValue": str(A_UUID)}}])
    stubber.add_response("execute_statement", {"numberOfRecordsUpdated": 3}, expected)

    # When it runs / Then the count comes back
    assert executor.execute(sql, {"user_id": str(A_UUID)}) == 3


# --- transactions -------------------------------------------------------------

BEGIN = {"resourceArn": CLUSTER_ARN, "secretArn": SECRET_ARN, "database": DATABASE}
END = {"resourceArn": CLUSTER_ARN, "secretArn": SECRET_ARN, "transactionId": TX_ID}
INSERT = "INSERT INTO chats (id) VALUES (:id::uuid)"
INSERT_PARAMS = [{"name": "id", "value": {"stringValue": str(A_UUID)}}]


def test_transaction_commits_when_the_block_succeeds(executor: DataApiExecutor, stubber: Stubber) -> None:
    # Given begin, one statement bound to the transaction, and commit
    stubber.add_response("begin_transaction", {"transactionId": TX_ID}, BEGIN)
    stubber.add_response(
        "execute_statement", {"numberOfRecordsUpdated": 1}, statement(INSERT, INSERT_PARAMS, TX_ID)
    )
    stubber.add_response("commit_transaction", {"transactionStatus": "Transaction Committed"}, END)

    # When the block completes
    with executor.transaction() as tx:
        tx.execute(INSERT, {"id": str(A_UUID)})

    # Then it was committed (the stubber checks every call in order)


def test_transaction_rolls_back_and_reraises_when_the_block_fails(
    executor: DataApiExecutor, stubber: Stubber
) -> None:
    # Given begin, one statement, and a rollback
    stubber.add_response("begin_transaction", {"transactionId": TX_ID}, BEGIN)
    stubber.add_response(
        "execute_statement", {"numberOfRecordsUpdated": 1}, statement(INSERT, INSERT_PARAMS, TX_ID)
    )
    stubber.add_response("rollback_transaction", {"transactionStatus": "Rollback Complete"}, END)

    # When the block raises / Then the same exception escapes after the rollback
    with pytest.raises(RuntimeError, match="boom"), executor.transaction() as tx:
        tx.execute(INSERT, {"id": str(A_UUID)})
        raise RuntimeError("boom")


def test_transaction_rolls_back_when_the_commit_fails(executor: DataApiExecutor, stubber: Stubber) -> None:
    # Given a commit the database refuses
    stubber.add_response("begin_transaction", {"transactionId": TX_ID}, BEGIN)
    stubber.add_client_error(
        "commit_transaction",
        service_error_code="DatabaseErrorException",
        service_message="ERROR: deferred constraint violated",
        http_status_code=400,
        expected_params=END,
    )
    stubber.add_response("rollback_transaction", {"transactionStatus": "Rollback Complete"}, END)

    # When the block completes / Then the commit error escapes after a rollback
    with pytest.raises(ClientError, match="DatabaseErrorException"), executor.transaction():
        pass


def test_nested_transaction_joins_the_outer_one(executor: DataApiExecutor, stubber: Stubber) -> None:
    # Given an open transaction
    stubber.add_response("begin_transaction", {"transactionId": TX_ID}, BEGIN)
    stubber.add_response("commit_transaction", {"transactionStatus": "Transaction Committed"}, END)

    # When a transaction is opened inside it
    with executor.transaction() as outer, outer.transaction() as inner:
        # Then it is the same executor: no second begin, one commit at the end
        assert inner is outer
        assert inner.transaction_id == TX_ID


# --- retries and errors ---------------------------------------------------------


def test_resuming_database_is_retried_with_backoff(
    executor: DataApiExecutor, stubber: Stubber, sleep: FakeSleep
) -> None:
    # Given a cluster that answers "resuming" twice, then the query
    resuming_error(stubber, statement("SELECT 1"))
    resuming_error(stubber, statement("SELECT 1"))
    stubber.add_response("execute_statement", SELECT_ONE, statement("SELECT 1"))

    # When the query runs
    row = executor.fetch_one("SELECT 1")

    # Then it succeeded after exponentially growing waits
    assert row == {"?column?": 1}
    assert sleep.delays == [0.5, 1.0]


def test_a_cluster_that_resumes_within_the_budget_is_waited_for(
    executor: DataApiExecutor, stubber: Stubber, sleep: FakeSleep
) -> None:
    # Given a cluster that answers "resuming" nine times (about 30 s), then the query
    for _ in range(9):
        resuming_error(stubber, statement("SELECT 1"))
    stubber.add_response("execute_statement", SELECT_ONE, statement("SELECT 1"))

    # When the query runs
    row = executor.fetch_one("SELECT 1")

    # Then it waited with backoff capped at 5 s, within the ~45 s budget, and succeeded
    assert row == {"?column?": 1}
    assert sleep.delays == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0, 5.0, 5.0, 5.0]
    assert sum(sleep.delays) <= RESUME_BUDGET_SECONDS


def test_a_cluster_still_resuming_after_the_budget_is_a_503_with_retry_after(
    executor: DataApiExecutor, stubber: Stubber, sleep: FakeSleep
) -> None:
    # Given a cluster that keeps answering "resuming" (12 answers use up the 45 s budget)
    for _ in range(12):
        resuming_error(stubber, statement("SELECT 1"))

    # When the query runs / Then it gives up with the typed error, in Korean, within the budget
    with pytest.raises(DatabaseResuming, match="데이터베이스를 깨우는 중입니다") as raised:
        executor.fetch_all("SELECT 1")
    assert raised.value.status_code == 503 and raised.value.retry_after
    assert sum(sleep.delays) <= RESUME_BUDGET_SECONDS
    assert sum(sleep.delays) > RESUME_BUDGET_SECONDS - 5.0


def test_the_wait_for_resume_leaves_the_lambda_time_to_answer(
    client: Any, stubber: Stubber, sleep: FakeSleep
) -> None:
    # Given a Lambda invocation with 8 s left and a cluster that keeps resuming
    executor = DataApiExecutor(
        client,
        resource_arn=CLUSTER_ARN,
        secret_arn=SECRET_ARN,
        database=DATABASE,
        sleep=sleep,
        clock=sleep.now,
        remaining=lambda: 8.0 - sleep.now(),
    )
    for _ in range(4):  # after 3.5 s of waits, a 4 s wait would leave less than the reserve
        resuming_error(stubber, statement("SELECT 1"))

    # When the query runs / Then it stops waiting while the invocation can still answer
    with pytest.raises(DatabaseResuming):
        executor.fetch_all("SELECT 1")
    assert sleep.now() <= 8.0 - RESERVED_SECONDS


def test_giving_up_on_a_resume_emits_the_alarmed_metric(
    executor: DataApiExecutor, stubber: Stubber, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a cluster that never finishes resuming, and the metrics recorder
    emitted: list[str] = []
    monkeypatch.setattr(data_api.metrics, "add_metric", lambda name, **_: emitted.append(name))
    for _ in range(12):
        resuming_error(stubber, statement("SELECT 1"))

    # When the executor gives up
    with pytest.raises(DatabaseResuming):
        executor.fetch_all("SELECT 1")

    # Then it says so once, under the metric name the alarm watches
    assert emitted == [MetricName.AURORA_RESUME_GAVE_UP]


def test_throttling_retries_are_bounded(
    executor: DataApiExecutor, stubber: Stubber, sleep: FakeSleep
) -> None:
    # Given a Data API that keeps throttling
    for _ in range(5):
        stubber.add_client_error(
            "execute_statement",
            service_error_code="ThrottlingException",
            service_message="Rate exceeded",
            http_status_code=400,
            expected_params=statement("SELECT 1"),
        )

    # When the query runs / Then it gives up after five attempts as "unavailable" (503 + Retry-After)
    with pytest.raises(DatabaseUnavailable) as raised:
        executor.fetch_all("SELECT 1")
    assert isinstance(raised.value.__cause__, ClientError)
    assert "ThrottlingException" in str(raised.value.__cause__)
    assert sleep.delays == [0.5, 1.0, 2.0, 4.0]


def test_statement_timeout_is_retried_outside_a_transaction(
    executor: DataApiExecutor, stubber: Stubber, sleep: FakeSleep
) -> None:
    # Given a statement that times out once
    stubber.add_client_error(
        "execute_statement",
        service_error_code="StatementTimeoutException",
        service_message="Request timed out",
        http_status_code=400,
        expected_params=statement("SELECT 1"),
    )
    stubber.add_response("execute_statement", SELECT_ONE, statement("SELECT 1"))

    # When it runs / Then the retry succeeds
    assert executor.fetch_one("SELECT 1") == {"?column?": 1}
    assert sleep.delays == [0.5]


def test_statement_timeout_is_not_retried_inside_a_transaction(
    executor: DataApiExecutor, stubber: Stubber, sleep: FakeSleep
) -> None:
    # Given a transaction whose statement times out (PostgreSQL aborts the transaction)
    stubber.add_response("begin_transaction", {"transactionId": TX_ID}, BEGIN)
    stubber.add_client_error(
        "execute_statement",
        service_error_code="StatementTimeoutException",
        service_message="Request timed out",
        http_status_code=400,
        expected_params=statement("SELECT 1", transaction_id=TX_ID),
    )
    stubber.add_response("rollback_transaction", {"transactionStatus": "Rollback Complete"}, END)

    # When it runs / Then it fails at once as "unavailable" (503) and the transaction is rolled back
    with pytest.raises(DatabaseUnavailable) as raised, executor.transaction() as tx:
        tx.fetch_all("SELECT 1")
    assert "StatementTimeoutException" in str(raised.value.__cause__)
    assert sleep.delays == []


def test_non_retryable_error_propagates_at_once(
    executor: DataApiExecutor, stubber: Stubber, sleep: FakeSleep
) -> None:
    # Given a statement the database rejects
    stubber.add_client_error(
        "execute_statement",
        service_error_code="DatabaseErrorException",
        service_message='ERROR: relation "nope" does not exist',
        http_status_code=400,
        expected_params=statement("SELECT * FROM nope"),
    )

    # When it runs / Then the error escapes without retries
    with pytest.raises(ClientError, match="DatabaseErrorException"):
        executor.fetch_all("SELECT * FROM nope")
    assert sleep.delays == []


def test_ping_is_true_when_the_database_answers(executor: DataApiExecutor, stubber: Stubber) -> None:
    # Given a database answering SELECT 1
    stubber.add_response("execute_statement", SELECT_ONE, statement("SELECT 1"))

    # When pinged / Then it is up
    assert executor.ping() is True


def test_ping_is_false_on_error(executor: DataApiExecutor, stubber: Stubber) -> None:
    # Given a database the caller may not reach
    stubber.add_client_error(
        "execute_statement",
        service_error_code="ForbiddenException",
        service_message="HttpEndpoint is not enabled",
        http_status_code=403,
        expected_params=statement("SELECT 1"),
    )

    # When pinged / Then it reports down instead of raising
    assert executor.ping() is False

"""Starts the whole local target in this process: PostgreSQL, moto, the server on a port."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path
from typing import Any

from portal import services
from portal.db.migrate import apply_migrations
from portal.observability import logger
from portal.settings import get_settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# Fake credentials so boto3 signs requests; moto accepts anything and nothing leaves the machine.
LOCAL_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "ap-northeast-2",
    "AWS_REGION": "ap-northeast-2",
    "PORTAL_ENVIRONMENT": "local",
    "POWERTOOLS_TRACE_DISABLED": "true",
    # EMF metrics print to stdout; on this machine nothing collects them.
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_METRICS_NAMESPACE": "AIPortal",
}


class LocalTarget:
    """The portal on this machine. Use as a context manager, or start()/stop()."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        data_dir: str | Path | None = None,
        database_url: str | None = None,
        web_dist: Path | None = None,
        extra_env: dict[str, str] | None = None,
        migrate_url: str | None = None,
    ) -> None:
        self.host = host
        self.port = port or free_port()
        self.data_dir = Path(data_dir or os.environ.get("PORTAL_LOCAL_DATA_DIR", ".local"))
        self.database_url = database_url
        # Who migrates when the portal signs in as the app role (as in AWS): the database's owner.
        self.migrate_url = migrate_url
        self.web_dist = web_dist
        self.extra_env = extra_env or {}
        self._mock: Any = None
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._saved_env: dict[str, str | None] = {}

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.port}/ws"

    def _set_env(self, values: dict[str, str]) -> None:
        for key, value in values.items():
            self._saved_env.setdefault(key, os.environ.get(key))
            os.environ[key] = value
        services.reset()

    def start(self, *, serve: bool = True) -> LocalTarget:
        """Bring everything up; with serve=False no HTTP server runs (CLI one-shots)."""
        from moto import mock_aws

        # The local issuer lives on this server's origin; its keys in the data dir.
        self._set_env(
            {
                **LOCAL_AWS_ENV,
                "PORTAL_OIDC_ISSUER": f"{self.base_url}/oidc",
                "PORTAL_LOCAL_DATA_DIR": str(self.data_dir),
                **self.extra_env,
            }
        )
        if self.database_url is None and not os.environ.get("DATABASE_URL"):
            from portal.db.embedded import start_embedded_postgres

            self.database_url = start_embedded_postgres(self.data_dir)
        self._set_env({"DATABASE_URL": self.database_url or os.environ["DATABASE_URL"]})
        applied = self._migrate()
        if applied:
            logger.info("migrations applied", extra={"applied": applied})

        # Requests to the local management endpoint must reach our server, not moto.
        self._mock = mock_aws(
            config={
                "stepfunctions": {"execute_state_machine": True},
                "core": {"passthrough": {"urls": [rf"http://{self.host}:{self.port}/.*"]}},
            }
        )
        self._mock.start()
        from portal.local.moto_aws import provision

        created = provision(get_settings())
        self._set_env(
            {
                "PORTAL_CHAT_STATE_MACHINE_ARN": created["chat_state_machine_arn"],
                "PORTAL_RESEARCH_STATE_MACHINE_ARN": created["research_state_machine_arn"],
                "PORTAL_WS_MANAGEMENT_ENDPOINT": self.base_url,
                "PORTAL_UPLOADS_ENDPOINT_URL": f"{self.base_url}/local/s3",  # S3 stand-in: local/uploads.py
            }
        )
        if serve:
            self._serve()
        return self

    def _serve(self) -> None:
        import uvicorn

        from portal.local.server import create_local_app

        config = uvicorn.Config(
            create_local_app(self.web_dist),
            host=self.host,
            port=self.port,
            log_level="warning",
            ws="websockets-sansio",
            # uvicorn closes an idle keep-alive connection after 5 s by default. A client that
            # reuses it just as the (busy) event loop closes it gets "Server disconnected without
            # sending a response": a turn that streams for ~5 s and then lists its messages hit
            # exactly that under 50 users. API Gateway keeps idle connections far longer, so the
            # local stand-in does too.
            timeout_keep_alive=75,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="portal-local-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"the local server did not start on {self.base_url}")
            time.sleep(0.02)

    def wait(self) -> None:
        """Block until the server stops (Ctrl-C)."""
        assert self._thread is not None
        try:
            while self._thread.is_alive():
                self._thread.join(0.5)
        except KeyboardInterrupt:
            pass

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            if self._thread is not None:
                self._thread.join(10)
        if self._mock is not None:
            self._mock.stop()
        services.reset()
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        services.reset()

    def _migrate(self) -> list[str]:
        if not self.migrate_url:
            return apply_migrations(services.db())
        from portal.db.psycopg_executor import PsycopgExecutor

        owner = PsycopgExecutor(self.migrate_url, min_size=1, max_size=1)
        try:
            return apply_migrations(owner)
        finally:
            owner.close()

    def __enter__(self) -> LocalTarget:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

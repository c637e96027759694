"""The API includes route modules on demand (portal/api/app.py): the table that says which module
serves which path must name every route's module, and a lazily built app must route exactly as
one with every module included."""

from __future__ import annotations

import importlib

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from portal.api.app import ALL_ROUTE_MODULES, API_PREFIX, ROUTE_MODULES, create_app, modules_for

ROUTES_PACKAGE = "portal.api.routes"


def _route_modules_on_disk() -> set[str]:
    from importlib.resources import files

    return {
        p.name.removesuffix(".py")
        for p in files(ROUTES_PACKAGE).iterdir()
        if p.name.endswith(".py") and p.name != "__init__.py"
    }


def test_every_route_module_is_in_the_table() -> None:
    # A module added under portal/api/routes but not to ROUTE_MODULES would never be served.
    assert set(ALL_ROUTE_MODULES) == _route_modules_on_disk()


def test_every_route_is_served_by_the_modules_its_path_loads() -> None:
    for name in ALL_ROUTE_MODULES:
        module = importlib.import_module(f"{ROUTES_PACKAGE}.{name}")
        for route in module.router.routes:
            assert isinstance(route, APIRoute)
            path = API_PREFIX + route.path
            assert name in modules_for(path), f"{path} ({name}) is not loaded by its segment"


def test_paths_outside_the_table_load_everything_and_others_nothing() -> None:
    assert modules_for("/api/openapi.json") == ALL_ROUTE_MODULES
    assert modules_for("/api/docs") == ALL_ROUTE_MODULES
    assert modules_for("/api/no-such-thing/1") == ALL_ROUTE_MODULES
    assert modules_for("/api") == ALL_ROUTE_MODULES
    assert modules_for("/ws") == ()
    assert modules_for("/apiary") == ()
    assert modules_for("/api/conversations/1/messages") == ROUTE_MODULES["conversations"]


def test_a_request_loads_only_the_modules_of_its_path() -> None:
    app = create_app()
    assert app.state.routes.loaded == frozenset()
    client = TestClient(app)
    assert client.get("/api/health").json() == {"status": "ok"}
    assert app.state.routes.loaded == frozenset({"health"})
    # An unknown API path is a 404 after everything was loaded, not because it was missing.
    missing = client.get("/api/nothing-here")
    assert missing.status_code == 404
    assert app.state.routes.loaded == frozenset(ALL_ROUTE_MODULES)


def test_lazy_routes_keep_their_place_before_routes_added_later() -> None:
    # The local server adds its web UI's catch-all after create_app: API routes loaded later
    # must still match first.
    app = create_app()

    @app.get("/{path:path}")
    def catch_all(path: str) -> dict:
        return {"caught": path}

    client = TestClient(app)
    assert client.get("/api/health").json() == {"status": "ok"}
    assert client.get("/elsewhere").json() == {"caught": "elsewhere"}


def test_the_openapi_document_lists_every_route_whatever_was_loaded_before() -> None:
    eager = create_app(load_routes=True).openapi()["paths"]
    app = create_app()
    client = TestClient(app)
    client.get("/api/health")
    assert client.get("/api/openapi.json").json()["paths"] == eager


def test_the_static_import_list_names_every_route_module() -> None:
    # What tools that follow imports (mypy, tests/infra/test_layer_imports.py) see of the lazy modules.
    import ast
    import inspect

    import portal.api.app as app_module

    tree = ast.parse(inspect.getsource(app_module))
    static = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == ROUTES_PACKAGE
        for alias in node.names
    }
    assert static == set(ALL_ROUTE_MODULES)

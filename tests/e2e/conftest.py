"""Fixtures that run the real `patron` binary.

One server per test session (on a temp SQLite file, or on PATRON_DATABASE_URL when set) with one
store created through the CLI; tests that need their own server (SIGKILL) use `server_factory`.
"""

from __future__ import annotations

import atexit
from pathlib import Path

import pytest

from patron_e2e import STARTED, Api, PatronServer, create_store, migrate, new_database


@atexit.register
def _kill_leftovers() -> None:
    for server in STARTED:
        try:
            server.kill()
        except Exception:
            pass


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def work_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("patron-e2e")


@pytest.fixture(scope="session")
def database(work_dir) -> str:
    db = new_database(work_dir)
    migrate(db)
    return db


@pytest.fixture(scope="session")
def server(database):
    instance = PatronServer(database, name="session")
    instance.start()
    yield instance
    instance.stop()


@pytest.fixture(scope="session")
def patron(server, database) -> dict:
    """{url, storeId, secretKey, writeKey, webhookSecret, db, server} of the session's store."""
    keys = create_store(database, "e2e")
    return {
        "url": server.url,
        "storeId": keys.id,
        "secretKey": keys.secretKey,
        "writeKey": keys.writeKey,
        "webhookSecret": keys.webhookSecret,
        "db": database,
        "server": server,
    }


@pytest.fixture
def api(patron) -> Api:
    return Api(patron["url"], patron["secretKey"])


@pytest.fixture
def make_store(database):
    """Creates another store on the session database: make_store(name) -> StoreKeys."""
    return lambda name: create_store(database, name)


@pytest.fixture
def server_factory(work_dir):
    """Starts extra servers: server_factory(database=None, env=None, args=()) -> PatronServer (migrated, ready)."""
    mine: list[PatronServer] = []

    def start(database: str | None = None, name: str = "extra", env: dict | None = None, args: tuple = ()) -> PatronServer:
        if database is None:
            database = new_database(work_dir)
            migrate(database)
        instance = PatronServer(database, name=name, env=env, args=args)
        mine.append(instance)
        return instance.start()

    yield start
    for instance in mine:
        instance.kill()


@pytest.fixture(autouse=True)
def _server_log_on_failure(request):
    yield
    failed = any(getattr(getattr(request.node, f"rep_{when}", None), "failed", False) for when in ("setup", "call"))
    if not failed:
        return
    for instance in list(STARTED)[-3:]:
        print(instance.log_tail(40))

"""Helpers for the end-to-end tests: run the real `patron` binary and talk to it over HTTP.

Environment:
  PATRON_BIN            the binary (default .build/debug/patron, relative to the repository root)
  PATRON_DATABASE_URL   a postgres:// URL to run against; otherwise each server gets a temp SQLite file
  PATRON_E2E_LOG_DIR    where server logs go (default: a temp directory); the tail is printed on failure
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = float(os.environ.get("PATRON_E2E_READY_TIMEOUT", "90"))
CLI_TIMEOUT = 180


def patron_bin() -> str:
    raw = os.environ.get("PATRON_BIN", ".build/debug/patron")
    path = Path(raw)
    if not path.is_absolute():
        cwd_candidate = Path.cwd() / path
        path = cwd_candidate if cwd_candidate.exists() else REPO_ROOT / path
    if not path.exists():
        raise RuntimeError(f"patron binary not found at {path} (set PATRON_BIN, or build it with `swift build`)")
    return str(path)


def log_dir() -> Path:
    raw = os.environ.get("PATRON_E2E_LOG_DIR")
    directory = Path(raw) if raw else Path(tempfile.gettempdir()) / "patron-e2e-logs"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def child_env() -> dict[str, str]:
    """The environment for patron processes: the database always comes from --database."""
    env = dict(os.environ)
    env.pop("PATRON_DATABASE_URL", None)
    env.pop("PATRON_PORT", None)
    env.setdefault("PATRON_LOG_LEVEL", "info")
    return env


def new_database(tmp_dir: Path) -> str:
    """The session's PostgreSQL URL when given, otherwise a fresh SQLite file."""
    url = os.environ.get("PATRON_DATABASE_URL", "").strip()
    if url:
        return url
    return str(tmp_dir / f"patron-{uuid.uuid4().hex[:8]}.sqlite")


def run_cli(*args: str, database: str, timeout: float = CLI_TIMEOUT) -> subprocess.CompletedProcess:
    command = [patron_bin(), *args, "--database", database]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, env=child_env(), stdin=subprocess.DEVNULL
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"`{' '.join(command)}` exited {result.returncode}\nstdout:\n{result.stdout[-4000:]}\nstderr:\n{result.stderr[-4000:]}"
        )
    return result


def parse_json_output(text: str) -> dict:
    """The JSON object printed by a command (tolerates log lines around it)."""
    text = text.strip()
    try:
        value = json.loads(text)
        if isinstance(value, dict):
            return value
    except json.JSONDecodeError:
        pass
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{") and line.endswith("}"):
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                continue
    raise ValueError(f"no JSON object in output:\n{text[-2000:]}")


def migrate(database: str) -> None:
    run_cli("migrate", database=database)


@dataclass
class StoreKeys:
    id: Any
    secretKey: str
    writeKey: str
    webhookSecret: str
    name: str = ""

    @property
    def store_id(self) -> str:
        return str(self.id)


def create_store(database: str, name: str) -> StoreKeys:
    result = run_cli("stores", "create", "--name", name, "--json", database=database)
    data = parse_json_output(result.stdout)
    missing = [k for k in ("id", "secretKey", "writeKey", "webhookSecret") if k not in data]
    if missing:
        raise AssertionError(f"`patron stores create --json` output lacks {missing}: {data}")
    assert str(data["secretKey"]).startswith("sk_"), data
    assert str(data["writeKey"]).startswith("wk_"), data
    assert str(data["webhookSecret"]).startswith("whsec_"), data
    return StoreKeys(id=data["id"], secretKey=data["secretKey"], writeKey=data["writeKey"],
                     webhookSecret=data["webhookSecret"], name=name)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


STARTED: list = []  # every server started in this session, newest last (for cleanup and failure logs)


class PatronProcess:
    """A `patron` subprocess with its own log file; SIGKILL or SIGTERM it, read the log's tail."""

    def __init__(self, database: str, name: str, env: Optional[dict], args: tuple):
        self.database = database
        self.name = name
        self.env = dict(env or {})  # extra environment for the process (PATRON_SMTP_URL, ...)
        self.args = tuple(args)  # extra arguments (--workers 0, --smtp-url URL, ...)
        self.process: Optional[subprocess.Popen] = None
        self.log_path = log_dir() / f"{name}-{uuid.uuid4().hex[:8]}.log"
        self._log_file = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def _spawn(self, command: list, banner: str) -> None:
        self._log_file = open(self.log_path, "ab")
        self._log_file.write(f"--- start {banner}at {time.strftime('%H:%M:%S')}\n".encode())
        self._log_file.flush()
        self.process = subprocess.Popen(
            [patron_bin(), *command, *self.args],
            stdout=self._log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env={**child_env(), **self.env},
        )
        if self not in STARTED:
            STARTED.append(self)

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flushing."""
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self._close_log()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        self._close_log()

    def _close_log(self) -> None:
        if self._log_file:
            self._log_file.close()
            self._log_file = None

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        return f"--- last {lines} lines of {self.log_path}:\n" + "\n".join(text[-lines:])


class PatronServer(PatronProcess):
    """One `patron serve` process on a given database."""

    def __init__(self, database: str, name: str = "server", *, env: Optional[dict] = None, args: tuple = ()):
        super().__init__(database, name, env, args)
        self.port: Optional[int] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, port: Optional[int] = None) -> "PatronServer":
        self.port = port or free_port()
        self._spawn(["serve", "--port", str(self.port), "--database", self.database], f"on port {self.port} ")
        self.wait_ready()
        return self

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"patron serve exited with {self.process.returncode} before it was ready\n{self.log_tail()}")
            try:
                response = requests.get(f"{self.url}/readyz", timeout=2)
                if response.status_code == 200:
                    return
                last = f"HTTP {response.status_code}"
            except requests.RequestException as error:
                last = type(error).__name__
            time.sleep(0.1)
        raise RuntimeError(f"patron serve not ready after {timeout:.0f}s ({last})\n{self.log_tail()}")


class PatronWorker(PatronProcess):
    """One `patron worker` process (job and delivery workers, no HTTP) on a given database."""

    def __init__(self, database: str, name: str = "worker", *, workers: int = 2, env: Optional[dict] = None,
                 args: tuple = ()):
        super().__init__(database, name, env, args)
        self.workers = workers

    def start(self) -> "PatronWorker":
        self._spawn(["worker", "--database", self.database, "--workers", str(self.workers)], "")
        return self


# ---------------------------------------------------------------------------------------------- HTTP


class Api:
    """A requests session for the REST API of one store."""

    def __init__(self, url: str, secret_key: str):
        self.url = url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {secret_key}"

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 30)
        return self.session.request(method, self.url + path, **kwargs)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs) -> requests.Response:
        return self.request("POST", path, json=body, **kwargs)

    def delete(self, path: str, **kwargs) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    # Convenience look-ups -------------------------------------------------------------------

    def ok_json(self, response: requests.Response, *statuses: int) -> Any:
        allowed = statuses or (200,)
        assert response.status_code in allowed, describe(response)
        return response.json()

    def one(self, path: str, **params) -> Optional[dict]:
        """The single item of a filtered list (None when empty)."""
        data = self.ok_json(self.get(path, params=params))["data"]
        assert len(data) <= 1, f"expected at most one result for {path} {params}, got {len(data)}"
        return data[0] if data else None

    def all_pages(self, path: str, limit: int = 200, **params) -> list:
        items: list = []
        after = None
        for _ in range(10_000):
            query = dict(params, limit=limit)
            if after:
                query["after"] = after
            page = self.ok_json(self.get(path, params=query))
            items.extend(page["data"])
            after = page.get("nextCursor")
            if not after:
                return items
        raise AssertionError("pagination did not end")


def describe(response: requests.Response) -> str:
    body = response.text
    return f"{response.request.method} {response.request.url} -> {response.status_code}: {body[:1500]}"


def assert_problem(response: requests.Response, status: int, field: Optional[str] = None) -> dict:
    assert response.status_code == status, describe(response)
    content_type = response.headers.get("Content-Type", "")
    assert content_type.startswith("application/problem+json"), f"Content-Type {content_type!r}: {describe(response)}"
    problem = response.json()
    assert problem.get("status") == status, problem
    assert "title" in problem and "type" in problem, problem
    if field is not None:
        fields = [e.get("field") for e in problem.get("errors") or []]
        assert any(f == field or (f or "").startswith(field) for f in fields), f"no error naming {field!r}: {problem}"
    return problem


def eventually(check: Callable[[], Any], timeout: float = 10.0, interval: float = 0.1) -> Any:
    """Retries `check` until it returns a truthy value without raising AssertionError."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = check()
            if value:
                return value
            error: Optional[BaseException] = AssertionError(f"{check} returned {value!r}")
        except AssertionError as failure:
            error = failure
        if time.monotonic() >= deadline:
            raise error
        time.sleep(interval)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


# ---------------------------------------------------------------------------------------------- Shopify


def shopify_signature(secret: str, body: bytes) -> str:
    """base64(HMAC-SHA256(secret, raw body)), the value of X-Shopify-Hmac-Sha256."""
    return base64.b64encode(hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()).decode("ascii")


def post_shopify(url: str, store_id: Any, secret: str, topic: str, payload: Any, *, webhook_id: Optional[str] = None,
                 event_id: Optional[str] = None, signature: Optional[str] = None,
                 shop_domain: str = "e2e-test.myshopify.com") -> requests.Response:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode("utf-8")
    headers = {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": signature if signature is not None else shopify_signature(secret, body),
        "X-Shopify-Shop-Domain": shop_domain,
        "X-Shopify-API-Version": "2025-01",
        "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
        "X-Shopify-Event-Id": event_id or str(uuid.uuid4()),
        "X-Shopify-Triggered-At": "2025-01-15T10:00:00.000000Z",
    }
    return requests.post(f"{url}/webhooks/shopify/{store_id}", data=body, headers=headers, timeout=30)

"""Fuzz the live server from its own OpenAPI document with schemathesis: bad input is never a 5xx.

Runs schemathesis (4.x CLI) three times, each with the right credentials: the REST API with a
fresh store's secret key, the Segment-compatible API with its write key, and the unauthenticated
or HMAC-signed rest (webhooks, health). A fresh store keeps the fuzzer's writes and erasures away
from the data of the other tests.

Knobs: PATRON_SCHEMATHESIS_MAX_EXAMPLES (default 30), PATRON_SCHEMATHESIS_CHECKS (default
not_a_server_error; e.g. `all` for full conformance), PATRON_SCHEMATHESIS_SEED (default 20250301).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from patron_e2e import log_dir, unique

MAX_EXAMPLES = os.environ.get("PATRON_SCHEMATHESIS_MAX_EXAMPLES", "30")
CHECKS = os.environ.get("PATRON_SCHEMATHESIS_CHECKS", "not_a_server_error")
SEED = os.environ.get("PATRON_SCHEMATHESIS_SEED", "20250301")
TIMEOUT = 900


def schemathesis_executable() -> str:
    beside_python = Path(sys.executable).parent / "schemathesis"
    found = str(beside_python) if beside_python.exists() else shutil.which("schemathesis")
    if not found:
        message = "schemathesis is not installed (pip install schemathesis)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def run_schemathesis(url: str, name: str, path_regex: str, auth_args: list[str]) -> None:
    report = log_dir() / f"schemathesis-{name}.xml"
    command = [
        schemathesis_executable(), "run", f"{url}/api/v1/openapi.json",
        "--url", url,
        "--include-path-regex", path_regex,
        "--checks", CHECKS,
        "--max-examples", MAX_EXAMPLES,
        "--phases", "examples,coverage,fuzzing",
        "--seed", SEED,
        "--generation-database", "none",
        "--request-timeout", "20",
        "--workers", "2",
        "--wait-for-schema", "30",
        "--report", "junit", "--report-junit-path", str(report),
        "--no-color",
        *auth_args,
    ]
    shown = " ".join(a if not a.startswith(("Authorization", "sk_", "wk_")) else "<secret>" for a in command)
    env = dict(os.environ, PYTHONUNBUFFERED="1", NO_COLOR="1")
    result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, env=env,
                            stdin=subprocess.DEVNULL, cwd=log_dir())
    output = result.stdout + result.stderr
    (log_dir() / f"schemathesis-{name}.log").write_text(output)
    print(f"$ {shown}\n{output[-6000:]}")
    assert result.returncode == 0, f"schemathesis ({name}) found failures (exit {result.returncode}):\n{output[-12000:]}"


def test_rest_api_never_answers_5xx(patron, make_store):
    store = make_store(unique("fuzz"))
    run_schemathesis(patron["url"], "rest", r"^/api/v1/", ["--header", f"Authorization: Bearer {store.secretKey}"])


def test_segment_api_never_answers_5xx(patron, make_store):
    store = make_store(unique("fuzz"))
    run_schemathesis(patron["url"], "segment", r"^/v1/", ["--auth", f"{store.writeKey}:"])


def test_webhooks_and_health_never_answer_5xx(patron):
    run_schemathesis(patron["url"], "other", r"^/(webhooks|healthz|readyz)", [])

"""A 2xx means committed: SIGKILL right after (or during) acknowledgements loses nothing acknowledged."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

from patron_e2e import Api, create_store, describe

SINGLES = 300
BATCHES = 6
BATCH_SIZE = 50
SEGMENT_BATCHES = 4
SEGMENT_BATCH_SIZE = 25
WORKERS = 8
EVENT_TYPE = "durability.probe"


class Acks:
    def __init__(self):
        self.ids: set[str] = set()
        self.lock = threading.Lock()
        self.errors: list[str] = []

    def add(self, message_ids):
        with self.lock:
            self.ids.update(message_ids)

    def count(self) -> int:
        with self.lock:
            return len(self.ids)


_local = threading.local()


def session() -> requests.Session:
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
    return _local.session


def send_single(url, secret, message_id, acks: Acks):
    body = {"type": EVENT_TYPE, "anonymousId": f"dur-anon-{message_id[-4:]}", "messageId": message_id,
            "properties": {"probe": message_id}}
    try:
        response = session().post(f"{url}/api/v1/events", json=body, headers={"Authorization": f"Bearer {secret}"},
                                  timeout=15)
    except requests.RequestException:
        return  # not acknowledged: may or may not be stored
    if 200 <= response.status_code < 300:
        acks.add([message_id])
    elif response.status_code < 500:
        acks.errors.append(describe(response))


def send_batch(url, secret, message_ids, acks: Acks):
    items = [{"type": EVENT_TYPE, "customerExternalId": f"dur-cust-{i % 7}", "messageId": m} for i, m in enumerate(message_ids)]
    try:
        response = session().post(f"{url}/api/v1/events/batch", json={"items": items},
                                  headers={"Authorization": f"Bearer {secret}"}, timeout=30)
    except requests.RequestException:
        return
    if 200 <= response.status_code < 300:
        results = response.json()["results"]
        acks.add([message_ids[r["index"]] for r in results if r["status"] in ("created", "duplicate", "updated")])
    elif response.status_code < 500:
        acks.errors.append(describe(response))


def send_segment_batch(url, write_key, message_ids, acks: Acks):
    batch = [{"type": "track", "event": EVENT_TYPE, "anonymousId": f"dur-seg-{i % 5}", "messageId": m,
              "properties": {"probe": m}} for i, m in enumerate(message_ids)]
    try:
        response = session().post(f"{url}/v1/batch", json={"batch": batch}, auth=(write_key, ""), timeout=30)
    except requests.RequestException:
        return
    if response.status_code == 200:
        rejected = {r["index"] for r in response.json().get("rejected") or []}
        acks.add([m for i, m in enumerate(message_ids) if i not in rejected])
    elif response.status_code < 500:
        acks.errors.append(describe(response))


def stored_probe_ids(api: Api) -> list[str]:
    return [e["messageId"] for e in api.all_pages("/api/v1/events", type=EVENT_TYPE)]


def fire_everything(url, keys, run: str, acks: Acks, kill_after: int, kill) -> None:
    """Sends every request from a thread pool and calls `kill` once `kill_after` messages are acked."""
    jobs = []
    for i in range(SINGLES):
        jobs.append((send_single, (url, keys.secretKey, f"{run}-s{i}", acks)))
    for b in range(BATCHES):
        ids = [f"{run}-b{b}-{k}" for k in range(BATCH_SIZE)]
        jobs.insert((b + 1) * SINGLES // (BATCHES + 1), (send_batch, (url, keys.secretKey, ids, acks)))
    for b in range(SEGMENT_BATCHES):
        ids = [f"{run}-g{b}-{k}" for k in range(SEGMENT_BATCH_SIZE)]
        jobs.insert((2 * b + 1) * SINGLES // (2 * SEGMENT_BATCHES), (send_segment_batch, (url, keys.writeKey, ids, acks)))

    killed = threading.Event()

    def watch():
        while not killed.is_set():
            if acks.count() >= kill_after:
                kill()
                killed.set()
                return
            killed.wait(0.002)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for function, args in jobs:
            pool.submit(function, *args)
    if not killed.is_set():
        kill()
        killed.set()
    watcher.join(timeout=5)


def test_every_acknowledged_event_survives_sigkill(server_factory, work_dir):
    first = server_factory(name="durability")
    keys = create_store(first.database, "durability")
    run = f"dur-{uuid.uuid4().hex[:8]}"
    total = SINGLES + BATCHES * BATCH_SIZE + SEGMENT_BATCHES * SEGMENT_BATCH_SIZE

    # Round 1: SIGKILL while requests are still in flight, once about 60% are acknowledged.
    acks = Acks()
    fire_everything(first.url, keys, run, acks, kill_after=int(total * 0.6), kill=first.kill)
    assert not acks.errors, acks.errors[:5]
    assert acks.count() > 0, "nothing was acknowledged before the kill"

    second = server_factory(database=first.database, name="durability-restart")
    api = Api(second.url, keys.secretKey)
    stored = stored_probe_ids(api)
    missing = acks.ids - set(stored)
    assert not missing, f"{len(missing)} of {acks.count()} acknowledged events lost after SIGKILL, e.g. {sorted(missing)[:10]}"
    assert len(stored) == len(set(stored)), "an event was stored twice"
    print(f"round 1: {acks.count()} of {total} messages acknowledged before SIGKILL, {len(stored)} stored")

    # Round 2: SIGKILL immediately after the last acknowledgement of a sequential burst.
    acks2 = Acks()
    for i in range(50):
        send_single(second.url, keys.secretKey, f"{run}-t{i}", acks2)
    send_batch(second.url, keys.secretKey, [f"{run}-tb-{k}" for k in range(100)], acks2)
    assert acks2.count() == 150 and not acks2.errors, acks2.errors[:5]
    second.kill()

    third = server_factory(database=first.database, name="durability-restart-2")
    api = Api(third.url, keys.secretKey)
    stored = stored_probe_ids(api)
    missing = (acks.ids | acks2.ids) - set(stored)
    assert not missing, f"{len(missing)} acknowledged events lost after the second SIGKILL, e.g. {sorted(missing)[:10]}"
    assert len(stored) == len(set(stored)), "an event was stored twice"

    # Re-sending everything after the restart must not create duplicates (messageId is the dedupe key).
    again = Acks()
    for i in range(0, SINGLES, 37):
        send_single(third.url, keys.secretKey, f"{run}-s{i}", again)
    stored_after = stored_probe_ids(api)
    assert len(stored_after) == len(set(stored_after))

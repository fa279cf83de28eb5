"""Outgoing webhooks and texts end to end, against real peers (see http_peers.py).

Webhooks: a flow's `webhook` step is a job that posts a Standard Webhooks request; every request is
checked with the official `standardwebhooks` library and the store's secret from
`GET /api/v1/settings/webhooks`. Retry-After, 410 Gone, redirects and the SSRF guard are exercised
against an http.server receiver. Webhook tests run their servers on databases of their own (a new
SQLite file, or a new PostgreSQL database), because whichever server's job worker picks a job up decides
whether private destinations are allowed.

Texts: SMS and WhatsApp go to a stand-in that speaks Twilio's Messages API wire format (form-encoded
To/From/Body, HTTP Basic, Twilio's JSON answers and error codes). Each test configures its own store's
`smsUrl`, so on PostgreSQL (every server of the session shares the database) whichever server's
delivery worker sends a text, it reaches that test's stand-in.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import ipaddress
import json
import os
import socket
import sqlite3
import subprocess
import time
import uuid
from dataclasses import dataclass
from typing import Any, Optional

import pytest
import standardwebhooks
from standardwebhooks.webhooks import WebhookVerificationError

from http_peers import ReceivedRequest, Reply, TwilioStandIn, WebhookReceiver
from patron_e2e import (Api, PatronServer, assert_problem, describe, eventually, migrate, new_database,
                        parse_json_output, run_cli, unique)
from test_email_delivery import _fresh_postgres_database

DELIVERY_TIMEOUT = 60.0  # generous: a debug build on a busy 2-core machine
QUIET_SECONDS = 4.0  # the deliberate "nothing more arrives" window
FROM_EMAIL = "shop@acme.test"
SMS_FROM = "+15550001111"
WHATSAPP_FROM = "+15550002222"

# The names OutboundAddressPolicy refuses by name (before resolving); a loopback alias must be none of them.
PATRON_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


# ---------------------------------------------------------------------------------------------- helpers


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def loopback_alias() -> Optional[str]:
    """A host name of this machine that resolves only to IPv4 loopback addresses and that Patron does
    not refuse by name (e.g. the hostname, from /etc/hosts): a webhook URL Patron accepts when it is
    saved and can only refuse when it resolves the name at send time."""
    candidates = [socket.gethostname(), socket.getfqdn()]
    try:
        with open("/etc/hosts") as hosts:
            for line in hosts:
                fields = line.split("#", 1)[0].split()
                if len(fields) >= 2 and fields[0].startswith("127."):
                    candidates.extend(fields[1:])
    except OSError:
        pass
    for name in candidates:
        plain = name.lower().rstrip(".")
        if not plain or plain in PATRON_LOCAL_NAMES or plain.endswith(".localhost"):
            continue
        try:
            ipaddress.ip_address(plain)
            continue  # a literal, not a name
        except ValueError:
            pass
        try:
            infos = socket.getaddrinfo(name, 80, proto=socket.IPPROTO_TCP)
        except OSError:
            continue
        addresses = {info[4][0] for info in infos}
        if addresses and all(ipaddress.ip_address(a).version == 4 and ipaddress.ip_address(a).is_loopback
                             for a in addresses):
            return name
    return None


LOOPBACK_ALIAS = loopback_alias()
needs_alias = pytest.mark.skipif(LOOPBACK_ALIAS is None, reason="no host name of this machine resolves only to "
                                 "127.x without being one Patron refuses by name (add one to /etc/hosts)")


def hook_url(receiver: WebhookReceiver, path: str) -> str:
    """The receiver's URL as flows use it. http://127.0.0.1:PORT is refused when a flow is saved even
    with PATRON_ALLOW_PRIVATE_WEBHOOKS=true (see test_allow_private_webhooks_accepts_a_loopback_url), so
    delivery tests name the receiver by a loopback alias: the same socket, accepted at save time."""
    return receiver.url(path, host=LOOPBACK_ALIAS or "127.0.0.1")


def query_json_rows(database: str, select: str) -> list[dict]:
    """Rows of a read-only SELECT on either engine, as dicts (for job states no API exposes)."""
    if database.startswith("postgres"):
        result = subprocess.run(["psql", database, "-At", "-v", "ON_ERROR_STOP=1", "-c",
                                 f"SELECT row_to_json(q)::text FROM ({select}) q"],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    try:
        connection.row_factory = sqlite3.Row
        return [dict(row) for row in connection.execute(select).fetchall()]
    finally:
        connection.close()


def webhook_jobs(database: str, store_id: str, flow: str) -> list[dict]:
    rows = query_json_rows(database, "SELECT id, status, attempts, last_error, payload FROM jobs "
                                     f"WHERE kind = 'webhook.deliver' AND store_id = {int(store_id)} ORDER BY id")
    return [row for row in rows if json.loads(row["payload"]).get("event", {}).get("flow") == flow]


def wait_job_finished(database: str, store_id: str, flow: str, count: int, timeout: float = DELIVERY_TIMEOUT) -> list:
    """The flow's webhook jobs once `count` of them have finished (done or failed)."""
    def check():
        jobs = webhook_jobs(database, store_id, flow)
        finished = [j for j in jobs if j["status"] in ("done", "failed")]
        assert len(finished) >= count, f"{len(finished)} of {count} webhook jobs finished: {jobs}"
        return jobs
    return eventually(check, timeout=timeout, interval=0.25)


def verify(secret: str, request: ReceivedRequest) -> Any:
    """The payload, once the official Standard Webhooks library has verified the request's signature."""
    return standardwebhooks.Webhook(secret).verify(request.body, request.headers)


@dataclass
class Shop:
    id: str
    name: str
    secret_key: str
    database: str
    api: Api

    def messages(self, **params) -> list:
        return self.api.ok_json(self.api.get("/api/v1/messages", params={"limit": 100, **params}))["data"]

    def wait_messages(self, check, timeout: float = DELIVERY_TIMEOUT, **params) -> list:
        """The store's messages (filtered by `params`) once `check(messages)` holds (it asserts)."""
        def attempt():
            messages = self.messages(**params)
            check(messages)
            return messages or True
        result = eventually(attempt, timeout=timeout, interval=0.25)
        return result if isinstance(result, list) else []

    def put_flow(self, document: dict) -> dict:
        response = self.api.request("PUT", f"/api/v1/flows/{document['name']}", json=document)
        return self.api.ok_json(response)

    def enable(self, flow: str) -> None:
        body = self.api.ok_json(self.api.post(f"/api/v1/flows/{flow}/enable"))
        assert body["enabled"] is True, body

    def post_event(self, event_type: str, customer: str, message_id: Optional[str] = None, **extra) -> dict:
        body = {"type": event_type, "customerExternalId": customer, "messageId": message_id or str(uuid.uuid4()),
                **extra}
        response = self.api.post("/api/v1/events", body)
        assert response.status_code in (200, 201), describe(response)
        return response.json()

    def post_order(self, body: dict) -> dict:
        response = self.api.post("/api/v1/orders", body)
        assert response.status_code in (200, 201), describe(response)
        return response.json()

    def customer(self, external_id: str) -> dict:
        found = self.api.one("/api/v1/customers", externalId=external_id)
        assert found is not None, f"no customer {external_id}"
        return found


def open_shop(url: str, database: str, prefix: str = "Acme") -> Shop:
    name = unique(prefix)
    created = run_cli("stores", "create", "--name", name, "--from-email", FROM_EMAIL, "--json", database=database)
    keys = parse_json_output(created.stdout)
    return Shop(id=str(keys["id"]), name=name, secret_key=keys["secretKey"], database=database,
                api=Api(url, keys["secretKey"]))


def webhook_flow(name: str, event: str, url: str) -> dict:
    return {"name": name, "purpose": "transactional", "holdout": 0, "trigger": {"type": "event", "event": event},
            "steps": [{"type": "webhook", "url": url}]}


# ---------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def fresh_database(tmp_path_factory):
    """fresh_database() -> a migrated database no other server uses (SQLite file, or a new PostgreSQL database)."""
    work = tmp_path_factory.mktemp("webhooks")
    drops = []

    def make() -> str:
        url = os.environ.get("PATRON_DATABASE_URL", "").strip()
        if url:
            database, drop = _fresh_postgres_database(url)
            if database is None:
                pytest.skip("webhook tests need a PostgreSQL database of their own (CREATE DATABASE failed): "
                            "on the shared one another server's job worker could run their jobs")
            drops.append(drop)
        else:
            database = new_database(work)
        migrate(database)
        return database

    yield make
    for drop in drops:
        drop()


@pytest.fixture(scope="module")
def hook_server(fresh_database):
    """A server whose job worker may post to loopback (PATRON_ALLOW_PRIVATE_WEBHOOKS=true)."""
    server = PatronServer(fresh_database(), name="webhooks-private-ok",
                          env={"PATRON_ALLOW_PRIVATE_WEBHOOKS": "true"}).start()
    yield server
    server.kill()


@pytest.fixture
def receivers():
    started: list[WebhookReceiver] = []

    def start() -> WebhookReceiver:
        receiver = WebhookReceiver().start()
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.stop()


@pytest.fixture
def receiver(receivers) -> WebhookReceiver:
    return receivers()


@pytest.fixture
def hook_shop(hook_server) -> Shop:
    return open_shop(hook_server.url, hook_server.database, "Hooks")


def signing_secret(shop: Shop) -> str:
    body = shop.api.ok_json(shop.api.get("/api/v1/settings/webhooks"))
    secret = body["signingSecret"]
    assert secret.startswith("whsec_"), body
    assert shop.api.ok_json(shop.api.get("/api/v1/settings/webhooks"))["signingSecret"] == secret, "the secret changed"
    return secret


# ---------------------------------------------------------------------------------------------- webhooks


@needs_alias
def test_flow_webhook_is_signed_per_standard_webhooks(hook_shop, receiver):
    shop = hook_shop
    secret = signing_secret(shop)
    shop.put_flow(webhook_flow("hooked", "Hook Me", hook_url(receiver, "/hook")))
    shop.enable("hooked")
    event_id = f"evt-{uuid.uuid4()}"
    before = time.time()
    event = shop.post_event("Hook Me", "c1", event_id)
    assert event["duplicate"] is False, event

    request = receiver.wait_for(1, path="/hook", timeout=DELIVERY_TIMEOUT)[0]
    assert request.method == "POST"
    assert request.header("Content-Type") == "application/json", request.header_list
    payload = verify(secret, request)  # raises WebhookVerificationError unless the signature is right
    assert payload == json.loads(request.body)

    webhook_id = request.header("webhook-id")
    assert webhook_id, request.header_list
    assert abs(int(request.header("webhook-timestamp")) - time.time()) < 120, request.header_list
    assert all(sig.startswith("v1,") for sig in request.header("webhook-signature").split(" ")), request.header_list

    assert payload["type"] == "flow.step", payload
    assert before - 120 <= parse_time(payload["timestamp"]).timestamp() <= time.time() + 120, payload
    data = payload["data"]
    assert data["type"] == "flow.step" and data["flow"] == "hooked" and data["step"] == 0, data
    assert data["customerId"] == shop.customer("c1")["id"], data
    assert isinstance(data["runId"], int), data
    assert data["context"]["event"] == "Hook Me", data

    # The library really checks: another secret, an edited body or an edited id do not verify.
    with pytest.raises(WebhookVerificationError):
        standardwebhooks.Webhook("whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo3ODkwMTI=").verify(request.body,
                                                                                            request.headers)
    with pytest.raises(WebhookVerificationError):
        standardwebhooks.Webhook(secret).verify(request.body.replace(b'"hooked"', b'"hookex"'), request.headers)
    with pytest.raises(WebhookVerificationError):
        standardwebhooks.Webhook(secret).verify(request.body, {**request.headers, "webhook-id": webhook_id + "x"})

    # The same event again (same messageId) starts nothing: one request in all.
    again = shop.post_event("Hook Me", "c1", event_id)
    assert again["duplicate"] is True, again
    receiver.quiet_for(QUIET_SECONDS, expected=1, path="/hook")
    assert [j["status"] for j in wait_job_finished(shop.database, shop.id, "hooked", 1)] == ["done"]


@needs_alias
@pytest.mark.parametrize("status, retry_after", [(503, "seconds"), (429, "http-date")])
def test_retry_after_is_honoured_with_the_same_webhook_id(hook_shop, receiver, status, retry_after):
    shop = hook_shop
    secret = signing_secret(shop)
    path = f"/busy-{status}"

    def busy(_request) -> Reply:
        # The date form is built when the reply is sent: 3 s ahead, 2-3 s once truncated to whole seconds.
        value = "2" if retry_after == "seconds" else email.utils.formatdate(time.time() + 3, usegmt=True)
        return Reply(status, {"Retry-After": value})

    receiver.script(path, busy, Reply(200))
    flow = f"busy-{status}"
    shop.put_flow(webhook_flow(flow, f"Busy {status}", hook_url(receiver, path)))
    shop.enable(flow)
    shop.post_event(f"Busy {status}", "c-busy")

    first, second = receiver.wait_for(2, path=path, timeout=DELIVERY_TIMEOUT)[:2]
    gap = second.received_at - first.received_at
    assert gap >= 1.9, f"retried {gap:.2f}s after a {status} with Retry-After ({retry_after}): too early"
    assert gap <= 20, f"retried only {gap:.2f}s after a {status} with Retry-After ({retry_after})"
    assert first.header("webhook-id") == second.header("webhook-id"), (first.header_list, second.header_list)
    payloads = [verify(secret, r) for r in (first, second)]
    assert payloads[0]["data"] == payloads[1]["data"] and payloads[0]["data"]["flow"] == flow, payloads
    receiver.quiet_for(QUIET_SECONDS, expected=2, path=path)
    jobs = wait_job_finished(shop.database, shop.id, flow, 1)
    assert [(j["status"], j["attempts"]) for j in jobs] == [("done", 2)], jobs


@needs_alias
def test_410_gone_disables_the_endpoint_for_the_store(hook_server, hook_shop, receiver):
    shop = hook_shop
    path = "/gone"
    url = hook_url(receiver, path)
    # 410 once, then 200: whatever Patron sends after the 410 would be accepted, so silence is Patron's doing.
    receiver.script(path, Reply(410), Reply(200))
    shop.put_flow(webhook_flow("gone-hook", "Gone Hook", url))
    shop.enable("gone-hook")

    shop.post_event("Gone Hook", "c-gone")
    receiver.wait_for(1, path=path, timeout=DELIVERY_TIMEOUT)
    jobs = wait_job_finished(shop.database, shop.id, "gone-hook", 1)
    assert jobs[0]["status"] == "failed" and "410" in (jobs[0]["last_error"] or ""), jobs  # not retried

    shop.post_event("Gone Hook", "c-gone")  # a second run, a second job: the endpoint is disabled
    jobs = wait_job_finished(shop.database, shop.id, "gone-hook", 2)
    assert len(jobs) == 2 and jobs[1]["status"] == "failed", jobs
    assert "disabled" in (jobs[1]["last_error"] or ""), jobs
    receiver.quiet_for(QUIET_SECONDS, expected=1, path=path)

    # Disabled for that store only: another store's flow to the same URL still gets through.
    other = open_shop(hook_server.url, hook_server.database, "Hooks-other")
    other_secret = signing_secret(other)
    other.put_flow(webhook_flow("gone-hook", "Gone Hook", url))
    other.enable("gone-hook")
    other.post_event("Gone Hook", "c-gone")
    request = receiver.wait_for(2, path=path, timeout=DELIVERY_TIMEOUT)[1]
    assert verify(other_secret, request)["data"]["flow"] == "gone-hook"


@needs_alias
def test_redirects_are_never_followed(hook_shop, receivers):
    shop = hook_shop
    receiver, elsewhere = receivers(), receivers()
    target = hook_url(elsewhere, "/new-home")
    statuses = (301, 302, 303, 307, 308)
    for status in statuses:
        receiver.script(f"/moved-{status}", Reply(status, {"Location": target}))
        shop.put_flow(webhook_flow(f"moved-{status}", f"Moved {status}", hook_url(receiver, f"/moved-{status}")))
        shop.enable(f"moved-{status}")
        shop.post_event(f"Moved {status}", "c-moved")
    for status in statuses:
        receiver.wait_for(1, path=f"/moved-{status}", timeout=DELIVERY_TIMEOUT)
        jobs = wait_job_finished(shop.database, shop.id, f"moved-{status}", 1)
        assert jobs[0]["status"] == "failed" and "redirect" in (jobs[0]["last_error"] or ""), jobs
    elsewhere.quiet_for(QUIET_SECONDS, expected=0)
    for status in statuses:  # and a redirect is not retried
        assert len(receiver.received(f"/moved-{status}")) == 1, receiver.received(f"/moved-{status}")


def test_private_destinations_are_refused_without_the_development_switch(fresh_database, receiver):
    server = PatronServer(fresh_database(), name="webhooks-private-refused",
                          env={"PATRON_ALLOW_PRIVATE_WEBHOOKS": "false"}).start()
    try:
        shop = open_shop(server.url, server.database, "Hooks-guarded")
        port = receiver.port
        refused = [f"http://127.0.0.1:{port}/hook", f"http://localhost:{port}/hook", f"http://localhost.:{port}/hook",
                   f"http://LocalHost:{port}/hook", f"http://127.1:{port}/hook", f"http://2130706433:{port}/hook",
                   f"http://[::1]:{port}/hook", f"http://[::ffff:127.0.0.1]:{port}/hook",
                   f"http://app.localhost:{port}/hook", "http://169.254.169.254/latest/meta-data/",
                   "http://10.1.2.3/hook", "http://192.168.0.1/hook", "http://0.0.0.0/hook"]
        for url in refused:
            response = shop.api.request("PUT", "/api/v1/flows/guarded", json=webhook_flow("guarded", "Guarded", url))
            assert_problem(response, 422, "steps[0].url")
        assert shop.api.get("/api/v1/flows/guarded").status_code == 404, "a refused document was saved"

        if LOOPBACK_ALIAS is None:
            return  # nothing resolves to loopback under another name here (the save-time checks above ran)
        # A name that is not "localhost" but resolves to 127.0.0.1 passes the save-time check, and is
        # refused when the job resolves it: nothing reaches the receiver.
        shop.put_flow(webhook_flow("guarded", "Guarded", hook_url(receiver, "/hook")))
        shop.enable("guarded")
        shop.post_event("Guarded", "c-guarded")
        jobs = wait_job_finished(shop.database, shop.id, "guarded", 1)
        assert jobs[0]["status"] == "failed" and "refused destination" in (jobs[0]["last_error"] or ""), jobs
        assert jobs[0]["attempts"] == 1, jobs
        receiver.quiet_for(2.0, expected=0)
    finally:
        server.kill()


def test_allow_private_webhooks_accepts_a_loopback_url(hook_shop, receiver):
    shop = hook_shop
    secret = signing_secret(shop)
    url = receiver.url("/loopback", host="127.0.0.1")
    response = shop.api.request("PUT", "/api/v1/flows/hooked-loopback",
                                json=webhook_flow("hooked-loopback", "Hook Me Loopback", url))
    assert response.status_code == 200, describe(response)
    shop.enable("hooked-loopback")
    shop.post_event("Hook Me Loopback", "c1")
    request = receiver.wait_for(1, path="/loopback", timeout=DELIVERY_TIMEOUT)[0]
    payload = verify(secret, request)
    assert payload["type"] == "flow.step" and payload["data"]["flow"] == "hooked-loopback", payload


# ---------------------------------------------------------------------------------------------- SMS, WhatsApp


@pytest.fixture
def standins():
    started: list[TwilioStandIn] = []

    def start(**options) -> TwilioStandIn:
        standin = TwilioStandIn(**options).start()
        started.append(standin)
        return standin

    yield start
    for standin in started:
        standin.stop()


@pytest.fixture
def standin(standins) -> TwilioStandIn:
    return standins()


def sms_shop(patron: dict, standin: TwilioStandIn, *, sms_url: Optional[str] = None) -> Shop:
    shop = open_shop(patron["url"], patron["db"], "Texts")
    response = shop.api.request("PATCH", "/api/v1/settings/sender",
                                json={"smsUrl": sms_url or standin.url(), "smsFrom": SMS_FROM,
                                      "whatsappFrom": WHATSAPP_FROM})
    sender = shop.api.ok_json(response)
    assert sender["smsFrom"] == SMS_FROM and sender["whatsappFrom"] == WHATSAPP_FROM, sender
    assert sender["smsUrl"].startswith(f"http://{standin.account_sid}:***@127.0.0.1:"), sender
    assert standin.auth_token not in response.text, "the auth token was echoed"
    return shop


def text_flow(name: str, *channels: str, purpose: str = "transactional", trigger: Optional[dict] = None,
              template: str = "order-thank-you") -> dict:
    document = {"name": name, "purpose": purpose, "holdout": 0, "trigger": trigger or {"type": "order_placed"},
                "steps": [{"type": "send", "channel": channel, "template": template} for channel in channels]}
    if purpose == "marketing":
        document["topic"] = "offers"
    return document


def order(external_id: str, customer: dict, *, number: str = "#3001", shipping_phone: Optional[str] = None) -> dict:
    address = {"name": "Jane Doe", "address1": "1 Main St", "city": "Springfield", "postalCode": "12345",
               "country": "US"}
    if shipping_phone:
        address["phone"] = shipping_phone
    return {"externalId": external_id, "number": number, "currency": "USD",
            "placedAt": now_utc().isoformat(timespec="seconds"), "customer": customer,
            "lineItems": [{"title": "Coffee 250g", "quantity": 2, "unitPrice": 1450}],
            "shippingTotal": 495, "shippingAddress": address}  # total: 2 x 14.50 + 4.95 = $33.95


def of_channel(messages: list, channel: str) -> list:
    return [m for m in messages if m["channel"] == channel]


def test_sms_and_whatsapp_reach_a_twilio_compatible_provider(patron, standin):
    shop = sms_shop(patron, standin)
    shop.put_flow(text_flow("sms-thanks", "sms", "whatsapp"))
    shop.enable("sms-thanks")
    customer = {"externalId": "text-1", "email": "text-1@example.com", "firstName": "Jane",
                "phone": "+1 555 010 9999"}
    shop.post_order(order("text-order-1", customer, number="#3001"))

    calls = standin.wait_for_calls(lambda c: c.status == 201, count=2, timeout=DELIVERY_TIMEOUT)
    by_to = {c.to: c for c in calls}
    assert set(by_to) == {"+15550109999", "whatsapp:+15550109999"}, [c.form for c in calls]
    sms, whatsapp = by_to["+15550109999"], by_to["whatsapp:+15550109999"]
    assert sms.from_ == SMS_FROM, sms.form
    assert whatsapp.from_ == f"whatsapp:{WHATSAPP_FROM}", whatsapp.form
    for call in (sms, whatsapp):
        assert call.auth == (standin.account_sid, standin.auth_token), call.auth
        assert call.account_sid == standin.account_sid
        assert call.request.path == f"/2010-04-01/Accounts/{standin.account_sid}/Messages.json"
        assert call.request.header("Content-Type").startswith("application/x-www-form-urlencoded")
        assert set(call.form) == {"To", "From", "Body"}, call.form
        assert "#3001" in call.body and "$33.95" in call.body, call.body
        assert "Jane" in call.body, call.body

    def all_sent(messages):
        assert len(messages) == 2, messages
        assert all(m["status"] == "sent" for m in messages), messages
    messages = shop.wait_messages(all_sent, flow="sms-thanks")
    for channel, call in (("sms", sms), ("whatsapp", whatsapp)):
        [message] = of_channel(messages, channel)
        assert message["recipient"] == call.to, message
        assert call.sid and call.sid in (message["providerResponse"] or ""), (message, call.answer)
        assert message["subject"] is None and message["purpose"] == "transactional", message
        assert message["attempts"] == 1 and message["uncertainSends"] == 0 and message["sentAt"], message
    standin.quiet_for(2.0, expected=2)
    assert shop.customer("text-1")["phone"] == "+15550109999"


def test_the_sms_request_names_the_provider_host_with_its_port(patron, standin):
    shop = sms_shop(patron, standin)
    shop.put_flow(text_flow("sms-host", "sms"))
    shop.enable("sms-host")
    shop.post_order(order("text-host-1", {"externalId": "text-host", "phone": "+15550107777"}))
    call = standin.wait_for_calls(lambda c: c.status == 201, timeout=DELIVERY_TIMEOUT)[0]
    assert call.request.header("Host") == f"127.0.0.1:{standin.port}", call.request.header_list


def test_an_opted_out_number_fails_then_is_suppressed_on_every_text_channel(patron, standin):
    number = "+15550108888"
    standin.opt_out(number)
    shop = open_shop(patron["url"], patron["db"], "Texts-stop")
    # This store is configured through the CLI.
    run_cli("stores", "update", shop.id, "--sms-url", standin.url(), "--sms-from", SMS_FROM,
            "--whatsapp-from", WHATSAPP_FROM, database=shop.database)
    sender = shop.api.ok_json(shop.api.get("/api/v1/settings/sender"))
    assert sender["smsFrom"] == SMS_FROM and sender["whatsappFrom"] == WHATSAPP_FROM, sender
    shop.put_flow(text_flow("sms-only", "sms"))
    shop.enable("sms-only")
    customer = {"externalId": "text-stop", "firstName": "Sam", "phone": "+1 (555) 010-8888"}

    shop.post_order(order("text-stop-1", customer, number="#4001"))
    refused = standin.wait_for_calls(lambda c: c.to == number, timeout=DELIVERY_TIMEOUT)
    assert refused[0].status == 400 and refused[0].answer["code"] == 21610, refused[0].answer

    def failed(messages):
        assert len(messages) == 1 and messages[0]["status"] == "failed", messages
    [message] = shop.wait_messages(failed, flow="sms-only")
    assert message["reason"] == "rejected", message
    assert "21610" in (message["lastError"] or ""), message
    assert message["recipient"] == number and message["sentAt"] is None, message

    # Later texts to that number, SMS and WhatsApp alike, are suppressed without reaching the provider.
    shop.put_flow(text_flow("sms-only", "sms", "whatsapp"))
    shop.post_order(order("text-stop-2", customer, number="#4002"))

    def suppressed(messages):
        later = [m for m in messages if m["id"] != message["id"]]
        assert len(later) == 2 and all(m["status"] == "suppressed" for m in later), later
    later = [m for m in shop.wait_messages(suppressed, flow="sms-only") if m["id"] != message["id"]]
    for item in later:
        assert (item["reason"] or "").startswith("suppressed_"), item
    assert sorted(m["channel"] for m in later) == ["sms", "whatsapp"], later
    standin.quiet_for(2.0, expected=1)


def test_a_customer_without_a_phone_number_is_suppressed_and_the_shipping_phone_is_used(patron, standin):
    shop = sms_shop(patron, standin)
    shop.put_flow(text_flow("sms-thanks", "sms", "whatsapp"))
    shop.enable("sms-thanks")
    shop.post_order(order("text-nophone-1", {"externalId": "text-nophone", "email": "nophone@example.com"}))

    def suppressed(messages):
        assert len(messages) == 2 and all(m["status"] == "suppressed" for m in messages), messages
    messages = shop.wait_messages(suppressed, flow="sms-thanks")
    assert all(m["reason"] == "no_phone_number" for m in messages), messages
    standin.quiet_for(2.0, expected=0)

    # Without a phone on the customer, the order's shipping-address phone is the recipient.
    shop.post_order(order("text-nophone-2", {"externalId": "text-shipphone", "email": "shipphone@example.com"},
                          number="#5002", shipping_phone="+1 555-010-6666"))
    calls = standin.wait_for_calls(lambda c: c.status == 201, count=2, timeout=DELIVERY_TIMEOUT)
    assert sorted(c.to for c in calls) == ["+15550106666", "whatsapp:+15550106666"], [c.form for c in calls]


def test_bad_provider_credentials_fail_the_text(patron, standin):
    shop = sms_shop(patron, standin, sms_url=standin.url(token="wrong-token"))
    shop.put_flow(text_flow("sms-only", "sms"))
    shop.enable("sms-only")
    shop.post_order(order("text-auth-1", {"externalId": "text-auth", "phone": "+15550105555"}))
    call = standin.wait_for_calls(lambda c: True, timeout=DELIVERY_TIMEOUT)[0]
    assert call.status == 401 and call.answer["code"] == 20003, call.answer
    assert call.auth == (standin.account_sid, "wrong-token"), call.auth

    def failed(messages):
        assert len(messages) == 1 and messages[0]["status"] == "failed", messages
    [message] = shop.wait_messages(failed, flow="sms-only")
    assert message["reason"] == "rejected", message
    assert "20003" in (message["lastError"] or ""), message
    standin.quiet_for(2.0, expected=1)

    # The store's credentials were wrong, not the number: once they are fixed, the number gets texts.
    fixed = shop.api.ok_json(shop.api.request("PATCH", "/api/v1/settings/sender", json={"smsUrl": standin.url()}))
    assert fixed["smsUrl"].startswith(f"http://{standin.account_sid}:***@"), fixed
    shop.post_order(order("text-auth-2", {"externalId": "text-auth"}, number="#8002"))
    accepted = standin.wait_for_calls(lambda c: c.status == 201, timeout=DELIVERY_TIMEOUT)
    assert accepted[0].to == "+15550105555" and "#8002" in accepted[0].body, accepted[0].form

    def second_sent(messages):
        later = [m for m in messages if m["id"] != message["id"]]
        assert len(later) == 1 and later[0]["status"] == "sent", messages
    shop.wait_messages(second_sent, flow="sms-only")


def test_marketing_texts_wait_out_quiet_hours(patron, standin):
    shop = sms_shop(patron, standin)
    now = now_utc()
    hour = now.hour
    quiet_end = (hour + 2) % 24
    settings = shop.api.ok_json(shop.api.request("PATCH", "/api/v1/settings/messaging",
                                                 json={"quietStart": hour, "quietEnd": quiet_end}))
    assert settings["quietStart"] == hour and settings["quietEnd"] == quiet_end, settings
    # The end of the quiet hours that cover now (if the hour turns meanwhile, the same end still applies).
    expected_end = now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=2)

    customer = {"externalId": "text-quiet", "email": "quiet@example.com", "firstName": "Quinn",
                "phone": "+15550104444", "timeZone": "UTC",
                "consent": {"sms": {"state": "subscribed", "source": "checkout",
                                    "recordedAt": (now - dt.timedelta(days=1)).isoformat(timespec="seconds")}}}
    response = shop.api.post("/api/v1/customers", customer)
    assert response.status_code in (200, 201), describe(response)
    shop.put_flow(text_flow("quiet-sms", "sms", purpose="marketing",
                            trigger={"type": "event", "event": "Quiet Hours Test"}, template="birthday"))
    shop.enable("quiet-sms")
    shop.put_flow(text_flow("sms-only", "sms"))  # transactional: quiet hours do not apply
    shop.enable("sms-only")

    # Someone without SMS consent is not texted marketing at all (not postponed: refused).
    no_consent = {"externalId": "text-quiet-nc", "phone": "+15550104445", "timeZone": "UTC"}
    response = shop.api.post("/api/v1/customers", no_consent)
    assert response.status_code in (200, 201), describe(response)

    shop.post_event("Quiet Hours Test", "text-quiet")
    shop.post_event("Quiet Hours Test", "text-quiet-nc")
    shop.post_order(order("text-quiet-1", {"externalId": "text-quiet"}, number="#6001"))

    transactional = standin.wait_for_calls(lambda c: c.status == 201, timeout=DELIVERY_TIMEOUT)
    assert transactional[0].to == "+15550104444" and "#6001" in transactional[0].body, transactional[0].form

    consenting = shop.customer("text-quiet")["id"]

    def postponed(messages):
        assert len(messages) == 2, messages
        mine = [m for m in messages if m["customerId"] == consenting]
        assert len(mine) == 1 and "quiet hours" in (mine[0]["lastError"] or ""), messages
        others = [m for m in messages if m["customerId"] != consenting]
        assert others[0]["status"] == "suppressed", messages
    messages = shop.wait_messages(postponed, flow="quiet-sms")
    [message] = [m for m in messages if m["customerId"] == consenting]
    [refused] = [m for m in messages if m["customerId"] != consenting]
    assert refused["reason"] == "no_sms_consent", refused
    assert message["status"] == "queued", message
    assert message["purpose"] == "marketing" and message["channel"] == "sms", message
    assert message["attempts"] == 0, f"waiting out quiet hours used an attempt: {message}"
    assert parse_time(message["sendAt"]) == expected_end, (message["sendAt"], expected_end.isoformat())
    assert message["sentAt"] is None and message["sendingAt"] is None, message
    standin.quiet_for(QUIET_SECONDS, expected=1)
    assert shop.api.ok_json(shop.api.get(f"/api/v1/messages/{message['id']}"))["status"] == "queued"


@pytest.mark.parametrize("status", [503, 429])
def test_a_provider_outage_is_retried_until_the_text_is_accepted(patron, standin, status):
    standin.fail_next(1, status)
    shop = sms_shop(patron, standin)
    shop.put_flow(text_flow("sms-only", "sms"))
    shop.enable("sms-only")
    shop.post_order(order(f"text-retry-{status}", {"externalId": f"text-retry-{status}", "phone": "+15550103333"},
                          number="#7001"))
    calls = standin.wait_for_calls(lambda c: c.to == "+15550103333", count=2, timeout=DELIVERY_TIMEOUT)
    assert [c.status for c in calls[:2]] == [status, 201], [(c.status, c.answer) for c in calls]
    assert calls[0].body == calls[1].body and "#7001" in calls[1].body, [c.body for c in calls]

    def sent(messages):
        assert len(messages) == 1 and messages[0]["status"] == "sent", messages
    [message] = shop.wait_messages(sent, flow="sms-only")
    assert message["attempts"] == 2, message
    assert calls[1].sid in message["providerResponse"], message
    standin.quiet_for(2.0, expected=2)

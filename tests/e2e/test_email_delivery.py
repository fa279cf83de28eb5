"""Email delivery end to end: the built-in flows queue messages as data arrives, delivery workers hand
them to a real SMTP server (aiosmtpd, see smtp_sink.py), and nothing is lost or repeated when the
worker is SIGKILLed.

Every test creates its own store whose own `--smtp-url` points at the test's sink, so whichever
server's delivery workers pick a message up (on PostgreSQL every server of the session shares one
database) it lands in the right sink. The session server (one delivery worker) does the sending
unless a test runs its own processes.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.header
import email.utils
import gzip
import html as html_lib
import json
import os
import random
import re
import resource
import socket
import subprocess
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Optional

import pytest
import requests

from patron_e2e import (Api, PatronServer, PatronWorker, assert_problem, child_env, describe, eventually, log_dir,
                        migrate, new_database, parse_json_output, patron_bin, post_shopify, run_cli)
from smtp_sink import Certificates, ReceivedMessage, SmtpSink, make_certificates
from test_shopify_webhooks import big_id, order_payload

FROM_EMAIL = "shop@acme.test"
FROM_NAME = "Acme"
DELIVERY_TIMEOUT = 60.0  # generous: a debug build on a busy 2-core machine
QUIET_SECONDS = 4.0  # the deliberate "nothing more arrives" window
MESSAGE_ID = re.compile(r"^patron\.[0-9a-f]{32}$")


# ---------------------------------------------------------------------------------------------- helpers


def now_iso(offset: dt.timedelta = dt.timedelta(0), tz: dt.timezone = dt.timezone.utc) -> str:
    return (dt.datetime.now(tz) + offset).isoformat(timespec="seconds")


def cli(*args: str, database: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Runs the CLI and returns the result whatever the exit status (run_cli raises on failure)."""
    return subprocess.run([patron_bin(), *args, "--database", database], capture_output=True, text=True,
                          timeout=timeout, env=child_env(), stdin=subprocess.DEVNULL)


@dataclass
class Shop:
    """A store on the session database with sender settings and its own relay."""
    id: str
    name: str
    secret_key: str
    write_key: str
    webhook_secret: str
    database: str
    api: Api

    def messages(self, **params) -> list:
        return self.api.ok_json(self.api.get("/api/v1/messages", params={"limit": 100, **params}))["data"]

    def summary(self) -> dict:
        return self.api.ok_json(self.api.get("/api/v1/messages/summary"))

    def message(self, message_id: Any) -> dict:
        return self.api.ok_json(self.api.get(f"/api/v1/messages/{message_id}"))

    def post_order(self, body: dict) -> dict:
        response = self.api.post("/api/v1/orders", body)
        assert response.status_code in (200, 201), describe(response)
        return response.json()

    def wait_message(self, predicate, timeout: float = DELIVERY_TIMEOUT, **params) -> dict:
        """The first message of the store (filtered by `params`) that satisfies `predicate`."""
        def check():
            for message in self.messages(**params):
                if predicate(message):
                    return message
            return None
        return eventually(check, timeout=timeout, interval=0.2)

    def wait_sent(self, recipient: str, timeout: float = DELIVERY_TIMEOUT) -> dict:
        """The store's one message to `recipient`, once it is recorded as sent."""
        def check():
            found = [m for m in self.messages() if m["recipient"] == recipient]
            assert len(found) == 1, f"{len(found)} messages to {recipient}: {found}"
            assert found[0]["status"] == "sent", found[0]
            return found[0]
        return eventually(check, timeout=timeout, interval=0.2)

    def order_id(self, external_id: str) -> int:
        order = self.api.one("/api/v1/orders", externalId=external_id)
        assert order is not None, f"no order {external_id}"
        return order["id"]


def open_shop(patron: dict, smtp_url: Optional[str], *, flows=("order-thank-you",), name: Optional[str] = None,
              from_email: str = FROM_EMAIL, from_name: str = FROM_NAME) -> Shop:
    database = patron["db"]
    name = name or f"Acme {uuid.uuid4().hex[:6]}"
    created = run_cli("stores", "create", "--name", name, "--from-email", from_email, "--from-name", from_name,
                      "--json", database=database)
    keys = parse_json_output(created.stdout)
    store_id = str(keys["id"])
    if smtp_url is not None:
        run_cli("stores", "update", store_id, "--smtp-url", smtp_url, database=database)
    for flow in flows:
        run_cli("flows", "enable", flow, "--store", store_id, database=database)
    return Shop(id=store_id, name=name, secret_key=keys["secretKey"], write_key=keys["writeKey"],
                webhook_secret=keys["webhookSecret"], database=database, api=Api(patron["url"], keys["secretKey"]))


def order_body(external_id: str, *, email: str, first: Optional[str] = "Jane", last: Optional[str] = "Doe",
               placed_at: Optional[str] = None, number: Optional[str] = None, customer_id: Optional[str] = None,
               items: Optional[list] = None) -> dict:
    customer = {"externalId": customer_id or f"cust-{external_id}", "email": email}
    if first is not None:
        customer["firstName"] = first
    if last is not None:
        customer["lastName"] = last
    return {
        "externalId": external_id, "number": number or "#1001", "customer": customer, "currency": "EUR",
        "placedAt": placed_at or now_iso(),
        "lineItems": items or [{"title": "Coffee 250g", "quantity": 2, "unitPrice": 1450}],
        "shippingTotal": 495, "taxTotal": 300,
        "shippingAddress": {"name": "Jane Doe", "address1": "1 Rue X", "city": "Paris", "postalCode": "75001",
                            "country": "FR"},
    }


def parts(message: ReceivedMessage) -> dict:
    """{"text/plain": str, "text/html": str} of a multipart/alternative message, checking the MIME shape."""
    parsed = message.message
    assert parsed.get_content_type() == "multipart/alternative", parsed.get_content_type()
    found = {}
    for part in parsed.iter_parts():
        assert part["Content-Transfer-Encoding"].strip().lower() == "base64", part["Content-Transfer-Encoding"]
        assert part.get_content_charset() == "utf-8", part["Content-Type"]
        found[part.get_content_type()] = part.get_content().replace("\r\n", "\n")
    assert set(found) == {"text/plain", "text/html"}, list(found)
    return found


def raw_header(message: ReceivedMessage, name: str) -> list[str]:
    """The raw (unfolded, undecoded) values of a header, straight from the bytes received."""
    text = message.raw_headers.decode("utf-8", "surrogateescape")
    unfolded = re.sub(r"\r\n[ \t]", " ", text)
    prefix = name.lower() + ":"
    return [line[len(prefix):].strip() for line in unfolded.split("\r\n") if line.lower().startswith(prefix)]


def assert_link_leads_to(html: str, label: str, target: str) -> None:
    """The HTML has an <a> labelled `label` that goes to `target`: directly (HTML-escaped in the attribute),
    or through Patron's click tracking (a redirect to `target`)."""
    anchors = re.findall(r'<a\s[^>]*href="([^"]*)"[^>]*>\s*' + re.escape(label), html)
    assert len(anchors) == 1, f"{len(anchors)} links labelled {label!r}"
    href = html_lib.unescape(anchors[0])
    assert "<" not in anchors[0] and '"' not in html_lib.unescape(anchors[0]).replace(target, ""), anchors[0]
    if href == target:
        assert target.replace("&", "&amp;") in html or "&" not in target
        return
    assert href.startswith(("http://", "https://")), href
    response = requests.get(href, allow_redirects=False, timeout=30)
    assert response.status_code in (301, 302, 303, 307, 308), describe(response)
    assert response.headers["Location"] == target, response.headers


def decoded(value: str) -> str:
    """RFC 2047 decoding with email.header."""
    return str(email.header.make_header(email.header.decode_header(value)))


# ---------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def certs(work_dir) -> Certificates:
    return make_certificates(work_dir / "smtp-certs")


@pytest.fixture
def sinks():
    """sinks(**options) -> a started SmtpSink, stopped after the test."""
    started: list[SmtpSink] = []

    def start(**options) -> SmtpSink:
        sink = SmtpSink(**options).start()
        started.append(sink)
        return sink

    yield start
    for sink in started:
        sink.stop()


@pytest.fixture
def sink(sinks) -> SmtpSink:
    return sinks()


@pytest.fixture
def own_patron(isolated_database) -> dict:
    """A server (one delivery worker) on a database of its own, for tests whose messages are never
    deliverable: Patron keeps retrying them, and they must not hold up the session server's worker."""
    database, _ = isolated_database
    server = PatronServer(database, name="mail-own").start()
    yield {"url": server.url, "db": database, "server": server}
    server.kill()


# ---------------------------------------------------------------------------------------------- a. thank-you


def test_shopify_order_gets_one_correct_thank_you_email(patron, sink):
    shop = open_shop(patron, sink.url(), name="Acme & <Sons>")
    order_id, customer_id = big_id(), big_id()
    eastern = dt.timezone(dt.timedelta(hours=-5))
    payload = order_payload(order_id, customer_id)
    payload.update({"created_at": now_iso(tz=eastern), "processed_at": now_iso(tz=eastern),
                    "updated_at": now_iso(tz=eastern)})
    # Merchant input that must not become markup in the HTML part.
    payload["line_items"][1]["title"] = 'IPod Case <script>alert("x")</script> & Co'
    address = f"shopper-{customer_id}@example.com"
    before = time.time()
    response = post_shopify(patron["url"], shop.id, shop.webhook_secret, "orders/create", payload)
    assert response.status_code == 200, response.text

    received = sink.wait_for(1, timeout=DELIVERY_TIMEOUT)
    assert len(received) == 1
    mail = received[0]
    message = shop.wait_sent(address)

    # Envelope.
    assert mail.mail_from == FROM_EMAIL
    assert mail.rcpt_tos == [address]
    # Headers, as sent and as parsed.
    assert raw_header(mail, "From") == [f'"{FROM_NAME}" <{FROM_EMAIL}>']
    assert raw_header(mail, "To") == [f'"Jon Snow" <{address}>']
    parsed = mail.message
    assert parsed["Subject"] == "Thank you for your order #1042, Jon"
    assert parsed["To"].addresses[0].display_name == "Jon Snow"
    assert parsed["To"].addresses[0].addr_spec == address
    date = email.utils.parsedate_to_datetime(parsed["Date"])
    assert date.tzinfo is not None
    assert before - 120 <= date.timestamp() <= time.time() + 120, parsed["Date"]
    assert parsed["MIME-Version"] == "1.0"
    assert MESSAGE_ID.match(message["messageId"]), message["messageId"]
    assert raw_header(mail, "Message-ID") == [f"<{message['messageId']}@acme.test>"]
    assert mail.message_id == f"{message['messageId']}@acme.test"
    for name in ("From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"):
        assert len(raw_header(mail, name)) == 1, f"{name} appears {len(raw_header(mail, name))} times"

    body = parts(mail)
    text, html = body["text/plain"], body["text/html"]
    assert "Thank you, Jon!" in text
    assert "#1042" in text
    assert re.search(r"^1 x IPod Nano - 8GB( \(green\))?\s+\$199\.00$", text, re.M), text
    assert re.search(r'^2 x IPod Case <script>alert\("x"\)</script> & Co\s+\$194\.00$', text, re.M), text
    assert re.search(r"^Subtotal: \$393\.00$", text, re.M), text
    assert re.search(r"^Shipping: \$10\.00$", text, re.M), text
    assert re.search(r"^Total: \$403\.00$", text, re.M), text
    for line in ("Jon Snow", "123 Elm St.", "(Canada|CA)"):
        assert re.search(rf"^{line}$", text, re.M), f"{line!r} missing from the address:\n{text}"
    assert re.search(r"^.*K2P 1L4.*Ottawa.*$|^.*Ottawa.*K2P 1L4.*$", text, re.M), text

    assert "<script>" not in html, "merchant input became markup"
    assert "IPod Case &lt;script&gt;alert(" in html
    assert "&amp; Co" in html
    assert "Acme &amp; &lt;Sons&gt;" in html and "Acme & <Sons>" not in html
    assert "$403.00" in html and "$199.00" in html and "Thank you, Jon!" in html

    # The message record says what happened.
    assert message["flow"] == "order-thank-you" and message["template"] == "order-thank-you"
    assert message["channel"] == "email" and message["purpose"] == "transactional"
    assert message["recipient"] == address
    assert message["subject"] == parsed["Subject"]
    assert message["attempts"] == 1 and message["uncertainSends"] == 0
    assert message["sentAt"] and "250" in (message["providerResponse"] or "")
    assert shop.message(message["id"])["status"] == "sent"
    summary = shop.summary()
    assert summary["byStatus"]["sent"] == 1 and summary["byStatus"]["queued"] == 0, summary

    # The preview renders the same message without sending anything.
    customer = shop.api.one("/api/v1/customers", externalId=str(customer_id))
    preview = shop.api.ok_json(shop.api.get("/api/v1/flows/order-thank-you/preview",
                                            params={"customer": customer["id"]}))
    assert preview["subject"] == parsed["Subject"]
    assert address in preview["to"] and FROM_EMAIL in preview["from"]
    assert "IPod Case &lt;script&gt;" in preview["html"] and "$403.00" in preview["text"]
    sink.quiet_for(1.0, expected=1)


def test_rest_and_segment_orders_trigger_the_thank_you_too(patron, sink):
    shop = open_shop(patron, sink.url())
    shop.post_order(order_body("rest-1", email="rest@example.com", number="#2001"))
    segment_batch = {"batch": [
        {"type": "identify", "userId": "seg-user-1", "messageId": str(uuid.uuid4()),
         "traits": {"email": "segment@example.com", "firstName": "Sam", "lastName": "Gee"}},
        {"type": "track", "userId": "seg-user-1", "event": "Order Completed", "messageId": str(uuid.uuid4()),
         "timestamp": now_iso(), "properties": {"order_id": "seg-1", "total": 54.95, "shipping": 4.95, "tax": 0,
                                                "currency": "USD", "products": [
                                                    {"product_id": "tee", "name": "Tee", "price": 25.0, "quantity": 2}]}},
    ]}
    response = requests.post(f"{patron['url']}/v1/batch", json=segment_batch, auth=(shop.write_key, ""), timeout=30)
    assert response.status_code == 200 and not response.json().get("rejected"), response.text

    received = sink.wait_for(2, timeout=DELIVERY_TIMEOUT)
    by_rcpt = {m.rcpt_tos[0]: m for m in received}
    assert set(by_rcpt) == {"rest@example.com", "segment@example.com"}
    assert by_rcpt["rest@example.com"].message["Subject"] == "Thank you for your order #2001, Jane"
    segment_text = parts(by_rcpt["segment@example.com"])["text/plain"]
    assert by_rcpt["segment@example.com"].message["Subject"].endswith(", Sam")
    assert re.search(r"^2 x Tee\s+\$50\.00$", segment_text, re.M), segment_text
    assert re.search(r"^Total: \$54\.95$", segment_text, re.M), segment_text
    shop.wait_sent("rest@example.com")
    shop.wait_sent("segment@example.com")


# ---------------------------------------------------------------------------------------------- b. DKIM


def test_dkim_signature_verifies_and_breaks_when_tampered(patron, sink, work_dir):
    dkim = pytest.importorskip("dkim")
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    shop = open_shop(patron, sink.url())
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = work_dir / f"dkim-{shop.id}.pem"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                           serialization.NoEncryption()))
    run_cli("stores", "update", shop.id, "--dkim-selector", "s1", "--dkim-key-file", str(key_file),
            database=shop.database)

    sender = shop.api.ok_json(shop.api.get("/api/v1/settings/sender"))
    assert sender["dkimSelector"] == "s1" and sender["dkimConfigured"] is True, sender
    assert "PRIVATE KEY" not in json.dumps(sender), "the private key must never be served"
    record = sender["dkimDnsRecord"]
    assert record["name"] == "s1._domainkey.acme.test" and record["type"] == "TXT", record
    assert record["value"].startswith("v=DKIM1; k=rsa; p="), record
    published = serialization.load_der_public_key(base64.b64decode(record["value"].split("p=", 1)[1]))
    assert published.public_numbers() == key.public_key().public_numbers(), "p= is not the key's public half"

    lookups: list[str] = []

    def dnsfunc(name, timeout=5):
        name = name.decode() if isinstance(name, bytes) else name
        lookups.append(name)
        return record["value"].encode() if name.rstrip(".") == record["name"] else None

    shop.post_order(order_body("dkim-1", email="dkim@example.com", first="Dee"))
    mail = sink.wait_for(1, timeout=DELIVERY_TIMEOUT)[0]
    signatures = raw_header(mail, "DKIM-Signature")
    assert len(signatures) == 1, mail.raw_headers
    tags = {k.strip(): v.strip() for k, v in (t.split("=", 1) for t in signatures[0].split(";") if "=" in t)}
    assert tags["a"] == "rsa-sha256" and tags["c"] == "relaxed/relaxed", tags
    assert tags["d"] == "acme.test" and tags["s"] == "s1", tags
    signed = [h.strip().lower() for h in re.sub(r"\s", "", tags["h"]).split(":")]
    for required in ("from", "to", "subject", "date", "message-id", "mime-version", "content-type"):
        assert required in signed, f"h= lacks {required}: {tags['h']}"

    assert dkim.verify(mail.raw, dnsfunc=dnsfunc), "the DKIM signature does not verify"
    assert any(n.rstrip(".") == "s1._domainkey.acme.test" for n in lookups), lookups

    tampered_subject = mail.raw.replace(b"Subject: Thank you for your order", b"Subject: Thank you for your 0rder", 1)
    assert tampered_subject != mail.raw
    assert not dkim.verify(tampered_subject, dnsfunc=dnsfunc), "a changed Subject still verifies"
    head, body = mail.raw.split(b"\r\n\r\n", 1)
    lines = body.split(b"\r\n")
    index = next(i for i, line in enumerate(lines) if len(line) > 20 and not line.startswith(b"--"))
    lines[index] = bytes([lines[index][0] ^ 0x01]) + lines[index][1:]
    assert not dkim.verify(head + b"\r\n\r\n" + b"\r\n".join(lines), dnsfunc=dnsfunc), "a changed body still verifies"

    # A key that is not an RSA private key is refused by the CLI and by the API, naming the option/field.
    bad_key = work_dir / f"dkim-bad-{shop.id}.pem"
    bad_key.write_text("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n")
    refused = cli("stores", "update", shop.id, "--dkim-selector", "s2", "--dkim-key-file", str(bad_key),
                  database=shop.database)
    assert refused.returncode != 0 and "--dkim-key-file" in refused.stderr + refused.stdout, refused
    assert_problem(shop.api.request("PATCH", "/api/v1/settings/sender", json={"dkimPrivateKey": "nope"}), 422,
                   "dkimPrivateKey")
    assert shop.api.ok_json(shop.api.get("/api/v1/settings/sender"))["dkimSelector"] == "s1"


# ---------------------------------------------------------------------------------------------- c. redelivery


def test_the_same_webhook_delivered_ten_times_sends_one_email(patron, sink):
    shop = open_shop(patron, sink.url())
    order_id, customer_id = big_id(), big_id()
    payload = order_payload(order_id, customer_id)
    payload.update({"created_at": now_iso(), "processed_at": now_iso(), "updated_at": now_iso()})
    webhook_id, event_id = str(uuid.uuid4()), str(uuid.uuid4())

    def deliver(same_ids: bool) -> requests.Response:
        if same_ids:
            return post_shopify(patron["url"], shop.id, shop.webhook_secret, "orders/create", payload,
                                webhook_id=webhook_id, event_id=event_id)
        return post_shopify(patron["url"], shop.id, shop.webhook_secret, "orders/create", payload)

    first = deliver(True)
    assert first.status_code == 200 and first.json()["duplicate"] is False, first.text
    sink.wait_for(1, timeout=DELIVERY_TIMEOUT)
    # Nine more: four replays of the same delivery, five new deliveries (new webhook and event ids) of the
    # same order, the new ones concurrently, as Shopify's retries and several subscriptions can overlap.
    replays = [deliver(True) for _ in range(4)]
    assert all(r.status_code == 200 and r.json()["duplicate"] is True for r in replays), [r.text for r in replays]
    with ThreadPoolExecutor(max_workers=5) as pool:
        fresh = list(pool.map(lambda _: deliver(False), range(5)))
    assert all(r.status_code == 200 for r in fresh), [describe(r) for r in fresh]

    sink.quiet_for(QUIET_SECONDS, expected=1)
    assert sink.count() == 1
    messages = shop.messages()
    assert len(messages) == 1, messages
    assert messages[0]["context"].get("orderId") == shop.order_id(str(order_id)), messages[0]
    assert messages[0]["dedupeKey"], messages[0]
    assert messages[0]["status"] == "sent"
    assert sink.messages[0].message_id == f"{messages[0]['messageId']}@acme.test"
    orders = shop.api.ok_json(shop.api.get("/api/v1/orders", params={"externalId": str(order_id)}))["data"]
    assert len(orders) == 1


# ---------------------------------------------------------------------------------------------- d. TLS and AUTH


def test_starttls_required_with_auth_delivers(patron, sinks, certs):
    sink = sinks(starttls="required", auth=("mailer", "s3cr3t p@ss"), certificates=certs)
    shop = open_shop(patron, sink.url(user="mailer", password="s3cr3t p@ss", ca_file=certs.ca_file))
    shop.post_order(order_body("tls-1", email="tls@example.com"))
    mail = sink.wait_for(1, timeout=DELIVERY_TIMEOUT)[0]
    assert mail.tls, "the message was not sent over TLS"
    assert mail.authenticated_as == "mailer"
    assert mail.rcpt_tos == ["tls@example.com"]
    shop.wait_sent("tls@example.com")
    sender = shop.api.ok_json(shop.api.get("/api/v1/settings/sender"))
    assert "s3cr3t" not in json.dumps(sender), f"the relay password is served: {sender['smtpUrl']}"
    assert sender["smtpUrl"].startswith("smtp://mailer:") and "127.0.0.1" in sender["smtpUrl"], sender["smtpUrl"]


def test_wrong_password_is_refused_and_never_sent(patron, sinks, certs):
    sink = sinks(starttls="required", auth=("mailer", "right"), certificates=certs)
    shop = open_shop(patron, sink.url(user="mailer", password="wrong", ca_file=certs.ca_file))
    shop.post_order(order_body("auth-1", email="auth@example.com"))
    message = shop.wait_message(lambda m: "535" in (m.get("lastError") or ""))
    assert message["status"] in ("failed", "queued"), message
    assert message["status"] != "sent"
    assert any(login == "mailer" and not ok for _, login, ok in sink.auth_attempts), sink.auth_attempts
    sink.quiet_for(2.0, expected=0)
    assert shop.message(message["id"])["status"] != "sent"


def test_implicit_tls_delivers(patron, sinks, certs):
    sink = sinks(implicit_tls=True, auth=("mailer", "pw"), certificates=certs)
    shop = open_shop(patron, sink.url(user="mailer", password="pw", ca_file=certs.ca_file))
    shop.post_order(order_body("smtps-1", email="smtps@example.com"))
    mail = sink.wait_for(1, timeout=DELIVERY_TIMEOUT)[0]
    assert mail.tls and mail.authenticated_as == "mailer"
    shop.wait_sent("smtps@example.com")


@pytest.mark.parametrize("implicit_tls", [False, True], ids=["starttls", "smtps"])
def test_an_untrusted_certificate_is_not_accepted(own_patron, sinks, certs, implicit_tls):
    """Without ca_file the test CA is unknown: Patron must not fall back to an unverified connection."""
    if implicit_tls:
        sink = sinks(implicit_tls=True, certificates=certs)
        url = sink.url()
    else:
        sink = sinks(starttls="required", certificates=certs)
        url = sink.url(starttls="required")
    shop = open_shop(own_patron, url)
    shop.post_order(order_body("untrusted-1", email="untrusted@example.com"))
    eventually(lambda: sink.connections, timeout=DELIVERY_TIMEOUT)  # Patron tried the relay
    sink.quiet_for(3.0, expected=0)
    message = shop.messages()[0]
    assert message["status"] != "sent", message
    # The error may take a minute to be recorded: see test_a_failed_starttls_handshake_is_noticed_at_once.
    if message.get("lastError") and "did not answer" not in message["lastError"]:
        assert re.search(r"certificate|handshake|tls|ssl", message["lastError"], re.I), message["lastError"]


def test_a_failed_starttls_handshake_is_noticed_at_once(own_patron, sinks, certs):
    """Five messages to a relay whose certificate is not trusted: each attempt should fail in well under a
    second, so within 20 s every message has recorded the certificate error."""
    sink = sinks(starttls="required", certificates=certs)
    shop = open_shop(own_patron, sink.url(starttls="required"))
    for i in range(5):
        shop.post_order(order_body(f"handshake-{i}", email=f"handshake-{i}@example.com"))

    def all_refused():
        messages = shop.messages()
        assert len(messages) == 5
        errors = [m.get("lastError") or "" for m in messages]
        assert all(re.search(r"certificate|handshake", e, re.I) for e in errors), errors
        return messages

    try:
        eventually(all_refused, timeout=20, interval=0.5)
    finally:
        stalled = [m["lastError"] for m in shop.messages() if "did not answer" in (m.get("lastError") or "")]
        print(f"{len(sink.connections)} connections; stalled attempts: {stalled}")
    assert sink.count() == 0


def test_credentials_are_not_sent_over_plaintext(own_patron, sinks):
    sink = sinks(auth=("mailer", "pw"), auth_require_tls=False)  # offers AUTH without TLS
    shop = open_shop(own_patron, sink.url(user="mailer", password="pw", starttls="opportunistic"))
    shop.post_order(order_body("plain-1", email="plain@example.com"))
    message = shop.wait_message(lambda m: m.get("lastError"))
    assert message["status"] != "sent"
    assert "TLS" in message["lastError"], message["lastError"]
    assert sink.auth_attempts == [], "credentials went over a plaintext connection"
    sink.quiet_for(1.0, expected=0)


class BusyRelay:
    """A relay that answers every connection with `421 busy` and hangs up; counts the connections."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.connections: list[float] = []
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(time.monotonic())
            try:
                connection.sendall(b"421 4.3.2 busy, try again later\r\n")
            finally:
                connection.close()

    def close(self) -> None:
        self._stop = True
        self.listener.close()


def test_a_failing_relay_is_retried_with_growing_backoff(own_patron):
    relay = BusyRelay()
    try:
        shop = open_shop(own_patron, f"smtp://127.0.0.1:{relay.port}?starttls=off")
        shop.post_order(order_body("busy-1", email="busy@example.com"))
        eventually(lambda: relay.connections, timeout=DELIVERY_TIMEOUT)
        first = relay.connections[0]
        time.sleep(12)
        window = [t for t in relay.connections if t - first <= 12]
        message = shop.messages()[0]
        assert "421" in (message["lastError"] or ""), message
        assert message["status"] == "queued", message
        # Backoff of 1, 2, 4, 8 s (x0.5-1.5): at most 5 tries in the first 12 s; plus one for poll jitter.
        assert len(window) <= 6, f"{len(window)} connection attempts in 12 s: no backoff"
        assert message["attempts"] >= len(window) - 1 >= 1, (
            f"attempts = {message['attempts']} after {len(window)} tries")
    finally:
        relay.close()


# ---------------------------------------------------------------------------------------------- e. UTF-8


@pytest.mark.parametrize("smtputf8", [True, False], ids=["smtputf8", "no-smtputf8"])
def test_non_ascii_names_are_correct_with_and_without_smtputf8(patron, sinks, smtputf8):
    sink = sinks(smtputf8=smtputf8)
    shop = open_shop(patron, sink.url(), from_name="Café Ünïcode")
    shop.post_order(order_body("utf8-ascii", email="zoe@example.com", first="Zoë", last="Ångström", number="#3001"))
    mail = sink.wait_for(1, timeout=DELIVERY_TIMEOUT)[0]
    subject = "Thank you for your order #3001, Zoë"
    # An ASCII address never needs SMTPUTF8: the headers are RFC 2047 encoded words either way.
    for name in ("To", "Subject", "From"):
        value = raw_header(mail, name)[0]
        assert value.isascii(), f"{name} carries raw UTF-8 to an ASCII address: {value!r}"
    assert "=?" in raw_header(mail, "Subject")[0]
    assert decoded(raw_header(mail, "Subject")[0]) == subject
    assert decoded(raw_header(mail, "To")[0]) in ('"Zoë Ångström" <zoe@example.com>', "Zoë Ångström <zoe@example.com>")
    assert mail.message["To"].addresses[0].display_name == "Zoë Ångström"
    assert mail.message["From"].addresses[0].display_name == "Café Ünïcode"
    assert mail.message["Subject"] == subject
    assert "Thank you, Zoë!" in parts(mail)["text/plain"]

    # An internationalised address needs SMTPUTF8: raw UTF-8 headers when offered, otherwise not sendable.
    shop.post_order(order_body("utf8-eai", email="zoë@example.com", first="Zoë", last="Ångström", number="#3002"))
    if smtputf8:
        mail = sink.wait_for(2, timeout=DELIVERY_TIMEOUT)[1]
        assert mail.rcpt_tos == ["zoë@example.com"]
        assert mail.smtp_utf8 and "SMTPUTF8" in [o.upper() for o in mail.mail_options], mail.mail_options
        assert raw_header(mail, "To") == ['"Zoë Ångström" <zoë@example.com>']
        assert raw_header(mail, "Subject") == ["Thank you for your order #3002, Zoë"]
        shop.wait_sent("zoë@example.com")
    else:
        message = shop.wait_message(lambda m: m["recipient"] == "zoë@example.com" and m["status"] == "failed")
        assert "SMTPUTF8" in message["lastError"], message
        sink.quiet_for(1.0, expected=1)


# ---------------------------------------------------------------------------------------------- f. header injection

INJECTED_FIRST_NAME = "Eve\r\nBcc: victim@example.com"


def _post_injected_order(patron, sink, external_id: str) -> Shop:
    shop = open_shop(patron, sink.url())
    shop.post_order(order_body(external_id, email="eve@example.com", first=INJECTED_FIRST_NAME, last="Mallory"))
    return shop


def assert_no_injection(mail: ReceivedMessage) -> None:
    assert mail.rcpt_tos == ["eve@example.com"], mail.rcpt_tos
    assert mail.message["Bcc"] is None and not raw_header(mail, "Bcc"), mail.raw_headers
    assert b"\nBcc:" not in mail.raw_headers and b"\nbcc:" not in mail.raw_headers.lower()
    subject = raw_header(mail, "Subject")
    assert len(subject) == 1
    assert "\r" not in mail.message["Subject"] and "\n" not in mail.message["Subject"], repr(mail.message["Subject"])
    assert len(mail.message["To"].addresses) == 1


def test_a_line_break_in_a_name_cannot_add_a_header(patron, sink):
    """Whatever Patron does with such a name, no Bcc header and no second recipient may appear."""
    shop = _post_injected_order(patron, sink, "inject-1")
    message = shop.wait_message(lambda m: m["status"] in ("sent", "failed", "suppressed"))
    sink.quiet_for(2.0, expected=1)
    for mail in sink.messages:
        assert_no_injection(mail)
    assert all("victim@example.com" not in m.rcpt_tos for m in sink.messages)
    assert "\n" not in (message["subject"] or "") and "\r" not in (message["subject"] or "")


def test_a_line_break_in_a_name_still_gets_the_confirmation(patron, sink):
    shop = _post_injected_order(patron, sink, "inject-2")
    message = shop.wait_message(lambda m: m["status"] in ("sent", "failed", "suppressed"))
    assert message["status"] == "sent", message
    mail = sink.wait_for(1, timeout=DELIVERY_TIMEOUT)[0]
    assert_no_injection(mail)
    assert mail.message["Subject"].startswith("Thank you for your order #1001, Eve")
    name = mail.message["To"].addresses[0].display_name
    assert "\r" not in name and "\n" not in name and "Eve" in name, repr(name)


# ---------------------------------------------------------------------------------------------- g. switches


def test_flows_are_off_by_default_and_switch_from_cli_and_api(patron, sink, work_dir):
    shop = open_shop(patron, sink.url(), flows=())
    db = shop.database
    listing = run_cli("flows", "list", "--store", shop.id, "--json", database=db)
    flows = {f["name"]: f for f in json.loads(listing.stdout.strip().splitlines()[-1])}
    assert set(flows) >= {"order-thank-you", "shipping-updates"}, flows
    assert flows["order-thank-you"]["enabled"] is False and flows["shipping-updates"]["enabled"] is False
    assert flows["order-thank-you"]["purpose"] == "transactional"
    text = run_cli("flows", "list", "--store", shop.id, database=db).stdout
    assert re.search(r"^off\s+order-thank-you", text, re.M) and re.search(r"^off\s+shipping-updates", text, re.M), text
    api_flows = {f["name"]: f["enabled"] for f in shop.api.ok_json(shop.api.get("/api/v1/flows"))["data"]}
    assert api_flows["order-thank-you"] is False and api_flows["shipping-updates"] is False, api_flows
    assert not any(api_flows.values()), f"flows must be off by default: {api_flows}"

    # Off: a fresh order queues nothing (queueing happens in the order's own transaction).
    shop.post_order(order_body("off-1", email="off@example.com"))
    assert shop.messages() == []

    # On through the CLI.
    run_cli("flows", "enable", "order-thank-you", "--store", shop.id, database=db)
    text = run_cli("flows", "list", "--store", shop.id, database=db).stdout
    assert re.search(r"^on\s+order-thank-you", text, re.M) and re.search(r"^off\s+shipping-updates", text, re.M), text
    assert shop.api.ok_json(shop.api.get("/api/v1/flows/order-thank-you"))["enabled"] is True

    # History is not news: an order placed 10 days ago, and a CSV import of a fresh order, queue nothing.
    shop.post_order(order_body("old-1", email="old@example.com", placed_at=now_iso(-dt.timedelta(days=10))))
    csv_file = work_dir / f"orders-{shop.id}.csv.gz"
    with gzip.open(csv_file, "wt") as out:
        out.write("order_external_id,order_number,email,currency,placed_at,title,quantity,unit_price\n")
        out.write(f"csv-1,#4001,csv@example.com,EUR,{now_iso()},Mug,1,12.00\n")
    run_cli("import", "orders", str(csv_file), "--store", shop.id, database=db)
    assert shop.api.one("/api/v1/orders", externalId="csv-1") is not None, "the CSV order was not imported"
    assert shop.messages() == []

    # The positive control: a fresh live order now queues its message, and only it is sent.
    shop.post_order(order_body("on-1", email="on@example.com"))
    queued = shop.messages()
    assert [m["context"].get("orderId") for m in queued] == [shop.order_id("on-1")], queued
    sink.wait_for(1, timeout=DELIVERY_TIMEOUT)

    # Off again through the API; on/off for shipping-updates too.
    disabled = shop.api.post("/api/v1/flows/order-thank-you/disable")
    assert shop.api.ok_json(disabled)["enabled"] is False
    enabled = shop.api.post("/api/v1/flows/shipping-updates/enable")
    assert shop.api.ok_json(enabled)["enabled"] is True
    text = run_cli("flows", "list", "--store", shop.id, database=db).stdout
    assert re.search(r"^off\s+order-thank-you", text, re.M) and re.search(r"^on\s+shipping-updates", text, re.M), text
    shop.post_order(order_body("off-2", email="off2@example.com"))
    assert len(shop.messages()) == 1
    run_cli("flows", "disable", "shipping-updates", "--store", shop.id, database=db)
    assert shop.api.ok_json(shop.api.get("/api/v1/flows/shipping-updates"))["enabled"] is False

    # Unknown flows.
    assert shop.api.post("/api/v1/flows/no-such-flow/enable").status_code == 404
    assert shop.api.get("/api/v1/flows/no-such-flow").status_code == 404
    unknown = cli("flows", "enable", "no-such-flow", "--store", shop.id, database=db)
    assert unknown.returncode != 0 and "no-such-flow" in unknown.stderr + unknown.stdout, unknown

    sink.quiet_for(2.0, expected=1)
    assert [m.rcpt_tos for m in sink.messages] == [["on@example.com"]]


def test_bad_sender_settings_are_refused_naming_the_option(patron):
    shop = open_shop(patron, "smtp://127.0.0.1:2525?starttls=off", flows=())
    db = shop.database
    cases = [
        ("--smtp-url", "http://mail.example.com"),
        ("--smtp-url", "smtp://127.0.0.1:2525?starttls=sometimes"),
        ("--from-email", "not-an-email"),
        ("--reply-to", "nope"),
        ("--brand-color", "red; background:url(x)"),
        ("--logo-url", "http://insecure.example.com/logo.png"),
    ]
    for option, value in cases:
        result = cli("stores", "update", shop.id, option, value, database=db)
        assert result.returncode != 0, f"{option} {value!r} was accepted"
        assert option in result.stderr + result.stdout, f"the error does not name {option}: {result.stderr}"
    created = cli("stores", "create", "--name", "bad", "--from-email", "nope", "--json", database=db)
    assert created.returncode != 0 and "--from-email" in created.stderr + created.stdout, created

    sender = shop.api.ok_json(shop.api.get("/api/v1/settings/sender"))
    assert sender["fromEmail"] == FROM_EMAIL and sender["fromName"] == FROM_NAME, sender
    assert sender["smtpUrl"].startswith("smtp://127.0.0.1:2525"), sender

    assert_problem(shop.api.request("PATCH", "/api/v1/settings/sender", json={"fromEmail": "not-an-email"}), 422,
                   "fromEmail")
    assert_problem(shop.api.request("PATCH", "/api/v1/settings/sender", json={"smtpUrl": "ftp://x"}), 422, "smtpUrl")
    assert_problem(shop.api.request("PATCH", "/api/v1/settings/sender", json={"fromName": "A\r\nBcc: x@y.z"}), 422,
                   "fromName")
    assert shop.api.ok_json(shop.api.get("/api/v1/settings/sender"))["fromEmail"] == FROM_EMAIL

    changed = shop.api.request("PATCH", "/api/v1/settings/sender",
                               json={"fromName": "Acme Coffee", "replyTo": "help@acme.test",
                                     "smtpUrl": "smtp://user:hunter2@127.0.0.1:2526?starttls=off"})
    body = shop.api.ok_json(changed)
    assert body["fromName"] == "Acme Coffee" and body["replyTo"] == "help@acme.test", body
    assert "hunter2" not in changed.text and body["smtpUrl"].startswith("smtp://user:"), body["smtpUrl"]


# ---------------------------------------------------------------------------------------------- h. shipments


def test_shipping_updates_send_once_per_milestone(patron, sink):
    shop = open_shop(patron, sink.url(), flows=("shipping-updates",))
    shop.post_order(order_body("ship-1", email="ship@example.com", first="Sid", number="#5001"))
    tracking_url = "https://www.ups.com/track?tracknum=1Z999AA10123456784&loc=en_US"

    def shipment(status: str) -> dict:
        body = {"externalId": "ful-ship-1", "orderExternalId": "ship-1", "carrier": "UPS",
                "trackingNumber": "1Z999AA10123456784", "trackingUrl": tracking_url, "status": status}
        response = shop.api.post("/api/v1/shipments", body)
        assert response.status_code in (200, 201), describe(response)
        return response.json()

    shipment("in_transit")
    first = sink.wait_for(1, timeout=DELIVERY_TIMEOUT)[0]
    assert first.rcpt_tos == ["ship@example.com"]
    assert first.message["Subject"] == "Your order is on its way (#5001)"
    body = parts(first)
    assert body["text/plain"].startswith("Your order is on its way")
    assert "UPS" in body["text/plain"] and "1Z999AA10123456784" in body["text/plain"]
    assert tracking_url in body["text/plain"]
    assert_link_leads_to(body["text/html"], "Track your package", tracking_url)
    assert "Your order is on its way" in body["text/html"]

    shipment("in_transit")  # the same status again
    shipment("delivered")
    second = sink.wait_for(2, timeout=DELIVERY_TIMEOUT)[1]
    assert second.message["Subject"] == "Your order was delivered (#5001)"
    assert "Your order was delivered" in parts(second)["text/plain"]
    assert second.message_id != first.message_id

    shipment("delivered")  # re-posting the same milestone
    sink.quiet_for(QUIET_SECONDS, expected=2)
    messages = shop.messages(flow="shipping-updates")
    assert sorted(m["context"].get("milestone") for m in messages) == ["delivered", "shipped"], messages
    assert all(m["status"] == "sent" for m in messages)
    assert shop.messages(flow="order-thank-you") == [], "order-thank-you is off"


# ---------------------------------------------------------------------------------------------- i. SIGKILL


TOTAL_MESSAGES = int(os.environ.get("PATRON_E2E_MAIL_MESSAGES", "10000"))
BATCH = 1000
MIN_KILLS = 10
MAX_KILLS = 40
KILL_PHASE_SECONDS = 90  # after MIN_KILLS, keep killing while this budget lasts and >10% remain


def _fresh_postgres_database(url: str) -> tuple[Optional[str], Optional[callable]]:
    """A new database on the server of `url` (and a function that drops it), or (None, None)."""
    parsed = urllib.parse.urlsplit(url)
    name = f"patron_e2e_mail_{uuid.uuid4().hex[:8]}"
    admin = parsed._replace(path="/postgres").geturl()
    psql = ["psql", admin, "-v", "ON_ERROR_STOP=1", "-q", "-c"]
    try:
        subprocess.run([*psql, f"CREATE DATABASE {name}"], check=True, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None, None

    def drop() -> None:
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], capture_output=True, timeout=60)

    return parsed._replace(path=f"/{name}").geturl(), drop


@pytest.fixture
def isolated_database(work_dir):
    """A database no other server of the session uses: a new SQLite file, or a new PostgreSQL database
    (falling back to the shared one, with a note, when it cannot be created)."""
    url = os.environ.get("PATRON_DATABASE_URL", "").strip()
    drop = None
    note = ""
    if url:
        database, drop = _fresh_postgres_database(url)
        if database is None:
            database, note = url, "could not create a database: using the shared one (other servers may deliver too)"
    else:
        database = new_database(work_dir)
    migrate(database)
    yield database, note
    if drop:
        drop()


def _all_messages(api: Api) -> list:
    items: list = []
    before = None
    for _ in range(10_000):
        params = {"limit": 200}
        if before:
            params["before"] = before
        page = api.ok_json(api.get("/api/v1/messages", params=params, timeout=60))
        items.extend(page["data"])
        before = page.get("nextCursor")
        if not before:
            return items
    raise AssertionError("message pagination did not end")


def _epoch(timestamp: str) -> float:
    return dt.datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def test_sigkilled_workers_lose_and_repeat_nothing(isolated_database, sink):
    database, note = isolated_database
    env = {"PATRON_ANALYTICS_INTERVAL": "0", "PATRON_DELIVERY_LEASE_SECONDS": "2"}
    server = PatronServer(database, name="mail-sigkill-api", env=env, args=("--workers", "0")).start()
    workers: list[PatronWorker] = []
    try:
        created = run_cli("stores", "create", "--name", "Bulk", "--from-email", FROM_EMAIL, "--from-name", FROM_NAME,
                          "--json", database=database)
        keys = parse_json_output(created.stdout)
        store = str(keys["id"])
        run_cli("stores", "update", store, "--smtp-url", sink.url(), database=database)
        run_cli("flows", "enable", "order-thank-you", "--store", store, database=database)
        api = Api(server.url, keys["secretKey"])

        # 10 x 1,000 orders through the batch endpoint: each queues its thank-you in its own transaction.
        started = time.monotonic()
        placed = now_iso()

        def post_batch(b: int) -> None:
            items = [order_body(f"bulk-{b}-{i}", email=f"buyer-{b}-{i}@example.com", first=f"B{i}", last="Buyer",
                                number=f"#{b * BATCH + i}", placed_at=placed) for i in range(BATCH)]
            batch_api = Api(server.url, keys["secretKey"])  # a session per thread
            response = batch_api.post("/api/v1/orders/batch", {"items": items}, timeout=600)
            assert response.status_code == 200, describe(response)
            assert response.json()["accepted"] == BATCH, response.text[:2000]

        with ThreadPoolExecutor(max_workers=2) as pool:  # two at a time: both cores on PostgreSQL
            list(pool.map(post_batch, range(TOTAL_MESSAGES // BATCH)))
        ingest_seconds = time.monotonic() - started
        summary = api.ok_json(api.get("/api/v1/messages/summary"))
        assert summary["byStatus"]["queued"] == TOTAL_MESSAGES, summary
        assert sink.count() == 0, "serve --workers 0 must not deliver"

        # Start a worker, SIGKILL it after 0.5-2.5 s; again and again while messages remain.
        seed = int(os.environ.get("PATRON_E2E_SEED", str(random.randrange(1 << 30))))
        rng = random.Random(seed)
        worker_env = {**env, "PATRON_WORKER_POLL_MS": "100"}
        kills = kills_mid_delivery = 0
        cpu_before, python_cpu_before = _children_cpu(), time.process_time()
        delivery_started = time.monotonic()
        while True:
            remaining = api.ok_json(api.get("/api/v1/messages/summary"))["byStatus"]
            left = remaining["queued"] + remaining["sending"]
            if left == 0:
                break
            if kills >= MIN_KILLS and (kills >= MAX_KILLS or left < TOTAL_MESSAGES // 10
                                       or time.monotonic() - delivery_started > KILL_PHASE_SECONDS):
                break
            worker = PatronWorker(database, name=f"mail-worker-{len(workers)}", workers=2, env=worker_env).start()
            workers.append(worker)
            received_before = sink.count()
            time.sleep(rng.uniform(0.5, 2.5))
            assert worker.running(), f"the worker exited by itself\n{worker.log_tail()}"
            worker.kill()
            kills += 1
            if sink.count() > received_before:
                kills_mid_delivery += 1
        killed_at = sink.count()
        assert kills >= MIN_KILLS, f"only {kills} kills before everything was sent ({killed_at} received)"

        # A last worker finishes the job (interrupted sends are taken over once their 2 s lease ends).
        last = PatronWorker(database, name="mail-worker-last", workers=2, env=worker_env).start()
        workers.append(last)

        def done():
            state = api.ok_json(api.get("/api/v1/messages/summary"))
            assert last.running(), f"the last worker exited\n{last.log_tail()}"
            by_status = state["byStatus"]
            assert by_status["queued"] == 0 and by_status["sending"] == 0, state
            return state

        final = eventually(done, timeout=600, interval=0.5)  # a hang guard, not a performance target
        elapsed = time.monotonic() - delivery_started
        last.stop()
        worker_cpu = _children_cpu() - cpu_before
        python_cpu = time.process_time() - python_cpu_before

        messages = _all_messages(api)
        received = sink.by_message_id()
        deliveries = sum(len(v) for v in received.values())
        extra = deliveries - len(received)
        duplicated = {k: len(v) for k, v in received.items() if len(v) > 1}
        figures = {
            "database": "postgresql" if database.startswith("postgres") else "sqlite",
            "note": note,
            "seed": seed,
            "messages": len(messages),
            "kills": kills,
            "killsDuringDelivery": kills_mid_delivery,
            "receivedBeforeLastWorker": killed_at,
            "deliveries": deliveries,
            "uniqueMessageIdsReceived": len(received),
            "duplicates": extra,
            "messagesDeliveredMoreThanOnce": len(duplicated),
            "uncertainSends": final["uncertainSends"],
            "byStatus": final["byStatus"],
            "ingestSeconds": round(ingest_seconds, 2),
            "elapsedSeconds": round(elapsed, 2),
            "messagesPerSecond": round(len(messages) / elapsed, 1),
            "workerCpuSeconds": round(worker_cpu, 2),
            "testProcessCpuSecondsIncludingSink": round(python_cpu, 2),
        }
        print("email SIGKILL figures:", json.dumps(figures))
        (log_dir() / "email-sigkill.json").write_text(json.dumps(figures, indent=2) + "\n")

        assert len(messages) == TOTAL_MESSAGES, len(messages)
        not_sent = [m for m in messages if m["status"] != "sent"]
        assert not not_sent, f"{len(not_sent)} messages not sent, e.g. {not_sent[:3]}"
        expected_ids = {f"{m['messageId']}@acme.test" for m in messages}
        assert len(expected_ids) == TOTAL_MESSAGES, "Message-IDs are not unique per message"
        lost = expected_ids - set(received)
        unknown = set(received) - expected_ids
        assert not lost, f"{len(lost)} transactional messages never reached the relay, e.g. {sorted(lost)[:5]}"
        assert not unknown, f"the relay got Message-IDs Patron has no message for: {sorted(unknown)[:5]}"
        by_id = {f"{m['messageId']}@acme.test": m for m in messages}
        repeated_beyond_uncertain = [
            (mid, len(received[mid]), by_id[mid]["uncertainSends"]) for mid in received
            if len(received[mid]) - 1 > by_id[mid]["uncertainSends"]]
        assert not repeated_beyond_uncertain, (
            f"{len(repeated_beyond_uncertain)} messages delivered more often than their uncertain sends allow "
            f"(sent again after being recorded as sent?), e.g. (id, deliveries, uncertainSends): "
            f"{repeated_beyond_uncertain[:5]}")
        assert extra <= final["uncertainSends"], (extra, final["uncertainSends"])
        # Nothing reached the relay after Patron had recorded it as sent (the relay's clock is ours).
        sent_again = [(mid, by_id[mid]["sentAt"]) for mid, copies in received.items()
                      if max(c.received_at for c in copies) > _epoch(by_id[mid]["sentAt"]) + 0.5]
        assert not sent_again, f"{len(sent_again)} messages reached the relay after being recorded as sent: {sent_again[:5]}"
        wrong_recipient = [mid for mid, copies in received.items()
                           if any(c.rcpt_tos != [by_id[mid]["recipient"]] for c in copies)]
        assert not wrong_recipient, wrong_recipient[:5]
    finally:
        for worker in workers:
            worker.kill()
        server.stop()

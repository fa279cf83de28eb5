"""Segment's official Python client (segment-analytics-python), pointed at Patron, works unchanged.

The client always sends `POST {host}/v1/batch` with `Authorization: Basic base64(writeKey:)` and
`writeKey` in the body; amounts are floats in major units, timestamps ISO 8601 with a +00:00 offset.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest

try:  # segment-analytics-python >= 2
    from segment.analytics.client import Client
    from segment.analytics.request import APIError
except ImportError:  # the 1.x package (analytics-python)
    from analytics.client import Client  # type: ignore
    from analytics.request import APIError  # type: ignore

from patron_e2e import Api, eventually, unique

BASE_TIME = datetime(2025, 3, 1, 9, 0, 0, tzinfo=timezone.utc)


def at(minutes: int) -> datetime:
    return BASE_TIME + timedelta(minutes=minutes)


class ErrorLog:
    def __init__(self):
        self.errors: list = []
        self.lock = threading.Lock()

    def __call__(self, error, batch):
        with self.lock:
            self.errors.append((repr(error), [m.get("messageId") for m in batch]))


def make_client(patron, errors: ErrorLog, **options) -> Client:
    settings = dict(write_key=patron["writeKey"], host=patron["url"], on_error=errors, max_retries=2, timeout=15,
                    upload_interval=0.05)
    settings.update(options)
    return Client(**settings)


def customer_by_external_id(api: Api, external_id: str) -> dict:
    customer = api.one("/api/v1/customers", externalId=external_id)
    assert customer is not None, f"no customer with externalId {external_id}"
    return customer


def events_of(api: Api, customer_id: int) -> list:
    return api.all_pages("/api/v1/events", customerId=customer_id)


def test_identify_track_order_completed_and_page_through_the_official_client(patron, api):
    errors = ErrorLog()
    client = make_client(patron, errors)
    user_id = unique("seg-user")
    email = f"{user_id}@example.com"
    order_id = unique("seg-order")
    p1, p2 = unique("seg-prod"), unique("seg-prod")
    ids = {name: unique(f"msg-{name}") for name in ("identify", "viewed", "order", "page")}

    client.identify(user_id, {"email": email, "firstName": "Ada", "lastName": "Lovelace"},
                    timestamp=at(0), message_id=ids["identify"])
    client.track(user_id, "Product Viewed",
                 {"product_id": p1, "sku": "TEE-BLU-M", "name": "Organic Tee", "price": 19.99, "currency": "EUR"},
                 timestamp=at(1), message_id=ids["viewed"])
    # 2 x 19.99 + 3 x 0.29 = 40.85; 40.85 - 2.50 + 5.00 + 3.27 = 46.62. 0.29 * 100 is 28.999999999999996 in
    # binary floating point: the server must round, not truncate. Spec v2: `revenue` excludes shipping and
    # tax (Patron's subtotal, before the order discount); `subtotal` is after discounts.
    client.track(user_id, "Order Completed", {
        "order_id": order_id,
        "total": 46.62,
        "revenue": 40.85,
        "subtotal": 38.35,
        "shipping": 5.00,
        "tax": 3.27,
        "discount": 2.50,
        "coupon": "SPRING",
        "currency": "EUR",
        "products": [
            {"product_id": p1, "sku": "TEE-BLU-M", "name": "Organic Tee", "price": 19.99, "quantity": 2},
            {"product_id": p2, "sku": "STICKER", "name": "Sticker", "price": 0.29, "quantity": 3},
        ],
    }, timestamp=at(2), message_id=ids["order"])
    client.page(user_id, "Docs", "Pricing", {"url": "https://shop.example.com/pricing", "title": "Pricing"},
                timestamp=at(3), message_id=ids["page"])
    client.flush()
    client.join()
    assert errors.errors == [], errors.errors

    customer = customer_by_external_id(api, user_id)
    assert customer["email"] == email
    assert customer["firstName"] == "Ada"
    assert customer["lastName"] == "Lovelace"

    def all_arrived():
        by_message = {e["messageId"]: e for e in events_of(api, customer["id"])}
        assert {ids["viewed"], ids["order"], ids["page"]} <= set(by_message), sorted(by_message)
        return by_message

    by_message = eventually(all_arrived)
    viewed = by_message[ids["viewed"]]
    assert viewed["type"] == "Product Viewed"
    assert viewed["source"] == "segment"
    assert viewed["customerId"] == customer["id"]
    assert p1 in viewed["productExternalIds"]
    assert viewed["properties"]["product_id"] == p1
    assert viewed["occurredAt"].startswith("2025-03-01T09:01:00")
    assert by_message[ids["order"]]["type"] == "Order Completed"

    order = api.one("/api/v1/orders", externalId=order_id)
    assert order is not None, "Order Completed did not create the order"
    assert order["customerId"] == customer["id"]
    assert order["currency"] == "EUR"
    assert order["total"] == 4662
    assert order["subtotal"] == 4085
    assert order["shippingTotal"] == 500
    assert order["taxTotal"] == 327
    assert order["discountTotal"] == 250
    lines = sorted((li["productExternalId"], li["quantity"], li["unitPrice"]) for li in order["lineItems"])
    assert lines == sorted([(p1, 2, 1999), (p2, 3, 29)])
    assert order["placedAt"].startswith("2025-03-01T09:02:00")

    detail = api.ok_json(api.get(f"/api/v1/customers/{customer['id']}"))
    timeline = detail["timeline"]
    kinds_ids = {(entry["kind"], entry["id"]) for entry in timeline}
    assert ("order", order["id"]) in kinds_ids, timeline
    assert ("event", viewed["id"]) in kinds_ids, timeline
    stamps = [entry["at"] for entry in timeline]
    assert stamps == sorted(stamps, reverse=True), "timeline must be newest first"
    assert detail["stats"]["ordersCount"] == 1
    assert detail["stats"]["totalSpent"] == 4662


def test_anonymous_activity_moves_onto_the_customer_when_identify_links_it(patron, api):
    errors = ErrorLog()
    # sync_mode: one HTTP request per call, so the anonymous events are committed before the identify.
    client = make_client(patron, errors, sync_mode=True)
    anonymous_id = unique("anon")
    user_id = unique("seg-user")
    product = unique("seg-prod")
    added, viewed_page = unique("msg-added"), unique("msg-page")

    client.track(anonymous_id=anonymous_id, event="Product Added",
                 properties={"product_id": product, "price": 12.5, "quantity": 1, "currency": "USD"},
                 timestamp=at(10), message_id=added)
    client.page(anonymous_id=anonymous_id, name="Cart", properties={"url": "https://shop.example.com/cart"},
                timestamp=at(11), message_id=viewed_page)
    assert api.one("/api/v1/customers", externalId=user_id) is None

    client.identify(user_id, {"email": f"{user_id}@example.com", "firstName": "Grace"}, anonymous_id=anonymous_id,
                    timestamp=at(12))
    assert errors.errors == []

    customer = customer_by_external_id(api, user_id)
    assert anonymous_id in customer["anonymousIds"]

    def moved():
        by_message = {e["messageId"]: e for e in events_of(api, customer["id"])}
        assert added in by_message and viewed_page in by_message, sorted(by_message)
        return by_message

    by_message = eventually(moved)
    assert by_message[added]["type"] == "Product Added"
    assert by_message[added]["anonymousId"] == anonymous_id
    assert by_message[added]["customerId"] == customer["id"]
    assert product in by_message[added]["productExternalIds"]

    detail = api.ok_json(api.get(f"/api/v1/customers/{customer['id']}"))
    event_ids = {entry["id"] for entry in detail["timeline"] if entry["kind"] == "event"}
    assert by_message[added]["id"] in event_ids

    # Later anonymous activity with the linked id lands on the customer directly.
    later = unique("msg-later")
    client.track(anonymous_id=anonymous_id, event="Checkout Started", properties={"order_id": unique("cart")},
                 timestamp=at(13), message_id=later)
    assert later in {e["messageId"] for e in events_of(api, customer["id"])}


def test_redelivered_message_is_stored_once(patron, api):
    errors = ErrorLog()
    client = make_client(patron, errors, sync_mode=True)
    user_id = unique("seg-user")
    message_id = unique("msg-dup")
    for _ in range(3):
        client.track(user_id, "Product Reviewed", {"product_id": "p-1", "rating": 5}, timestamp=at(20),
                     message_id=message_id)
    assert errors.errors == []
    customer = customer_by_external_id(api, user_id)
    matching = [e for e in events_of(api, customer["id"]) if e["messageId"] == message_id]
    assert len(matching) == 1


def test_gzip_compressed_batches_are_accepted(patron, api):
    errors = ErrorLog()
    client = make_client(patron, errors, gzip=True)
    user_id = unique("seg-gzip")
    searched = unique("msg-search")
    client.identify(user_id, {"email": f"{user_id}@example.com"}, timestamp=at(30))
    client.track(user_id, "Products Searched", {"query": "blue tee"}, timestamp=at(31), message_id=searched)
    client.flush()
    client.join()
    assert errors.errors == []
    customer = customer_by_external_id(api, user_id)
    assert customer["email"] == f"{user_id}@example.com"
    by_message = {e["messageId"]: e for e in events_of(api, customer["id"])}
    assert by_message[searched]["type"] == "Products Searched"


def test_a_wrong_write_key_is_reported_to_the_client_as_401(patron):
    client = make_client(patron, ErrorLog(), write_key="wk_not_a_real_key", sync_mode=True)
    with pytest.raises(APIError) as raised:
        client.track("someone", "Product Viewed", {"product_id": "x"})
    assert raised.value.status == 401

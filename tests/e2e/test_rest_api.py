"""The REST contract over a real socket: idempotency keys, problem+json errors, batches, erasure."""

from __future__ import annotations

import json

import requests

from patron_e2e import assert_problem, unique


def order_body(external_id: str, **extra) -> dict:
    body = {
        "externalId": external_id, "currency": "USD", "placedAt": "2025-02-01T10:00:00Z",
        "lineItems": [{"externalId": "l1", "sku": "MUG", "title": "Mug", "quantity": 2, "unitPrice": 1250},
                      {"externalId": "l2", "sku": "TEA", "title": "Tea", "quantity": 1, "unitPrice": 899, "discount": 100}],
        "shippingTotal": 495, "taxTotal": 300,
    }
    body.update(extra)
    return body


def test_health_and_openapi_need_no_key(patron):
    assert requests.get(f"{patron['url']}/healthz", timeout=10).json()["status"] == "ok"
    assert requests.get(f"{patron['url']}/readyz", timeout=10).status_code == 200
    document = requests.get(f"{patron['url']}/api/v1/openapi.json", timeout=10)
    assert document.status_code == 200
    assert document.json()["openapi"].startswith("3.1")
    metrics = requests.get(f"{patron['url']}/metrics", timeout=10)
    assert metrics.status_code == 200 and "# TYPE" in metrics.text


def test_customer_upsert_by_external_id_then_email(api):
    external_id = unique("rest-cust")
    email = f"{external_id}@example.com"
    created = api.ok_json(api.post("/api/v1/customers", {
        "externalId": external_id, "email": email, "firstName": "Ana", "country": "pt", "timeZone": "Europe/Lisbon",
        "birthday": "--07-14", "tags": ["vip"], "properties": {"plan": "gold"},
        "consent": {"email": {"state": "subscribed", "source": "checkout", "recordedAt": "2025-01-01T00:00:00Z"}},
    }), 201)
    assert created["country"] == "PT"
    assert created["birthday"] == "--07-14"
    assert created["consent"]["email"]["state"] == "subscribed"
    assert created["consent"]["sms"] is None
    updated = api.ok_json(api.post("/api/v1/customers", {"externalId": external_id, "lastName": "Silva",
                                                         "properties": {"size": "M"}}), 200)
    assert updated["id"] == created["id"]
    assert updated["firstName"] == "Ana" and updated["lastName"] == "Silva"
    assert updated["properties"] == {"plan": "gold", "size": "M"}
    by_email = api.ok_json(api.post("/api/v1/customers", {"email": email.upper(), "phone": "+1 (415) 555-0123"}), 200)
    assert by_email["id"] == created["id"]
    assert by_email["phone"] == "+14155550123"


def test_idempotency_key_replays_and_rejects_a_different_body(api):
    key = unique("idem")
    body = order_body(unique("rest-order"))
    first = api.post("/api/v1/orders", body, headers={"Idempotency-Key": key})
    assert first.status_code == 201, first.text
    assert first.json()["total"] == 2 * 1250 + 899 - 100 + 495 + 300
    replay = api.post("/api/v1/orders", body, headers={"Idempotency-Key": key})
    assert replay.status_code == 201, replay.text
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert replay.json() == first.json()
    different = api.post("/api/v1/orders", dict(body, currency="EUR"), headers={"Idempotency-Key": key})
    assert_problem(different, 422)
    without_key = api.post("/api/v1/orders", body)
    assert without_key.status_code == 200 and "Idempotent-Replayed" not in without_key.headers


def test_validation_errors_name_every_field(api):
    response = api.post("/api/v1/orders", {
        "externalId": unique("bad"), "currency": "ZZZ", "placedAt": "yesterday",
        "lineItems": [{"title": "ok", "quantity": 1, "unitPrice": 100},
                      {"title": "bad", "quantity": 0, "unitPrice": 19.99}],
    })
    problem = assert_problem(response, 422)
    fields = {e["field"] for e in problem["errors"]}
    assert {"currency", "placedAt", "lineItems[1].quantity", "lineItems[1].unitPrice"} <= fields, problem
    assert_problem(api.post("/api/v1/customers", {"externalId": "x", "email": "not-an-email"}), 422, "email")
    assert_problem(api.post("/api/v1/customers", {"firstName": "nobody"}), 422)
    malformed = api.request("POST", "/api/v1/customers", data=b'{"externalId": ', headers={"Content-Type": "application/json"})
    assert_problem(malformed, 400)
    wrong_type = api.request("POST", "/api/v1/customers", data=b"externalId=1", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_problem(wrong_type, 415)
    assert_problem(api.get("/api/v1/customers/999999999999"), 404)
    bad_limit = api.get("/api/v1/customers", params={"limit": 0})
    assert bad_limit.status_code in (400, 422), bad_limit.text
    assert_problem(bad_limit, bad_limit.status_code)


def test_a_body_over_5_mb_is_413(api):
    body = b'{"items": [' + b'{"externalId": "x"},' * 300_000 + b'{"externalId": "y"}]}'
    assert len(body) > 5 * 1024 * 1024
    try:
        response = api.request("POST", "/api/v1/customers/batch", data=body, headers={"Content-Type": "application/json"})
    except requests.ConnectionError:
        # A server may answer 413 and close before reading the rest; the client then sees a reset.
        return
    assert_problem(response, 413)


def test_batch_keeps_valid_items_and_reports_the_rest(api):
    good, bad = unique("b-good"), unique("b-bad")
    response = api.post("/api/v1/customers/batch", {"items": [
        {"externalId": good, "email": f"{good}@example.com"},
        {"externalId": bad, "email": "nope"},
        {"externalId": good, "firstName": "Again"},
    ]})
    result = api.ok_json(response)
    assert result["accepted"] == 2 and result["rejected"] == 1
    statuses = [(r["index"], r["status"]) for r in result["results"]]
    assert statuses == [(0, "created"), (1, "rejected"), (2, "updated")]
    # Field paths run from the request body's root, like every other problem path.
    assert result["results"][1]["errors"][0]["field"] == "items[1].email"
    assert api.one("/api/v1/customers", externalId=good)["firstName"] == "Again"
    assert api.one("/api/v1/customers", externalId=bad) is None
    assert_problem(api.post("/api/v1/customers/batch", {"items": []}), 422, "items")
    assert_problem(api.post("/api/v1/events/batch", {"items": [{"type": "x", "anonymousId": "a"}] * 1001}), 422, "items")


def test_a_refund_before_its_order_is_attached_when_the_order_arrives(api):
    order_external_id = unique("early")
    refund = api.ok_json(api.post("/api/v1/refunds", {"orderExternalId": order_external_id, "externalId": "r1",
                                                      "createdAt": "2025-02-03T10:00:00Z", "amount": 1250}), 201)
    assert refund["amount"] == 1250
    order = api.ok_json(api.post("/api/v1/orders", order_body(order_external_id)), 201)
    assert order["refundedTotal"] == 1250
    assert [r["externalId"] for r in order["refunds"]] == ["r1"]
    assert order["refunds"][0]["currency"] == "USD"


def test_query_parameters_decode_plus_as_space(api):
    # requests, Python's urlencode and HTML forms send a space in a query string as "+".
    message_id = unique("plus")
    api.ok_json(api.post("/api/v1/events", {"type": "Product Viewed", "anonymousId": unique("anon"),
                                            "messageId": message_id}), 201)
    with_plus = api.get("/api/v1/events", params={"type": "Product Viewed", "limit": 200})
    assert "type=Product+Viewed" in with_plus.request.url
    assert message_id in {e["messageId"] for e in api.ok_json(with_plus)["data"]}
    with_percent = api.ok_json(api.get("/api/v1/events?type=Product%20Viewed&limit=200"))
    assert message_id in {e["messageId"] for e in with_percent["data"]}


def test_pagination_walks_every_item_once(api):
    prefix = unique("page")
    api.ok_json(api.post("/api/v1/products/batch", {"items": [
        {"externalId": f"{prefix}-{i}", "title": f"P{i}", "currency": "USD",
         "variants": [{"externalId": f"{prefix}-{i}-v", "price": 100 + i}]} for i in range(7)
    ]}))
    seen = []
    after = None
    while True:
        params = {"limit": 3}
        if after:
            params["after"] = after
        page = api.ok_json(api.get("/api/v1/products", params=params))
        assert len(page["data"]) <= 3
        seen.extend(p["externalId"] for p in page["data"])
        after = page["nextCursor"]
        if not after:
            break
    assert len(seen) == len(set(seen))
    assert {f"{prefix}-{i}" for i in range(7)} <= set(seen)


def test_export_and_erasure(api):
    external_id = unique("gdpr")
    customer = api.ok_json(api.post("/api/v1/customers", {"externalId": external_id, "email": f"{external_id}@example.com",
                                                          "firstName": "Erin", "phone": "+442071838750"}), 201)
    order = api.ok_json(api.post("/api/v1/orders", order_body(unique("gdpr-order"), customerExternalId=external_id)), 201)
    api.ok_json(api.post("/api/v1/events", {"type": "Product Viewed", "customerExternalId": external_id,
                                            "properties": {"product_id": "MUG"}}), 201)
    export = api.ok_json(api.get(f"/api/v1/customers/{customer['id']}/export"))
    assert export["customer"]["email"] == f"{external_id}@example.com"
    assert [o["id"] for o in export["orders"]] == [order["id"]]
    assert [e["type"] for e in export["events"]] == ["Product Viewed"]

    erased = api.ok_json(api.delete(f"/api/v1/customers/{customer['id']}"))
    assert erased == {"id": customer["id"], "erased": True}
    assert api.get(f"/api/v1/customers/{customer['id']}").status_code == 404
    assert api.one("/api/v1/customers", email=f"{external_id}@example.com") is None
    kept = api.ok_json(api.get(f"/api/v1/orders/{order['id']}"))
    assert kept["total"] == order["total"]
    assert kept["email"] is None
    assert api.get(f"/api/v1/customers/{customer['id']}/export").status_code == 404

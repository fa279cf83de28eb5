"""One store's keys can never read or change another store's data."""

from __future__ import annotations

import requests

from patron_e2e import Api, assert_problem, post_shopify, unique


def shopify_order(order_id: int) -> dict:
    return {
        "id": order_id, "name": "#T1", "email": "tenant@example.com", "currency": "USD",
        "created_at": "2025-01-15T10:00:00-05:00", "updated_at": "2025-01-15T10:00:00-05:00",
        "financial_status": "paid", "total_price": "10.00", "subtotal_price": "10.00", "total_tax": "0.00",
        "total_discounts": "0.00",
        "line_items": [{"id": order_id + 1, "product_id": 7001, "variant_id": 7002, "title": "Mug", "quantity": 1,
                        "price": "10.00", "sku": "MUG"}],
    }


def test_another_stores_key_cannot_read_list_change_or_erase_a_customer(patron, api, make_store):
    other = make_store(unique("tenant-b"))
    api_b = Api(patron["url"], other.secretKey)

    store_a = api.ok_json(api.get("/api/v1/store"))
    store_b = api_b.ok_json(api_b.get("/api/v1/store"))
    assert store_a["id"] != store_b["id"]
    assert str(store_b["id"]) == other.store_id

    external_id = unique("tenant-cust")
    created = api.post("/api/v1/customers", {"externalId": external_id, "email": f"{external_id}@a.example",
                                             "firstName": "Alice", "tags": ["store-a"]})
    customer_a = api.ok_json(created, 201)
    order_external_id = unique("tenant-order")
    order_a = api.ok_json(api.post("/api/v1/orders", {
        "externalId": order_external_id, "customerExternalId": external_id, "currency": "USD",
        "placedAt": "2025-01-10T10:00:00Z", "lineItems": [{"title": "Mug", "quantity": 1, "unitPrice": 1200}],
    }), 201)
    event_a = api.ok_json(api.post("/api/v1/events", {"type": "Product Viewed", "customerExternalId": external_id,
                                                      "messageId": unique("tenant-evt")}), 201)

    # Read by id: 404, exactly as for an id that does not exist.
    for path in (f"/api/v1/customers/{customer_a['id']}", f"/api/v1/customers/{customer_a['id']}/export",
                 f"/api/v1/orders/{order_a['id']}"):
        assert_problem(api_b.get(path), 404)

    # List and look up: nothing.
    assert api_b.one("/api/v1/customers", externalId=external_id) is None
    assert api_b.one("/api/v1/customers", email=f"{external_id}@a.example") is None
    assert api_b.one("/api/v1/orders", externalId=order_external_id) is None
    assert customer_a["id"] not in {c["id"] for c in api_b.all_pages("/api/v1/customers")}
    assert order_a["id"] not in {o["id"] for o in api_b.all_pages("/api/v1/orders")}
    assert event_a["id"] not in {e["id"] for e in api_b.all_pages("/api/v1/events")}
    by_foreign_customer = api_b.get("/api/v1/events", params={"customerId": customer_a["id"]})
    assert by_foreign_customer.status_code in (200, 404), by_foreign_customer.text
    if by_foreign_customer.status_code == 200:
        assert by_foreign_customer.json()["data"] == []

    # Upsert with the same external id creates B's own customer and leaves A's alone.
    customer_b = api_b.ok_json(api_b.post("/api/v1/customers", {"externalId": external_id,
                                                                "email": f"{external_id}@b.example",
                                                                "firstName": "Bob"}), 201)
    assert customer_b["id"] != customer_a["id"]
    order_b = api_b.ok_json(api_b.post("/api/v1/orders", {
        "externalId": order_external_id, "customerExternalId": external_id, "currency": "EUR",
        "placedAt": "2025-01-11T10:00:00Z", "lineItems": [{"title": "Plate", "quantity": 2, "unitPrice": 900}],
    }), 201)
    assert order_b["id"] != order_a["id"]

    # Erasing with B's key: 404 for A's id; A's customer is untouched.
    assert_problem(api_b.delete(f"/api/v1/customers/{customer_a['id']}"), 404)
    again_a = api.ok_json(api.get(f"/api/v1/customers/{customer_a['id']}"))
    assert again_a["email"] == f"{external_id}@a.example"
    assert again_a["firstName"] == "Alice"
    assert api.ok_json(api.get(f"/api/v1/orders/{order_a['id']}"))["total"] == 1200
    assert api.one("/api/v1/customers", externalId=external_id)["id"] == customer_a["id"]
    assert api_b.one("/api/v1/customers", externalId=external_id)["id"] == customer_b["id"]


def test_write_key_writes_only_into_its_own_store(patron, api, make_store):
    other = make_store(unique("tenant-b"))
    api_b = Api(patron["url"], other.secretKey)
    external_id = unique("tenant-seg")
    api.ok_json(api.post("/api/v1/customers", {"externalId": external_id, "email": f"{external_id}@a.example"}), 201)

    response = requests.post(f"{patron['url']}/v1/identify", auth=(other.writeKey, ""), timeout=30,
                             json={"userId": external_id, "traits": {"email": f"{external_id}@b.example"}})
    assert response.status_code == 200, response.text
    assert api.one("/api/v1/customers", externalId=external_id)["email"] == f"{external_id}@a.example"
    assert api_b.one("/api/v1/customers", externalId=external_id)["email"] == f"{external_id}@b.example"


def test_keys_of_one_kind_do_not_work_as_another(patron):
    url = patron["url"]
    # The write key and the webhook secret are not API keys; a made-up key is not either.
    for token in (patron["writeKey"], patron["webhookSecret"], "sk_live_not_a_real_key", ""):
        response = requests.get(f"{url}/api/v1/store", headers={"Authorization": f"Bearer {token}"}, timeout=30)
        assert_problem(response, 401)
    assert_problem(requests.get(f"{url}/api/v1/customers", timeout=30), 401)
    # The secret key is not a write key.
    response = requests.post(f"{url}/v1/track", auth=(patron["secretKey"], ""), timeout=30,
                             json={"userId": "x", "event": "Product Viewed"})
    assert response.status_code == 401, response.text


def test_webhook_signed_with_another_stores_secret_is_rejected(patron, api, make_store):
    other = make_store(unique("tenant-b"))
    order_id = 5_000_000_000_000_000_000 + int(unique("x").split("-")[1][:8], 16)

    to_a_with_b_secret = post_shopify(patron["url"], patron["storeId"], other.webhookSecret, "orders/create",
                                      shopify_order(order_id))
    assert to_a_with_b_secret.status_code == 401, to_a_with_b_secret.text
    to_b_with_a_secret = post_shopify(patron["url"], other.id, patron["webhookSecret"], "orders/create",
                                      shopify_order(order_id))
    assert to_b_with_a_secret.status_code == 401, to_b_with_a_secret.text
    assert api.one("/api/v1/orders", externalId=str(order_id)) is None

    # Correctly signed for B: lands in B only.
    to_b = post_shopify(patron["url"], other.id, other.webhookSecret, "orders/create", shopify_order(order_id))
    assert to_b.status_code == 200, to_b.text
    api_b = Api(patron["url"], other.secretKey)
    assert api_b.one("/api/v1/orders", externalId=str(order_id)) is not None
    assert api.one("/api/v1/orders", externalId=str(order_id)) is None

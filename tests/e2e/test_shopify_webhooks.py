"""Shopify-format webhooks: HMAC verification, deduplication, 64-bit ids, money strings, out-of-order delivery.

Mapping assumed (docs/api.md): a Shopify resource's numeric `id` becomes its `externalId` as decimal
text, exactly (order, line item, customer, fulfillment); money strings become integer minor units.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import uuid

from patron_e2e import Api, eventually, post_shopify, shopify_signature


def big_id() -> int:
    """A Shopify-sized id above 2**53, where a double would lose digits."""
    return (1 << 60) + random.getrandbits(48) * 1000 + 7


def order_payload(order_id: int, customer_id: int, *, financial_status="paid", updated_at="2025-01-15T10:00:00-05:00",
                  line_ids=None) -> dict:
    line_ids = line_ids or (order_id + 11, order_id + 12)
    return {
        "id": order_id,
        "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
        "name": "#1042",
        "order_number": 1042,
        "number": 42,
        "email": f"shopper-{customer_id}@example.com",
        "contact_email": f"shopper-{customer_id}@example.com",
        "created_at": "2025-01-15T10:00:00-05:00",
        "processed_at": "2025-01-15T10:00:00-05:00",
        "updated_at": updated_at,
        "currency": "USD",
        "presentment_currency": "USD",
        "financial_status": financial_status,
        "fulfillment_status": None,
        "cancelled_at": None,
        "cancel_reason": None,
        "source_name": "web",
        "tags": "vip, wholesale",
        "buyer_accepts_marketing": True,
        "total_price": "403.00",
        "subtotal_price": "393.00",
        "total_line_items_price": "393.00",
        "total_tax": "0.00",
        "total_discounts": "0.00",
        "total_shipping_price_set": {"shop_money": {"amount": "10.00", "currency_code": "USD"},
                                     "presentment_money": {"amount": "10.00", "currency_code": "USD"}},
        "discount_codes": [],
        "customer": {
            "id": customer_id,
            "email": f"shopper-{customer_id}@example.com",
            "first_name": "Jon",
            "last_name": "Snow",
            "phone": None,
            "created_at": "2025-01-01T09:00:00-05:00",
            "updated_at": "2025-01-15T10:00:00-05:00",
            "currency": "USD",
            "tags": "",
            "email_marketing_consent": {"state": "subscribed", "opt_in_level": "single_opt_in",
                                        "consent_updated_at": "2025-01-01T09:00:00-05:00"},
            "sms_marketing_consent": None,
            "default_address": {"country_code": "CA", "city": "Ottawa"},
        },
        "line_items": [
            {"id": line_ids[0], "admin_graphql_api_id": f"gid://shopify/LineItem/{line_ids[0]}",
             "product_id": 7513594, "variant_id": 34505432, "title": "IPod Nano - 8GB", "variant_title": "green",
             "sku": "IPOD2008GREEN", "vendor": "Apple", "quantity": 1, "price": "199.00",
             "price_set": {"shop_money": {"amount": "199.00", "currency_code": "USD"}},
             "total_discount": "0.00", "taxable": True, "requires_shipping": True, "grams": 200,
             "tax_lines": [], "discount_allocations": []},
            {"id": line_ids[1], "admin_graphql_api_id": f"gid://shopify/LineItem/{line_ids[1]}",
             "product_id": 7513595, "variant_id": 34505433, "title": "IPod Case", "variant_title": None,
             "sku": "IPODCASE", "vendor": "Apple", "quantity": 2, "price": "97.00",
             "price_set": {"shop_money": {"amount": "97.00", "currency_code": "USD"}},
             "total_discount": "0.00", "taxable": True, "requires_shipping": True, "grams": 100,
             "tax_lines": [], "discount_allocations": []},
        ],
        "shipping_lines": [{"id": 271878346596884015, "title": "Generic Shipping", "code": "Generic",
                            "price": "10.00", "discounted_price": "10.00", "source": "shopify", "tax_lines": []}],
        "shipping_address": {"first_name": "Jon", "last_name": "Snow", "name": "Jon Snow", "company": None,
                             "address1": "123 Elm St.", "address2": None, "city": "Ottawa", "province": "Ontario",
                             "province_code": "ON", "zip": "K2P 1L4", "country": "Canada", "country_code": "CA",
                             "phone": "555-625-1199"},
        "refunds": [],
        "fulfillments": [],
    }


def order_by_external_id(api: Api, external_id: str) -> dict:
    order = api.one("/api/v1/orders", externalId=external_id)
    assert order is not None, f"no order {external_id}"
    return order


def test_orders_create_keeps_64_bit_ids_and_exact_money(patron, api):
    order_id, customer_id = big_id(), big_id()
    response = post_shopify(patron["url"], patron["storeId"], patron["webhookSecret"], "orders/create",
                            order_payload(order_id, customer_id))
    assert response.status_code == 200, response.text
    assert response.json() == {"ok": True, "duplicate": False}

    order = order_by_external_id(api, str(order_id))
    assert order["externalId"] == str(order_id)
    assert order["currency"] == "USD"
    assert order["total"] == 40300
    assert order["subtotal"] == 39300
    assert order["shippingTotal"] == 1000
    assert order["taxTotal"] == 0
    assert order["discountTotal"] == 0
    assert order["financialStatus"] == "paid"
    assert order["number"] in ("#1042", "1042")
    assert order["placedAt"].startswith("2025-01-15T15:00:00"), "-05:00 must be converted to UTC"
    lines = sorted((li["externalId"], li["quantity"], li["unitPrice"], li["sku"]) for li in order["lineItems"])
    assert lines == sorted([(str(order_id + 11), 1, 19900, "IPOD2008GREEN"), (str(order_id + 12), 2, 9700, "IPODCASE")])
    assert {li["productExternalId"] for li in order["lineItems"]} == {"7513594", "7513595"}

    customer = api.one("/api/v1/customers", externalId=str(customer_id))
    assert customer is not None, "the order's customer was not upserted"
    assert order["customerId"] == customer["id"]
    assert customer["email"] == f"shopper-{customer_id}@example.com"
    assert customer["firstName"] == "Jon"
    assert customer["consent"]["email"]["state"] == "subscribed"

    # Exactness also in the raw JSON text (no 4.03e2, no float ids).
    raw = api.get(f"/api/v1/orders/{order['id']}").text
    assert '"total":40300' in raw.replace(" ", "")
    assert f'"externalId":"{order_id}"' in raw.replace(" ", "")


def test_a_replayed_delivery_is_acknowledged_as_duplicate(patron, api):
    order_id = big_id()
    payload = order_payload(order_id, big_id())
    webhook_id, event_id = str(uuid.uuid4()), str(uuid.uuid4())
    first = post_shopify(patron["url"], patron["storeId"], patron["webhookSecret"], "orders/create", payload,
                         webhook_id=webhook_id, event_id=event_id)
    assert first.status_code == 200 and first.json()["duplicate"] is False, first.text
    replay = post_shopify(patron["url"], patron["storeId"], patron["webhookSecret"], "orders/create", payload,
                          webhook_id=webhook_id, event_id=event_id)
    assert replay.status_code == 200, replay.text
    assert replay.json() == {"ok": True, "duplicate": True}
    # The same event delivered to a second subscription (new webhook id, same event id) is a duplicate too.
    other_subscription = post_shopify(patron["url"], patron["storeId"], patron["webhookSecret"], "orders/create",
                                      payload, webhook_id=str(uuid.uuid4()), event_id=event_id)
    assert other_subscription.status_code == 200 and other_subscription.json()["duplicate"] is True
    assert len(api.ok_json(api.get("/api/v1/orders", params={"externalId": str(order_id)}))["data"]) == 1


def test_bad_or_missing_hmac_is_401_and_changes_nothing(patron, api):
    order_id = big_id()
    payload = order_payload(order_id, big_id())
    body = json.dumps(payload).encode()
    url, store, secret = patron["url"], patron["storeId"], patron["webhookSecret"]

    tampered = body.replace(b'"403.00"', b'"4.03"')
    assert post_shopify(url, store, secret, "orders/create", tampered, signature=shopify_signature(secret, body)).status_code == 401
    assert post_shopify(url, store, secret, "orders/create", body, signature=shopify_signature("whsec_wrong", body)).status_code == 401
    assert post_shopify(url, store, secret, "orders/create", body, signature="").status_code == 401
    assert post_shopify(url, store, secret, "orders/create", body, signature="bm90IGEgc2lnbmF0dXJl").status_code == 401
    # Signing the body's hex digest instead of base64 is a common integration mistake: still 401.
    hex_signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert post_shopify(url, store, secret, "orders/create", body, signature=hex_signature).status_code == 401
    # Unknown store: never processed.
    unknown = post_shopify(url, 987654321987, secret, "orders/create", body)
    assert unknown.status_code in (401, 404), unknown.text
    assert api.one("/api/v1/orders", externalId=str(order_id)) is None


def test_a_fulfillment_and_its_tracking_events_become_a_shipment(patron, api):
    order_id, fulfillment_id = big_id(), big_id()
    url, store, secret = patron["url"], patron["storeId"], patron["webhookSecret"]
    assert post_shopify(url, store, secret, "orders/create", order_payload(order_id, big_id())).status_code == 200
    fulfillment = {
        "id": fulfillment_id, "order_id": order_id, "status": "success", "name": "#1042.1",
        "created_at": "2025-01-16T08:00:00-05:00", "updated_at": "2025-01-16T08:00:00-05:00",
        "service": "manual", "shipment_status": None, "location_id": 655441491,
        "tracking_company": "UPS", "tracking_number": "1Z2345", "tracking_numbers": ["1Z2345"],
        "tracking_url": "https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums=1Z2345",
        "tracking_urls": ["https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums=1Z2345"],
        "line_items": [{"id": order_id + 11, "quantity": 1, "sku": "IPOD2008GREEN", "product_id": 7513594}],
    }
    assert post_shopify(url, store, secret, "fulfillments/create", fulfillment).status_code == 200

    def event(event_id, status, happened_at, message):
        return {"id": event_id, "fulfillment_id": fulfillment_id, "order_id": order_id, "shop_id": 548380009,
                "status": status, "message": message, "happened_at": happened_at, "created_at": happened_at,
                "updated_at": happened_at, "city": "Louisville", "province": "Kentucky", "country": "United States",
                "zip": "40202", "address1": None, "latitude": 38.25, "longitude": -85.76,
                "estimated_delivery_at": "2025-01-18T17:00:00-05:00"}

    in_transit = event(big_id(), "in_transit", "2025-01-16T20:00:00-05:00", "Departed facility")
    assert post_shopify(url, store, secret, "fulfillment_events/create", in_transit).status_code == 200

    shipment = api.one("/api/v1/shipments", orderExternalId=str(order_id))
    assert shipment is not None, "fulfillments/create did not create a shipment"
    order = order_by_external_id(api, str(order_id))
    assert shipment["externalId"] == str(fulfillment_id)
    assert shipment["orderId"] == order["id"]
    assert shipment["carrier"] == "UPS"
    assert shipment["trackingNumber"] == "1Z2345"
    assert shipment["status"] == "in_transit"
    assert shipment["estimatedDeliveryAt"].startswith("2025-01-18T22:00:00")
    assert [e["status"] for e in shipment["events"]] == ["in_transit"]

    delivered = event(big_id(), "delivered", "2025-01-18T11:30:00-05:00", "Delivered to front door")
    assert post_shopify(url, store, secret, "fulfillment_events/create", delivered).status_code == 200
    shipment = api.ok_json(api.get(f"/api/v1/shipments/{shipment['id']}"))
    assert shipment["status"] == "delivered"
    assert shipment["deliveredAt"].startswith("2025-01-18T16:30:00")
    assert [e["status"] for e in shipment["events"]] == ["in_transit", "delivered"]
    assert shipment["events"][1]["message"] == "Delivered to front door"


def test_an_update_that_arrives_before_its_create_is_kept(patron, api):
    order_id, customer_id = big_id(), big_id()
    url, store, secret = patron["url"], patron["storeId"], patron["webhookSecret"]
    newer = order_payload(order_id, customer_id, financial_status="paid", updated_at="2025-01-15T11:00:00-05:00")
    newer["tags"] = "gift"
    older = order_payload(order_id, customer_id, financial_status="pending", updated_at="2025-01-15T10:00:00-05:00")

    updated = post_shopify(url, store, secret, "orders/updated", newer)
    assert updated.status_code == 200, updated.text
    order = order_by_external_id(api, str(order_id))
    assert order["total"] == 40300
    assert order["financialStatus"] == "paid"

    created = post_shopify(url, store, secret, "orders/create", older)
    assert created.status_code == 200, created.text
    orders = api.ok_json(api.get("/api/v1/orders", params={"externalId": str(order_id)}))["data"]
    assert len(orders) == 1, "the late create must not make a second order"
    assert orders[0]["id"] == order["id"]
    assert orders[0]["financialStatus"] == "paid", "an older create must not overwrite a newer update"
    assert orders[0]["tags"] == ["gift"]


def test_refunds_and_cancellation_update_the_order(patron, api):
    order_id, customer_id = big_id(), big_id()
    url, store, secret = patron["url"], patron["storeId"], patron["webhookSecret"]
    assert post_shopify(url, store, secret, "orders/create", order_payload(order_id, customer_id)).status_code == 200
    refund_id = big_id()
    refund = {
        "id": refund_id, "order_id": order_id, "created_at": "2025-01-20T12:00:00-05:00",
        "processed_at": "2025-01-20T12:00:00-05:00", "note": "damaged", "restock": True,
        "refund_line_items": [{"id": big_id(), "line_item_id": order_id + 12, "quantity": 1, "restock_type": "return",
                               "subtotal": 97.0, "total_tax": 0.0}],
        "transactions": [{"id": big_id(), "order_id": order_id, "kind": "refund", "status": "success",
                          "amount": "97.00", "currency": "USD", "gateway": "bogus"}],
        "order_adjustments": [],
    }
    assert post_shopify(url, store, secret, "refunds/create", refund).status_code == 200
    order = order_by_external_id(api, str(order_id))
    assert order["refundedTotal"] == 9700
    assert [r["externalId"] for r in order["refunds"]] == [str(refund_id)]
    assert order["refunds"][0]["amount"] == 9700

    cancelled = order_payload(order_id, customer_id, financial_status="partially_refunded",
                              updated_at="2025-01-21T09:00:00-05:00")
    cancelled.update({"cancelled_at": "2025-01-21T09:00:00-05:00", "cancel_reason": "customer"})
    assert post_shopify(url, store, secret, "orders/cancelled", cancelled).status_code == 200
    order = order_by_external_id(api, str(order_id))
    assert order["cancelledAt"].startswith("2025-01-21T14:00:00")
    assert order["cancelReason"] == "customer"
    assert order["refundedTotal"] == 9700


def test_customers_redact_erases_personal_data_and_keeps_order_amounts(patron, api):
    order_id, customer_id = big_id(), big_id()
    url, store, secret = patron["url"], patron["storeId"], patron["webhookSecret"]
    assert post_shopify(url, store, secret, "orders/create", order_payload(order_id, customer_id)).status_code == 200
    customer = api.one("/api/v1/customers", externalId=str(customer_id))
    assert customer is not None

    redact = {"shop_id": 954889, "shop_domain": "e2e-test.myshopify.com",
              "customer": {"id": customer_id, "email": f"shopper-{customer_id}@example.com", "phone": None},
              "orders_to_redact": [order_id]}
    assert post_shopify(url, store, secret, "customers/redact", redact).status_code == 200

    assert api.get(f"/api/v1/customers/{customer['id']}").status_code == 404
    assert api.one("/api/v1/customers", externalId=str(customer_id)) is None
    order = order_by_external_id(api, str(order_id))
    assert order["total"] == 40300
    assert order["email"] is None

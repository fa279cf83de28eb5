"""Recommendations end to end: a kitchen shop's catalog and order history go in through the REST API,
the analytics refresh builds the model, and the storefront (write key) and the merchant (secret key)
read product, category, customer and order lists; the thank-you e-mail carries complements to a real
SMTP server (aiosmtpd) with tracked links; `patron recommend evaluate` measures a baskets file.

Every test makes its own store (on PostgreSQL every test of the session shares one database), loads
the same small history and refreshes once: the API caches a store's model for a couple of seconds, so
a second refresh would not show at once.

The history, "N days ago" counted from the test's start:
- 9 orders with the Chef Knife: Honing Rod in 9 (sold out), Whetstone Sharpener in 8, Knife Roll in 6
  (a draft), Santoku Knife in 4 (same product type as the knife), Oak Cutting Board in 3;
- 3 orders of board + Board Oil; Olive buys Board Oil every 30 days (125, 95, 65 and 35 days ago), two
  others twice each, so Board Oil is a re-bought product;
- 6 Linen Apron orders 200 days ago and 3 Tea Towel orders 5 days ago (same category, Textiles).
"""

from __future__ import annotations

import datetime as dt
import gzip
import html as html_lib
import re
import subprocess
import urllib.parse
from typing import Optional

import pytest
import requests

from patron_e2e import (Api, assert_problem, child_env, describe, eventually, parse_json_output,
                        patron_bin, run_cli, unique)
from smtp_sink import SmtpSink
from test_email_delivery import DELIVERY_TIMEOUT, open_shop, parts

SHOP = "https://kitchen.example"
NOW = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)  # "now" of the running test (see _clock)

# externalId: (title, category, productType, price, stock of each variant, status)
CATALOG = {
    "knife": ("Chef Knife", "Knives", "Knife", 8900, [5], "active"),
    "santoku": ("Santoku Knife", "Knives", "Knife", 7900, [5], "active"),
    "bread-knife": ("Bread Knife", "Knives", "Knife", 4900, [5], "active"),
    "cleaver": ("Cleaver", "Knives", "Knife", 6900, [0], "active"),
    "sharpener": ("Whetstone Sharpener", "Knife care", "Sharpener", 3400, [10], "active"),
    "honing-rod": ("Honing Rod", "Knife care", "Sharpener", 2900, [0, 0], "active"),
    "knife-roll": ("Knife Roll", "Knife care", "Storage", 3900, [5], "draft"),
    "board": ("Oak Cutting Board", "Boards", "Board", 5900, [5], "active"),
    "board-oil": ("Board Oil", "Care", "Oil", 1200, [50], "active"),
    "apron": ("Linen Apron", "Textiles", "Apron", 3500, [5], "active"),
    "towel": ("Tea Towel", "Textiles", "Towel", 900, [5], "active"),
}
NEVER_SHOWN = {"cleaver", "honing-rod", "knife-roll"}  # sold out, sold out in every variant, draft
KNIFE_BASKETS = [
    ["knife", "sharpener", "honing-rod", "knife-roll", "santoku", "board"],
    ["knife", "sharpener", "honing-rod", "knife-roll", "santoku", "board"],
    ["knife", "sharpener", "honing-rod", "knife-roll", "santoku", "board"],
    ["knife", "sharpener", "honing-rod", "knife-roll", "santoku"],
    ["knife", "sharpener", "honing-rod", "knife-roll"],
    ["knife", "sharpener", "honing-rod", "knife-roll"],
    ["knife", "sharpener", "honing-rod"],
    ["knife", "sharpener", "honing-rod"],
    ["knife", "honing-rod"],
]


def url_of(product: str) -> str:
    return f"{SHOP}/products/{product}"


def image_of(product: str) -> str:
    return f"{SHOP}/images/{product}.jpg"


def iso(days_ago: float) -> str:
    return (NOW - dt.timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def product_body(product: str, stock: Optional[list] = None) -> dict:
    title, category, product_type, price, stocks, status = CATALOG[product]
    stocks = stock if stock is not None else stocks
    return {
        "externalId": product, "title": title, "category": category, "productType": product_type,
        "url": url_of(product), "imageUrl": image_of(product), "status": status, "currency": "EUR",
        "variants": [{"externalId": f"{product}-v{n}", "price": price, "stock": s} for n, s in enumerate(stocks)],
    }


def customer_body(name: str, *, consent: Optional[str] = "subscribed") -> dict:
    customer = {"externalId": f"cust-{name}", "email": f"{name}@example.com", "firstName": name.capitalize()}
    if consent is not None:
        customer["consent"] = {"email": {"state": consent, "source": "checkout"}}
    return customer


def order(external_id: str, customer: str, days_ago: float, products: list, *, consent: Optional[str] = "subscribed",
          placed_at: Optional[str] = None) -> dict:
    return {
        "externalId": external_id, "number": f"#{external_id}", "customer": customer_body(customer, consent=consent),
        "currency": "EUR", "placedAt": placed_at or iso(days_ago),
        "lineItems": [{"title": CATALOG[p][0], "quantity": 1, "unitPrice": CATALOG[p][3], "productExternalId": p}
                      for p in products],
    }


def history() -> list[dict]:
    orders = [order(f"k{n}", f"cook{n}", 60 + 4 * n, basket) for n, basket in enumerate(KNIFE_BASKETS, 1)]
    orders += [order(f"b{n}", f"carver{n}", 40 + 3 * n, ["board", "board-oil"]) for n in range(1, 4)]
    orders += [order(f"olive{n}", "olive", days, ["board-oil"]) for n, days in enumerate((125, 95, 65, 35), 1)]
    orders += [order(f"ann{n}", "ann", days, ["board-oil"]) for n, days in enumerate((80, 50), 1)]
    orders += [order(f"bob{n}", "bob", days, ["board-oil"]) for n, days in enumerate((70, 40), 1)]
    orders += [order(f"apron{n}", f"tailor{n}", 200 + n * 0.1, ["apron"]) for n in range(1, 7)]
    orders += [order(f"towel{n}", f"dryer{n}", 5 + n * 0.1, ["towel"]) for n in range(1, 4)]
    return orders


def load_kitchen(api: Api, *, refresh: bool = True) -> Optional[dict]:
    products = api.ok_json(api.post("/api/v1/products/batch", {"items": [product_body(p) for p in CATALOG]}))
    assert products["rejected"] == 0, products
    orders = api.ok_json(api.post("/api/v1/orders/batch", {"items": history()}))
    assert orders["rejected"] == 0 and orders["accepted"] == len(history()), orders
    if refresh:
        return api.ok_json(api.post("/api/v1/analytics/refresh"))
    return None


def listing(api: Api, path: str, **params) -> dict:
    return api.ok_json(api.get(f"/api/v1/recommendations/{path}", params=params))


def products_of(body: dict) -> list[str]:
    return [item["product"] for item in body["data"]]


def customer_id(api: Api, name: str) -> int:
    customer = api.one("/api/v1/customers", externalId=f"cust-{name}")
    assert customer is not None, name
    return customer["id"]


def parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def assert_close(text: str, expected: dt.datetime, seconds: float = 5) -> None:
    assert abs((parse_time(text) - expected).total_seconds()) <= seconds, f"{text} is not {expected.isoformat()}"


@pytest.fixture(autouse=True)
def _clock():
    """Each test's history is dated from its own start, however long the session has run."""
    global NOW
    NOW = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


@pytest.fixture
def store(patron, make_store):
    keys = make_store(unique("kitchen"))
    return {"keys": keys, "api": Api(patron["url"], keys.secretKey), "url": patron["url"]}


@pytest.fixture
def kitchen(store) -> dict:
    load_kitchen(store["api"])
    return store


# ---------------------------------------------------------------------------------------------- product lists


def test_lists_are_empty_until_the_first_refresh(store):
    api = store["api"]
    load_kitchen(api, refresh=False)
    before = listing(api, "products/knife")
    assert before["data"] == [] and before["modelBuiltAt"] is None, before
    assert listing(api, "popular") == {"data": [], "modelBuiltAt": None, "category": None}
    olive = listing(api, f"customers/{customer_id(api, 'olive')}")
    assert olive["data"] == [] and olive["replenishment"] == [] and olive["modelBuiltAt"] is None, olive
    assert_problem(api.get("/api/v1/recommendations/products/no-such-product"), 404)

    started = dt.datetime.now(dt.timezone.utc)
    api.ok_json(api.post("/api/v1/analytics/refresh"))
    after = listing(api, "products/knife")
    assert after["data"], after
    assert_close(after["modelBuiltAt"], started, seconds=60)


def test_bought_together_ranks_the_sharpener_first_and_never_shows_unsellable_products(kitchen):
    api = kitchen["api"]
    body = listing(api, "products/knife")
    assert body["kind"] == "together" and body["product"] == "knife", body
    # Honing Rod (9 orders, sold out) and Knife Roll (6, draft) outrank the rest in the model but never show.
    assert products_of(body) == ["sharpener", "santoku", "board"], body
    first = body["data"][0]
    assert first["title"] == "Whetstone Sharpener"
    assert first["url"] == url_of("sharpener") and first["imageUrl"] == image_of("sharpener")
    assert first["price"] == 3400 and first["currency"] == "EUR" and first["category"] == "Knife care"
    assert first["reason"] == {"code": "bought_together", "text": "Bought together with Chef Knife in 8 orders",
                               "product": "knife"}, first
    assert first["score"] == pytest.approx(8 / 9, abs=1e-3)
    assert [i["reason"]["text"] for i in body["data"][1:]] == [
        "Bought together with Chef Knife in 4 orders", "Bought together with Chef Knife in 3 orders"]
    scores = [i["score"] for i in body["data"]]
    assert scores == sorted(scores, reverse=True), scores

    # The explicit kind answers the same; limit cuts the list.
    assert listing(api, "products/knife", kind="together") == body
    assert products_of(listing(api, "products/knife", limit=1)) == ["sharpener"]
    # Seen from the sharpener: the knife (8 of the sharpener's 8 orders).
    from_sharpener = listing(api, "products/sharpener")
    assert products_of(from_sharpener)[0] == "knife", from_sharpener
    assert from_sharpener["data"][0]["reason"]["text"] == "Bought together with Whetstone Sharpener in 8 orders"
    # A product in the catalog that never sold has nothing bought with it.
    assert listing(api, "products/bread-knife")["data"] == []


def test_related_puts_complements_of_another_kind_first_and_similar_stays_within_the_kind(kitchen):
    api = kitchen["api"]
    related = listing(api, "products/knife", kind="related", limit=10)
    assert related["kind"] == "related"
    names = products_of(related)
    assert names[0] == "sharpener", related
    assert related["data"][0]["reason"]["code"] == "goes_with"
    assert related["data"][0]["reason"]["text"] == "Goes with Chef Knife"
    assert related["data"][0]["reason"]["product"] == "knife"
    # Santoku is bought with the knife more often than the board (4 orders vs 3), but is another knife.
    assert "board" in names and "santoku" in names, names
    assert names.index("board") < names.index("santoku"), names
    assert "knife" not in names and not NEVER_SHOWN & set(names), names
    assert len(names) == len(set(names)) and len(names) <= 10

    similar = listing(api, "products/knife", kind="similar", limit=10)
    codes = [(i["product"], i["reason"]["code"]) for i in similar["data"]]
    same_kind = [p for p, code in codes if code == "similar"]
    # The sold-out Cleaver is a knife too, but cannot be bought.
    assert same_kind == ["santoku", "bread-knife"], codes
    assert [c for _, c in codes[:2]] == ["similar", "similar"], codes
    assert similar["data"][0]["reason"]["text"] == "Similar to Chef Knife"
    assert not NEVER_SHOWN & set(products_of(similar)) and "knife" not in products_of(similar)


def test_popular_is_recency_weighted_and_filters_by_category(kitchen):
    api = kitchen["api"]
    textiles = listing(api, "popular", category="Textiles")
    assert textiles["category"] == "Textiles"
    # 6 aprons 200 days ago weigh less than 3 towels 5 days ago.
    assert products_of(textiles) == ["towel", "apron"], textiles
    assert textiles["data"][0]["reason"] == {"code": "popular", "text": "Popular in Textiles"}
    assert textiles["modelBuiltAt"] is not None

    everything = listing(api, "popular", limit=50)
    assert everything["category"] is None
    names = products_of(everything)
    assert names[0] == "towel", names
    assert not NEVER_SHOWN & set(names), names
    assert "bread-knife" not in names, "never sold: not a best-seller"
    assert len(names) == len(set(names))
    assert products_of(listing(api, "popular", limit=2)) == names[:2]
    assert [i["product"] for i in listing(api, "popular", category="Knife care")["data"]] == \
        [p for p in names if CATALOG[p][1] == "Knife care"]

    unknown = listing(api, "popular", category="Garden")
    assert unknown["data"] == [] and unknown["modelBuiltAt"] is not None, unknown


def test_bad_parameters_are_problems_naming_the_field(kitchen):
    api = kitchen["api"]
    assert_problem(api.get("/api/v1/recommendations/products/no-such-product"), 404)
    assert_problem(api.get("/api/v1/recommendations/products/knife", params={"kind": "cheaper"}), 422, "kind")
    for limit in ("0", "51", "ten", "-1"):
        assert_problem(api.get("/api/v1/recommendations/products/knife", params={"limit": limit}), 422, "limit")
        assert_problem(api.get("/api/v1/recommendations/popular", params={"limit": limit}), 422, "limit")
    olive = customer_id(api, "olive")
    assert_problem(api.get(f"/api/v1/recommendations/customers/{olive}", params={"limit": "0"}), 422, "limit")
    assert len(listing(api, "products/knife", kind="related", limit=50)["data"]) <= 50
    assert_problem(api.get("/api/v1/recommendations/customers/999999999"), 404)
    assert_problem(api.get("/api/v1/recommendations/orders/999999999"), 404)


def test_the_write_key_reads_catalog_lists_only(kitchen, make_store):
    api = kitchen["api"]
    storefront = Api(kitchen["url"], kitchen["keys"].writeKey)
    assert kitchen["keys"].writeKey.startswith("wk_")
    assert listing(storefront, "products/knife") == listing(api, "products/knife")
    assert listing(storefront, "popular", category="Textiles") == listing(api, "popular", category="Textiles")
    olive = customer_id(api, "olive")
    for path in (f"customers/{olive}", f"orders/{api.one('/api/v1/orders', externalId='k1')['id']}", "exclusions"):
        response = storefront.get(f"/api/v1/recommendations/{path}")
        assert response.status_code == 401, describe(response)
    assert storefront.request("PUT", "/api/v1/recommendations/exclusions/board").status_code == 401
    assert products_of(listing(api, "products/knife")) == ["sharpener", "santoku", "board"], "the PUT was refused"
    anonymous = requests.get(f"{kitchen['url']}/api/v1/recommendations/products/knife", timeout=30)
    assert anonymous.status_code == 401, describe(anonymous)
    # Another store's keys see nothing of this store.
    other = make_store(unique("other"))
    assert_problem(Api(kitchen["url"], other.writeKey).get("/api/v1/recommendations/products/knife"), 404)
    other_secret = Api(kitchen["url"], other.secretKey)
    assert_problem(other_secret.get(f"/api/v1/recommendations/customers/{olive}"), 404)
    assert_problem(other_secret.get(f"/api/v1/recommendations/orders/{api.one('/api/v1/orders', externalId='k1')['id']}"),
                   404)


# ---------------------------------------------------------------------------------------------- merchant controls


def test_exclusion_removes_a_product_everywhere_and_delete_restores_it(kitchen):
    api = kitchen["api"]
    put = api.request("PUT", "/api/v1/recommendations/exclusions/board")
    assert put.status_code == 201, describe(put)
    assert put.json() == {"product": "board", "excluded": True}
    again = api.request("PUT", "/api/v1/recommendations/exclusions/board")
    assert again.status_code == 200 and again.json() == {"product": "board", "excluded": True}, describe(again)
    excluded = listing(api, "exclusions")["data"]
    assert [e["product"] for e in excluded] == ["board"], excluded
    assert_close(excluded[0]["createdAt"], dt.datetime.now(dt.timezone.utc), seconds=120)

    assert products_of(listing(api, "products/knife")) == ["sharpener", "santoku"]
    assert "board" not in products_of(listing(api, "products/knife", kind="related", limit=50))
    assert "board" not in products_of(listing(api, "popular", limit=50))
    assert listing(api, "popular", category="Boards")["data"] == []
    assert "board" not in products_of(listing(api, f"customers/{customer_id(api, 'carver1')}", limit=50))

    deleted = api.delete("/api/v1/recommendations/exclusions/board")
    assert deleted.status_code == 200 and deleted.json() == {"product": "board", "excluded": False}, describe(deleted)
    assert_problem(api.delete("/api/v1/recommendations/exclusions/board"), 404)
    assert listing(api, "exclusions")["data"] == []
    assert products_of(listing(api, "products/knife")) == ["sharpener", "santoku", "board"]
    assert products_of(listing(api, "popular", category="Boards")) == ["board"]


def test_cancelled_and_voided_orders_do_not_count(store):
    api = store["api"]
    load_kitchen(api, refresh=False)
    extra = []
    for n in range(4):
        cancelled = order(f"cancelled{n}", f"canceller{n}", 30, ["knife", "apron"])
        cancelled["cancelledAt"] = iso(29)
        voided = order(f"voided{n}", f"voider{n}", 30, ["knife", "towel"])
        voided["financialStatus"] = "voided"
        extra += [cancelled, voided]
    assert api.ok_json(api.post("/api/v1/orders/batch", {"items": extra}))["rejected"] == 0
    api.ok_json(api.post("/api/v1/analytics/refresh"))
    body = listing(api, "products/knife")
    assert products_of(body) == ["sharpener", "santoku", "board"], body
    assert body["data"][0]["reason"]["text"] == "Bought together with Chef Knife in 8 orders"
    assert listing(api, "products/apron")["data"] == []


def test_external_ids_with_reserved_characters_round_trip(store):
    api = store["api"]
    odd = "gift set/50%41 ü"  # a slash, a space, a "%" that must not be decoded twice, non-ASCII
    load_kitchen(api, refresh=False)
    gift = dict(product_body("towel"), externalId=odd, title="Gift Set",
                variants=[{"externalId": "gift-set-1", "price": 2500, "stock": 4}])
    created = api.post("/api/v1/products", gift)
    assert created.status_code == 201, describe(created)
    extra = [order(f"gift{n}", f"giver{n}", 20 + n, ["knife"]) for n in range(1, 4)]
    for body in extra:
        body["lineItems"].append({"title": "Gift Set", "quantity": 1, "unitPrice": 2500, "productExternalId": odd})
    assert api.ok_json(api.post("/api/v1/orders/batch", {"items": extra}))["rejected"] == 0
    api.ok_json(api.post("/api/v1/analytics/refresh"))
    path = urllib.parse.quote(odd, safe="")
    body = listing(api, f"products/{path}")
    assert body["product"] == odd and products_of(body) == ["knife"], body
    assert body["data"][0]["reason"]["text"] == "Bought together with Gift Set in 3 orders"
    assert odd in products_of(listing(api, "products/knife"))

    assert api.request("PUT", f"/api/v1/recommendations/exclusions/{path}").status_code == 201
    assert listing(api, "exclusions")["data"][0]["product"] == odd
    assert odd not in products_of(listing(api, "products/knife"))
    assert api.delete(f"/api/v1/recommendations/exclusions/{path}").status_code == 200
    assert odd in products_of(listing(api, "products/knife"))
    assert_problem(api.request("PUT", "/api/v1/recommendations/exclusions/" + "x" * 300), 422, "product")


def test_a_product_that_sells_out_disappears_and_returns_when_restocked(kitchen):
    api = kitchen["api"]
    response = api.post("/api/v1/products", product_body("sharpener", stock=[0]))
    assert response.status_code in (200, 201), describe(response)
    # The API may trust its cached product cards for a couple of seconds.
    eventually(lambda: products_of(listing(api, "products/knife")) == ["santoku", "board"], timeout=15, interval=0.3)
    assert "sharpener" not in products_of(listing(api, "popular", limit=50))

    response = api.post("/api/v1/products", product_body("sharpener", stock=[0, 3]))
    assert response.status_code in (200, 201), describe(response)
    eventually(lambda: products_of(listing(api, "products/knife")) == ["sharpener", "santoku", "board"], timeout=15,
               interval=0.3)
    archived = dict(product_body("santoku"), status="archived")
    assert api.post("/api/v1/products", archived).status_code in (200, 201)
    eventually(lambda: products_of(listing(api, "products/knife")) == ["sharpener", "board"], timeout=15,
               interval=0.3)


# ---------------------------------------------------------------------------------------------- customers and orders


def test_customer_list_leads_with_repeat_buys_and_leaves_out_what_is_in_transit(kitchen):
    api = kitchen["api"]
    olive = customer_id(api, "olive")
    body = listing(api, f"customers/{olive}")
    assert body["customer"] == olive and body["modelBuiltAt"] is not None
    first = body["data"][0]
    assert first["product"] == "board-oil", body
    assert first["reason"]["code"] == "buys_again"
    assert first["reason"]["text"] == "You buy this every ~30 days", first
    assert first["reason"]["intervalDays"] == 30
    assert not NEVER_SHOWN & set(products_of(body)), body
    assert 1 <= len(body["data"]) <= 10
    assert len(body["replenishment"]) == 1, body["replenishment"]
    due = body["replenishment"][0]
    assert (due["product"], due["title"], due["intervalDays"], due["basis"], due["inTransit"]) == \
        ("board-oil", "Board Oil", 30, "customer", False), due
    assert_close(due["lastPurchasedAt"], NOW - dt.timedelta(days=35))
    assert_close(due["dueAt"], NOW - dt.timedelta(days=5))
    assert len(listing(api, f"customers/{olive}", limit=2)["data"]) == 2

    # A new order (placed yesterday, not delivered yet): oil and a sharpener are on their way.
    placed = NOW - dt.timedelta(days=1)
    new_order = order("olive-new", "olive", 1, ["board-oil", "sharpener"])
    assert api.post("/api/v1/orders", new_order).status_code in (200, 201)
    in_transit = listing(api, f"customers/{olive}", limit=20)
    names = products_of(in_transit)
    assert "board-oil" not in names and "sharpener" not in names, in_transit
    assert names, "the list is topped up with other products"
    due = in_transit["replenishment"][0]
    assert due["product"] == "board-oil" and due["inTransit"] is True, in_transit["replenishment"]
    assert_close(due["lastPurchasedAt"], placed)

    shipment = {"externalId": "ful-olive-new", "orderExternalId": "olive-new", "status": "delivered",
                "events": [{"status": "delivered", "occurredAt": iso(0.01)}]}
    response = api.post("/api/v1/shipments", shipment)
    assert response.status_code in (200, 201), describe(response)
    delivered = listing(api, f"customers/{olive}", limit=20)
    names = products_of(delivered)
    assert names[0] == "board-oil", delivered
    assert delivered["data"][0]["reason"]["text"] == "You buy this every ~30 days"
    assert "sharpener" in names, delivered
    sharpener = delivered["data"][names.index("sharpener")]
    assert sharpener["reason"] == {"code": "buys_again", "text": "You bought this before"}, sharpener
    assert delivered["replenishment"][0]["inTransit"] is False


def test_a_shipment_posted_as_delivered_without_events_ends_in_transit(kitchen):
    api = kitchen["api"]
    olive = customer_id(api, "olive")
    assert api.post("/api/v1/orders", order("olive-new", "olive", 1, ["board-oil", "sharpener"])).status_code == 201
    assert "sharpener" not in products_of(listing(api, f"customers/{olive}", limit=20))
    response = api.post("/api/v1/shipments", {"externalId": "ful-olive-plain", "orderExternalId": "olive-new",
                                              "status": "delivered"})
    assert response.status_code == 201 and response.json()["status"] == "delivered", describe(response)
    after = listing(api, f"customers/{olive}", limit=20)
    assert after["replenishment"][0]["inTransit"] is False, after["replenishment"]
    assert "sharpener" in products_of(after), after


def test_order_complements_leave_out_what_was_bought(kitchen):
    api = kitchen["api"]
    created = api.post("/api/v1/orders", order("solo-knife", "newcook", 10, ["knife"]))
    assert created.status_code in (200, 201), describe(created)
    order_id = api.one("/api/v1/orders", externalId="solo-knife")["id"]
    body = listing(api, f"orders/{order_id}", limit=5)
    assert body["order"] == order_id
    names = products_of(body)
    assert names[0] == "sharpener", body
    assert body["data"][0]["reason"] == {"code": "goes_with", "text": "Goes with Chef Knife", "product": "knife"}
    assert len(names) == 5 and "knife" not in names and not NEVER_SHOWN & set(names), names
    assert products_of(listing(api, f"orders/{order_id}", limit=1)) == ["sharpener"]

    mixed = api.one("/api/v1/orders", externalId="b1")["id"]  # board + board oil
    names = products_of(listing(api, f"orders/{mixed}"))
    assert "board" not in names and "board-oil" not in names and names, names


# ---------------------------------------------------------------------------------------------- messages


@pytest.fixture
def sink():
    started = SmtpSink().start()
    yield started
    started.stop()


def wait_mail_to(sink: SmtpSink, address: str):
    return eventually(lambda: sink.to(address)[0] if sink.to(address) else None, timeout=DELIVERY_TIMEOUT,
                      interval=0.2)


SECTION = "Goes well with your order"


def test_thank_you_email_carries_tracked_complements_for_consenting_customers_only(patron, sink):
    shop = open_shop(patron, sink.url(), flows=())
    load_kitchen(shop.api)
    enabled = shop.api.ok_json(shop.api.post("/api/v1/flows/order-thank-you/enable"))
    assert enabled["enabled"] is True

    shop.post_order(order("fresh-1", "fiona", 0, ["knife"], placed_at=iso(0)))
    mail = wait_mail_to(sink, "fiona@example.com")
    body = parts(mail)
    html, text = body["text/html"], body["text/plain"]
    assert SECTION in html and SECTION in text, html
    section = html[html.index(SECTION):]
    cards = re.findall(r'<a\s[^>]*href="([^"]*)"[^>]*>\s*(?:<img\s[^>]*src="([^"]*)"[^>]*>\s*)?'
                       r'<span[^>]*>([^<]*)</span>\s*</a>\s*(?:<span[^>]*>([^<]*)</span>)?', section)
    assert len(cards) == 3, section[:3000]
    href, image, title, price = cards[0]
    assert (html_lib.unescape(title), html_lib.unescape(image), price) == \
        ("Whetstone Sharpener", image_of("sharpener"), "€34.00"), cards[0]
    titles = [html_lib.unescape(c[2]) for c in cards]
    assert "Chef Knife" not in titles and not {CATALOG[p][0] for p in NEVER_SHOWN} & set(titles), titles
    assert re.search(r"^- Whetstone Sharpener \(€34\.00\): \S+$", text, re.M), text

    link = html_lib.unescape(href)
    assert link.startswith(patron["url"] + "/l/"), link
    click = requests.get(link, allow_redirects=False, timeout=30)
    assert click.status_code in (302, 303), describe(click)
    assert click.headers["Location"] == url_of("sharpener"), click.headers
    customer = shop.api.one("/api/v1/customers", externalId="cust-fiona")
    clicked = eventually(lambda: [e for e in shop.api.ok_json(shop.api.get(
        "/api/v1/events", params={"customerId": customer["id"], "type": "Email Clicked"}))["data"]], timeout=15)
    assert clicked[0]["properties"]["url"] == url_of("sharpener"), clicked

    # What the merchant excludes stays out of the e-mails too.
    assert shop.api.request("PUT", "/api/v1/recommendations/exclusions/sharpener").status_code == 201
    shop.post_order(order("fresh-4", "fern", 0, ["knife"], placed_at=iso(0)))
    later = parts(wait_mail_to(sink, "fern@example.com"))["text/html"]
    assert SECTION in later and "Whetstone Sharpener" not in later, later
    assert re.search(r"<span[^>]*>Oak Cutting Board</span>", later[later.index(SECTION):]), later

    # The thank-you stays a plain receipt for customers who do not take marketing e-mail.
    shop.post_order(order("fresh-2", "uma", 0, ["knife"], consent="unsubscribed", placed_at=iso(0)))
    shop.post_order(order("fresh-3", "nico", 0, ["knife"], consent=None, placed_at=iso(0)))
    for address in ("uma@example.com", "nico@example.com"):
        receipt = parts(wait_mail_to(sink, address))
        assert "Chef Knife" in receipt["text/plain"], receipt["text/plain"]
        assert SECTION not in receipt["text/html"] and SECTION not in receipt["text/plain"], address
        assert "Whetstone Sharpener" not in receipt["text/html"], address


def test_cross_sell_flow_is_listed_and_can_be_switched_on(patron, sink):
    shop = open_shop(patron, sink.url(), flows=())
    flows = {f["name"]: f for f in shop.api.ok_json(shop.api.get("/api/v1/flows"))["data"]}
    assert "cross-sell" in flows, sorted(flows)
    cross_sell = flows["cross-sell"]
    assert cross_sell["builtIn"] is True and cross_sell["enabled"] is False and cross_sell["purpose"] == "marketing"
    enabled = shop.api.ok_json(shop.api.post("/api/v1/flows/cross-sell/enable"))
    assert enabled["name"] == "cross-sell" and enabled["enabled"] is True, enabled
    assert shop.api.ok_json(shop.api.get("/api/v1/flows/cross-sell"))["enabled"] is True
    listed = run_cli("flows", "list", "--store", shop.id, "--json", database=shop.database)
    assert "cross-sell" in listed.stdout


# ---------------------------------------------------------------------------------------------- the CLI


def evaluate(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([patron_bin(), "recommend", "evaluate", *args], capture_output=True, text=True,
                          timeout=120, env=child_env(), stdin=subprocess.DEVNULL)


def test_evaluate_shows_repeat_buying_beats_popularity(tmp_path):
    # 60 users buy their own favourite (one of 40) in each of 4 weekly baskets, plus one of 20 "everyday"
    # items in rotation: the everyday items are the best-sellers, but a user's next basket holds their favourite.
    rows = ["user,basket,ts,item"]
    for user in range(60):
        for week in range(4):
            ts = (dt.datetime(2024, 1, 1, 10) + dt.timedelta(days=7 * week, hours=user)).strftime("%Y-%m-%dT%H:%M:%SZ")
            basket = f"u{user}-w{week}"
            rows.append(f"u{user},{basket},{ts},fav-{user % 40}")
            rows.append(f"u{user},{basket},{ts},everyday-{(user + week) % 20}")
    baskets = tmp_path / "baskets.csv"
    baskets.write_text("\n".join(rows) + "\n")
    result = evaluate(str(baskets))
    assert result.returncode == 0, result.stderr
    report = parse_json_output(result.stdout)
    assert report["data"] == {"rows": 480, "users": 60, "baskets": 240, "items": 60, "test_users": 60}, report["data"]
    patron, popularity = report["results"]["patron"], report["results"]["popularity"]
    for results in (patron, popularity):
        for variant in ("all_items", "new_items"):
            metrics = results[variant]
            assert set(metrics) == {"users", "hr", "recall", "ndcg"}, metrics
            assert all(0 <= metrics[m] <= 1 for m in ("hr", "recall", "ndcg")), metrics
    assert patron["all_items"]["users"] == 60
    assert patron["all_items"]["hr"] == 1.0, patron
    assert patron["all_items"]["hr"] > popularity["all_items"]["hr"] + 0.2, report["results"]
    assert patron["all_items"]["ndcg"] > popularity["all_items"]["ndcg"], report["results"]
    own = report["results"]["own_most_bought"]["all_items"]
    assert own["hr"] == 1.0 and own["users"] == 60, own
    assert isinstance(report["seconds"], dict) and all(v >= 0 for v in report["seconds"].values()), report["seconds"]

    # Gzipped input reads the same.
    zipped = tmp_path / "baskets.csv.gz"
    zipped.write_bytes(gzip.compress(baskets.read_bytes()))
    again = evaluate(str(zipped))
    assert again.returncode == 0, again.stderr
    assert parse_json_output(again.stdout)["results"] == report["results"]


def test_evaluate_refuses_a_file_without_the_user_column(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("customer,basket,ts,item\nc1,b1,2024-01-01T10:00:00Z,x\nc1,b2,2024-01-08T10:00:00Z,y\n")
    result = evaluate(str(bad))
    assert result.returncode != 0
    message = result.stderr + result.stdout
    assert "no user column" in message, message
    assert "Traceback" not in message and "Fatal error" not in message, message

    dates = tmp_path / "dates.csv"
    dates.write_text("user,basket,ts,item\nc1,b1,2024-01-01T10:00:00Z,x\nc1,b2,01/08/2024,y\n")
    result = evaluate(str(dates))
    assert result.returncode != 0 and "01/08/2024" in result.stderr + result.stdout, result


def test_evaluate_cleans_the_online_retail_format(tmp_path):
    header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"
    kept = [
        "536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom",
        "536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom",
        "536400,85123A,WHITE HANGING HEART,2,2010-12-08 09:00:00,2.55,17850.0,United Kingdom",
        "536366,22633,HAND WARMER,6,2010-12-01 08:28:00,1.85,13047.0,United Kingdom",
        "536401,22633,HAND WARMER,3,2010-12-09 10:00:00,1.85,13047.0,United Kingdom",
        "536401,85123b,WHITE HANGING HEART,1,2010-12-09 10:00:00,2.55,13047.0,United Kingdom",
    ]
    dropped = [
        "C536379,85123A,WHITE HANGING HEART,-1,2010-12-02 09:41:00,2.55,17850.0,United Kingdom",  # cancelled
        "536402,POST,POSTAGE,1,2010-12-09 10:00:00,18.00,13047.0,United Kingdom",  # not a product
        "536403,22633,HAND WARMER,6,2010-12-09 11:00:00,1.85,,United Kingdom",  # no customer
        "536404,22633,HAND WARMER,0,2010-12-09 11:00:00,1.85,13047.0,United Kingdom",  # no quantity
        "536405,22633,HAND WARMER,2,2010-12-09 11:00:00,0,13047.0,United Kingdom",  # no price
    ]
    path = tmp_path / "online-retail.csv.gz"
    path.write_bytes(gzip.compress(("\n".join([header, *kept, *dropped]) + "\n").encode()))
    result = evaluate("--online-retail", str(path))
    assert result.returncode == 0, result.stderr
    report = parse_json_output(result.stdout)
    # 85123b is upper-cased into 85123B; the five dropped rows are gone.
    assert report["data"] == {"rows": 6, "users": 2, "baskets": 4, "items": 4, "test_users": 2}, report["data"]
    assert report["results"]["patron"]["all_items"]["users"] == 2

    both = evaluate(str(path), "--online-retail", str(path))
    assert both.returncode != 0

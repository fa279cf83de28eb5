"""The Segment-compatible endpoints spoken directly (what analytics.js and other libraries send)."""

from __future__ import annotations

import requests

from patron_e2e import Api, unique


def events_by_message(api: Api, customer_id: int) -> dict:
    return {e["messageId"]: e for e in api.all_pages("/api/v1/events", customerId=customer_id)}


def test_single_message_endpoints_with_basic_auth_or_write_key_in_body(patron, api):
    url = patron["url"]
    user_id = unique("raw-user")
    m_track, m_page, m_screen = unique("m"), unique("m"), unique("m")
    identify = requests.post(f"{url}/v1/identify", auth=(patron["writeKey"], ""), timeout=30, json={
        "userId": user_id, "traits": {"email": f"{user_id}@example.com", "firstName": "Lin", "phone": "+14155550100"},
        "timestamp": "2025-04-01T10:00:00.000Z"})
    assert identify.status_code == 200 and identify.json()["success"] is True, identify.text
    track = requests.post(f"{url}/v1/track", timeout=30, json={
        "writeKey": patron["writeKey"], "userId": user_id, "event": "Product Added to Wishlist", "messageId": m_track,
        "properties": {"product_id": "wish-1"}, "timestamp": "2025-04-01T10:01:00.000Z"})
    assert track.status_code == 200, track.text
    page = requests.post(f"{url}/v1/page", auth=(patron["writeKey"], ""), timeout=30, json={
        "userId": user_id, "name": "Home", "messageId": m_page, "properties": {"url": "https://shop.example.com/"}})
    assert page.status_code == 200, page.text
    screen = requests.post(f"{url}/v1/screen", auth=(patron["writeKey"], ""), timeout=30, json={
        "userId": user_id, "name": "Cart", "messageId": m_screen})
    assert screen.status_code == 200, screen.text
    group = requests.post(f"{url}/v1/group", auth=(patron["writeKey"], ""), timeout=30, json={
        "userId": user_id, "groupId": "acme", "traits": {"name": "Acme"}})
    assert group.status_code == 200, group.text

    customer = api.one("/api/v1/customers", externalId=user_id)
    assert customer is not None and customer["firstName"] == "Lin"
    by_message = events_by_message(api, customer["id"])
    assert {m_track, m_page, m_screen} <= set(by_message)
    assert by_message[m_track]["productExternalIds"] == ["wish-1"]


def test_alias_merges_a_previous_id(patron, api):
    url, key = patron["url"], patron["writeKey"]
    anonymous_id, user_id, message = unique("anon"), unique("raw-user"), unique("m")
    assert requests.post(f"{url}/v1/track", auth=(key, ""), timeout=30, json={
        "anonymousId": anonymous_id, "event": "Product Viewed", "messageId": message,
        "properties": {"product_id": "p"}}).status_code == 200
    assert requests.post(f"{url}/v1/identify", auth=(key, ""), timeout=30, json={
        "userId": user_id, "traits": {"email": f"{user_id}@example.com"}}).status_code == 200
    alias = requests.post(f"{url}/v1/alias", auth=(key, ""), timeout=30, json={"previousId": anonymous_id, "userId": user_id})
    assert alias.status_code == 200, alias.text
    customer = api.one("/api/v1/customers", externalId=user_id)
    assert message in events_by_message(api, customer["id"])


def test_batch_reports_invalid_messages_and_keeps_the_rest(patron, api):
    user_id = unique("raw-user")
    good, bad = unique("m"), unique("m")
    response = requests.post(f"{patron['url']}/v1/batch", auth=(patron["writeKey"], ""), timeout=30, json={"batch": [
        {"type": "track", "userId": user_id, "event": "Product Viewed", "messageId": good, "properties": {"product_id": "p"}},
        {"type": "track", "userId": user_id, "messageId": bad},
        {"type": "track", "event": "No identity", "messageId": unique("m")},
    ]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True
    assert sorted(r["index"] for r in body["rejected"]) == [1, 2]
    customer = api.one("/api/v1/customers", externalId=user_id)
    stored = events_by_message(api, customer["id"])
    assert good in stored and bad not in stored
    imported = requests.post(f"{patron['url']}/v1/import", auth=(patron["writeKey"], ""), timeout=30, json={"batch": [
        {"type": "identify", "userId": user_id, "traits": {"lastName": "Imported"}}]})
    assert imported.status_code == 200, imported.text
    assert api.one("/api/v1/customers", externalId=user_id)["lastName"] == "Imported"


def test_bad_key_malformed_json_and_size_limits(patron):
    url, key = patron["url"], patron["writeKey"]
    assert requests.post(f"{url}/v1/track", auth=("wk_wrong", ""), timeout=30,
                         json={"userId": "u", "event": "E"}).status_code == 401
    assert requests.post(f"{url}/v1/track", timeout=30, json={"userId": "u", "event": "E"}).status_code == 401
    malformed = requests.post(f"{url}/v1/track", auth=(key, ""), timeout=30, data=b'{"userId": "u", "event": ',
                              headers={"Content-Type": "application/json"})
    assert malformed.status_code == 400, malformed.text
    big_message = {"userId": "u", "event": "Big", "properties": {"blob": "x" * (33 * 1024)}}
    assert requests.post(f"{url}/v1/track", auth=(key, ""), timeout=30, json=big_message).status_code == 413
    big_batch = {"batch": [{"type": "track", "userId": "u", "event": "Chunk", "properties": {"blob": "y" * 20_000}}
                           for _ in range(30)]}
    assert requests.post(f"{url}/v1/batch", auth=(key, ""), timeout=30, json=big_batch).status_code == 413

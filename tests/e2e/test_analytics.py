"""Analytics over a real socket on both engines: refresh, KPIs, predictions, segments and their
events, and `patron analyze` on a store and on a plain file."""

from __future__ import annotations

import datetime as dt
import json
import subprocess

from patron_e2e import Api, child_env, patron_bin, run_cli, unique

BUYERS = 30


def orders_for(prefix: str) -> list[dict]:
    """Buyer i places (i % 4) + 1 orders of 10 + i dollars, 20 days apart, the last one i days ago."""
    now = dt.datetime.now(dt.timezone.utc)
    items = []
    for buyer in range(BUYERS):
        for order in range(buyer % 4 + 1):
            placed = now - dt.timedelta(days=buyer + 20 * order, hours=12)
            items.append({
                "externalId": f"{prefix}-o-{buyer}-{order}", "customerExternalId": f"{prefix}-buyer-{buyer}",
                "currency": "EUR", "placedAt": placed.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "lineItems": [{"title": "Tea", "quantity": 1, "unitPrice": (10 + buyer) * 100}],
            })
    return items


def populated_store(make_store, patron) -> tuple[Api, str, object]:
    keys = make_store(unique("analytics"))
    api = Api(patron["url"], keys.secretKey)
    prefix = unique("a")
    result = api.ok_json(api.post("/api/v1/orders/batch", {"items": orders_for(prefix)}))
    assert result["rejected"] == 0 and result["accepted"] == len(result["results"]), result
    return api, prefix, keys


def test_refresh_kpis_predictions_and_segment_events(make_store, patron):
    api, prefix, _ = populated_store(make_store, patron)
    missing = api.get("/api/v1/analytics/kpis")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/problem+json")

    segment = api.ok_json(api.post("/api/v1/segments", {"name": "Regulars", "rule": "orders.count >= 3"}), 201)
    outcome = api.ok_json(api.post("/api/v1/analytics/refresh"))
    assert outcome["customers"] == BUYERS
    assert outcome["orders"] == sum(b % 4 + 1 for b in range(BUYERS))
    assert outcome["segments"] == [{"id": segment["id"], "members": 14, "entered": 14, "exited": 0}]

    kpis = api.ok_json(api.get("/api/v1/analytics/kpis"))
    assert kpis["currency"] == "EUR"
    assert kpis["kpis"]["orders"] == outcome["orders"]
    assert abs(kpis["kpis"]["revenue"] - sum((b % 4 + 1) * (10 + b) for b in range(BUYERS))) < 1e-6
    models = api.ok_json(api.get("/api/v1/analytics/models"))["models"]
    assert models["purchases"]["time_unit"] == "days" and models["purchases"]["converged"] is True

    regular = api.one("/api/v1/customers", externalId=f"{prefix}-buyer-27")
    prediction = api.ok_json(api.get(f"/api/v1/customers/{regular['id']}/predictions"))
    assert prediction["orders"] == 4 and prediction["revenue"] == 4 * 3700 and prediction["currency"] == "EUR"
    assert 0 < prediction["probabilityAlive"] <= 1
    events = api.ok_json(api.get("/api/v1/events", params={"customerId": regular["id"], "limit": 200}))["data"]
    entered = [e for e in events if e["type"] == "Segment Entered"]
    assert len(entered) == 1 and entered[0]["properties"]["segment_name"] == "Regulars"

    members = api.all_pages(f"/api/v1/segments/{segment['id']}/members", limit=5)
    assert len(members) == 14
    preview = api.ok_json(api.post("/api/v1/segments/preview", {"rule": "rfm.segment is set and orders.count == 1"}))
    assert preview["count"] == 8

    bad = api.post("/api/v1/segments/preview", {"rule": "orders.count >= "})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "rule" and "position" in bad.json()


def test_analyze_a_store_from_the_cli(make_store, patron):
    _, _, keys = populated_store(make_store, patron)
    result = run_cli("analyze", "--store", keys.store_id, "--json", database=patron["db"])
    summary = json.loads(result.stdout)
    assert summary["buyers"] == BUYERS
    assert summary["orders"] == sum(b % 4 + 1 for b in range(BUYERS))
    assert set(summary["models"]["purchases"]["parameters"]) == {"r", "alpha", "a", "b"}
    assert sum(summary["segments"].values()) == BUYERS


def test_analyze_a_file_without_a_server(tmp_path):
    rows = ["customer_id,date,amount"]
    for customer in range(40):
        for order in range(customer % 3 + 1):
            rows.append(f"c{customer},2024-0{1 + order * 2}-{10 + customer % 15:02d},{20 + customer}.50")
    transactions = tmp_path / "transactions.csv"
    transactions.write_text("\n".join(rows) + "\n")
    predictions = tmp_path / "predictions.csv"
    command = [patron_bin(), "analyze", str(transactions), "--until", "2024-06-30", "--horizon", "90",
               "--predictions", str(predictions), "--json"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, env=child_env())
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["buyers"] == 40 and summary["until"] == "2024-06-30" and summary["horizon_days"] == 90
    lines = predictions.read_text().splitlines()
    assert lines[0] == ("customer_id,frequency,recency,T,monetary,p_alive,expected_purchases,expected_value,"
                        "predicted_clv,rfm,segment")
    assert len(lines) == 41

    broken = tmp_path / "broken.csv"
    broken.write_text("customer_id,date,amount\nc1,2024-01-05,10\nc2,05/01/2024,10\n")
    failed = subprocess.run([patron_bin(), "analyze", str(broken)], capture_output=True, text=True, timeout=60,
                            env=child_env())
    assert failed.returncode != 0
    assert "line 3" in failed.stderr and "05/01/2024" in failed.stderr and "ISO-8601" in failed.stderr

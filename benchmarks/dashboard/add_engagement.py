#!/usr/bin/env python3
"""Engagement data for the dashboard benchmark: flows, flow runs, messages, events, attributions and
campaigns, added to a database made by generate.py (store 1).

    python3 benchmarks/dashboard/add_engagement.py /tmp/bench-dashboard/patron.sqlite [--seed 1] [--scale F]

generate.py leaves the messaging tables empty, so the message log, the flow pages and the campaign pages
would be timed against nothing. This script fills them the way Patron itself would have, simulating its
flow engine, outbox and link tracking over the store's own orders, shipments and customers:

- **Flows:** order-thank-you, shipping-updates, welcome-series, win-back, cross-sell, replenishment and
  abandoned-checkout, switched on (rows in `flows` and `flow_versions`). The documents are Patron's
  built-in ones, byte for byte as `patron flows enable` stores them; abandoned-checkout also has a
  version 2 that adds a text message a day later for customers who accept SMS.
- **Flow runs**, one per trigger and flow as the engine starts them (trigger keys `order:EXT`,
  `shipment:EXT:MILESTONE`, `lapsed:LAST_ORDER`, `replenish:PRODUCT:LAST`, `event:MESSAGE_ID`): every
  order, shipment milestone, first order, lapse (a repeat buyer silent for twice their usual gap),
  due consumable and checkout start after the flow was switched on. Runs go through the real steps:
  waits, 10:00 local time, the customer's best hour of the week, exit on a new order, conditions,
  a 10 % holdout for marketing (the engine's own hash), so statuses come out as completed, waiting
  (wake-up after the end), exited or held_out with the step and timestamps the engine would write.
- **Budget:** runs are capped at 3,000,000 x --scale (--max-runs). Each flow gets a switch-on date: all
  flows cover the last 31 days first (the window of the flow pages) if the budget allows, the rest goes
  back in time up to 365 days (90 for abandoned-checkout), mostly to order-thank-you.
- **Messages:** one per send step reached, created when the run got there, ids in time order. The
  guardrails are applied at send time: marketing consent (`no_marketing_consent`), the 16-hour
  frequency cap (`frequency_cap`), bounced addresses (`suppressed_bounce`), SMS consent and quiet hours;
  a few relay rejections (`rejected`, with the address added to `suppressions`) and exhausted retries
  (`attempts_exhausted`); the rest `sent`, with recipient, rendered subject, provider response and the
  dedupe key and Message-ID the engine derives, and when each was first opened, clicked and
  unsubscribed from (matching its events, as link tracking keeps them).
- **Events:** Patron's link tracking (source `patron`): `Email Opened` for ~40 % of sent email,
  `Email Clicked` ~5 %, `SMS Clicked`, a few `Unsubscribed` (with the consent row); properties
  `{"channel","flow"|"campaignId","messageId"}`, dedupe keys `email-open:ID`, `click:ID:URLHASH`.
  Storefront events (source `segment`): `Product Viewed`, `Product Added`, `Checkout Started`, about
  three per buyer over the last 90 days, in sessions, many of them just before a real order; every
  `Checkout Started` there starts an abandoned-checkout run (which exits when the order follows).
- **Attributions:** ~3 % of sent marketing messages get the customer's next order within 5 days
  (a real order; skipped when there is none), last touch `click` or `open` (within a day), with the
  matching engagement event before the order.
- **Campaigns:** 40 sent campaigns over the last year on the store's segments; the 3 most recent have
  their messages (about 50,000 x --scale each, template `campaign`, `campaign_id` set).

The secondary indexes of the tables it fills are dropped during the load and rebuilt afterwards; it
refuses a database that already has flows, runs, messages, campaigns or attributions. Deterministic for
a given database, --seed, --scale and --end. Writes DB.engagement.json with counts and timings.
"""

import argparse
import bisect
import datetime as dt
import hashlib
import heapq
import json
import math
import os
import random
import sqlite3
import sys
import time
from array import array

STORE = 1
SECOND = 1_000
MINUTE = 60_000
HOUR = 3_600_000
DAY = 86_400_000
WEEK_HOURS = 168
INF = 1 << 62
FULL_RUNS = 3_000_000  # runs at --scale 1
FULL_CAMPAIGN = 50_000  # messages per recent campaign at --scale 1
PHASE1_DAYS = 31  # every flow covers this many days first (the flow pages count the last 30)

LOADED_TABLES = ("flows", "flow_versions", "flow_runs", "messages", "events", "attributions", "campaigns")
MUST_BE_EMPTY = ("flows", "flow_versions", "flow_runs", "messages", "attributions", "campaigns")

# The built-in flow documents exactly as `patron flows enable NAME` stores them (sorted keys, compact).
DEFINITIONS = {
    "order-thank-you": '{"exitOn":[],"holdout":0,"name":"order-thank-you","purpose":"transactional","steps":[{"channel":"email","template":"order-thank-you","type":"send"}],"summary":"Thanks the customer right after a new order, with every item, quantity and price, discounts, shipping, tax, the total, the shipping address and the expected delivery date.","title":"Order thank-you and confirmation","trigger":{"firstOrder":false,"type":"order_placed"}}',
    "shipping-updates": '{"exitOn":[],"holdout":0,"name":"shipping-updates","purpose":"transactional","steps":[{"channel":"email","template":"shipping-update","type":"send"}],"summary":"Tells the customer when the order ships (carrier and tracking link), is out for delivery, is ready for pickup, is delivered, is delayed, or could not be delivered; once per milestone.","title":"Shipping updates","trigger":{"milestones":[],"type":"shipment_milestone"}}',
    "welcome-series": '{"exitOn":[],"holdout":0.1,"name":"welcome-series","purpose":"marketing","steps":[{"days":1,"type":"wait"},{"hour":10,"type":"wait_until"},{"channel":"email","template":"welcome","type":"send"},{"days":4,"type":"wait"},{"orderedSinceStart":false,"type":"condition"},{"type":"wait_for_best_time"},{"channel":"email","template":"welcome-favourites","type":"send"}],"summary":"A day after a customer\'s first order, a welcome that tells them what to expect from the store; four days later, the store\'s favourites, unless they have ordered again.","title":"Welcome series for first-time buyers","topic":"updates","trigger":{"firstOrder":true,"type":"order_placed"}}',
    "win-back": '{"exitOn":[],"holdout":0.1,"name":"win-back","purpose":"marketing","steps":[{"type":"wait_for_best_time"},{"channel":"email","template":"win-back","type":"send"}],"summary":"When a repeat customer\'s chance of still being active falls below one half, or they have been silent for twice their usual time between orders, a we-miss-you message at their best time.","title":"Win-back","topic":"offers","trigger":{"overdueFactor":2,"pAliveBelow":0.5,"type":"lapsed"}}',
    "cross-sell": '{"exitOn":["Order Completed","Order Placed"],"holdout":0.1,"name":"cross-sell","purpose":"marketing","steps":[{"days":3,"type":"wait"},{"type":"wait_for_best_time"},{"channel":"email","template":"cross-sell","type":"send"}],"summary":"Three days after an order is delivered, unless the customer has ordered again, products that go with what they bought (bought together with it, not more of the same), at their best time.","title":"Cross-sell after delivery","topic":"offers","trigger":{"milestones":["delivered"],"type":"shipment_milestone"}}',
    "replenishment": '{"exitOn":["Order Completed","Order Placed"],"holdout":0.1,"name":"replenishment","purpose":"marketing","steps":[{"type":"wait_for_best_time"},{"channel":"email","template":"replenishment","type":"send"}],"summary":"When a consumable the customer bought is due again (their last purchase plus the product\'s typical reorder interval, for products customers really re-buy), a reminder to reorder.","title":"Replenishment reminder","topic":"reminders","trigger":{"type":"replenishment_due"}}',
    "abandoned-checkout": '{"exitOn":["Order Completed","Order Placed"],"holdout":0.1,"name":"abandoned-checkout","purpose":"marketing","steps":[{"hours":1,"type":"wait"},{"channel":"email","template":"abandoned-checkout","type":"send"}],"summary":"An hour after a checkout is started and not completed, a reminder with the cart and a link back to it; left as soon as the order is placed.","title":"Abandoned checkout reminder","topic":"reminders","trigger":{"event":"Checkout Started","type":"event"}}',
}


def abandoned_v2():
    """The merchant's edit of abandoned-checkout: a text message a day later for customers who accept SMS."""
    document = json.loads(DEFINITIONS["abandoned-checkout"])
    document["steps"] = [
        {"hours": 1, "type": "wait"},
        {"channel": "email", "template": "abandoned-checkout", "type": "send"},
        {"days": 1, "type": "wait"},
        {"rule": "consent.sms", "type": "condition"},
        {"channel": "sms", "template": "abandoned-checkout", "type": "send"},
    ]
    document["summary"] += " A text message the next day for customers who accept SMS."
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


TY, SHIP, WELCOME, WINBACK, CROSS, REPLEN, ABANDON = range(7)
FLOW_NAMES = ["order-thank-you", "shipping-updates", "welcome-series", "win-back", "cross-sell", "replenishment",
              "abandoned-checkout"]
PURPOSE = ["transactional", "transactional", "marketing", "marketing", "marketing", "marketing", "marketing"]
TOPIC = [None, None, "updates", "offers", "offers", "reminders", "reminders"]
HOLDOUT = [0, 0, 0.1, 0.1, 0.1, 0.1, 0.1]
HORIZON_DAYS = [365, 365, 365, 365, 365, 120, 90]
# Share of the budget left after the first 31 days.
EXTRA_WEIGHT = [0.5, 0.05, 0.1, 0.1, 0.05, 0.1, 0.1]
# Opens per sent email and clicks per open, by flow; then campaigns.
OPEN_RATE = [0.55, 0.40, 0.42, 0.22, 0.28, 0.35, 0.40]
CLICK_PER_OPEN = [0.08, 0.15, 0.10, 0.10, 0.12, 0.14, 0.20]
CAMPAIGN_OPEN, CAMPAIGN_CLICK = 0.22, 0.10
SMS_CLICK = 0.08
UNSUBSCRIBE_RATE = 0.003  # of sent marketing email
ATTRIBUTION_SHARE = 0.03  # of sent marketing messages
DEAD_ADDRESS_SHARE, EXHAUSTED_RATE, SMS_REJECT_RATE = 0.003, 0.0005, 0.01  # dead mailboxes bounce once
EMAIL_CAP, SMS_CAP = 16 * HOUR, 24 * HOUR
QUIET_START, QUIET_END = 21, 9
OPEN_WINDOW, CLICK_WINDOW = 1 * DAY, 5 * DAY  # Patron's default attribution windows

MILESTONES = ["shipped", "out_for_delivery", "ready_for_pickup", "delivered", "delayed", "delivery_problem"]
HEADLINES = ["Your order is on its way", "Your order is out for delivery", "Your order is ready for pickup",
             "Your order was delivered", "Your delivery is delayed", "We could not deliver your order"]
FINAL_MILESTONE = {"out_for_delivery": 1, "ready_for_pickup": 2, "delivered": 3, "delayed": 4, "failure": 5,
                   "returned": 5, "attempted_delivery": 5}
HOURS = [2.0, 1.6, 1.2, 0.8, 0.5, 0.4, 0.4, 0.5, 0.8, 1.2, 1.6, 2.0, 2.4, 2.6, 2.8, 3.0, 3.0, 3.1, 3.2, 3.4, 3.5, 3.4,
         3.0, 2.5]  # UTC hour-of-day weights, as in generate.py
CONSUMABLE_DAYS = {"Pantry": (21, 45), "Beauty": (35, 70)}
BEST_STORE_HOUR = 34  # Tuesday 10:00, Patron's fallback best hour of the week

CAMPAIGN_THEMES = {
    1: [("New year, new kitchen", "Fresh starts for your kitchen", "updates"), ("January clear-out", "Last pieces, lowest prices", "offers")],
    2: [("Valentine's picks", "Gifts they will actually use", "offers"), ("Winter warmers", "Blankets, candles and slow mornings", "updates")],
    3: [("Spring refresh", "Lighter linens and new colours", "updates"), ("Spring sale", "15 % off the spring edit", "offers")],
    4: [("Easter brunch", "Everything for a slow Sunday", "updates"), ("Garden season", "Outdoor pieces are back", "updates")],
    5: [("Mother's Day gifts", "Thoughtful gifts, delivered in time", "offers"), ("Picnic ready", "Bottles, blankets and bags", "updates")],
    6: [("Summer sale", "Up to 20 % off summer favourites", "offers"), ("Father's Day", "For the one who has everything", "offers")],
    7: [("Mid-summer edit", "What everyone is buying this July", "updates"), ("Camping checklist", "Headlamps, mugs and more", "updates")],
    8: [("Back to routine", "Small upgrades for busy weeks", "updates"), ("Late summer sale", "Last call on summer stock", "offers")],
    9: [("Autumn arrivals", "Wool, oak and warm colours", "updates"), ("Coffee season", "New roasts are in", "updates")],
    10: [("Cosy season", "Throws and candles for longer evenings", "updates"), ("Halloween treats", "A little something for the weekend", "offers")],
    11: [("Holiday gift guide", "Gifts for everyone on your list", "updates"), ("Black Friday early access", "Early access: 25 % off sitewide", "offers"),
         ("Cyber week", "Our biggest offers, this week only", "offers")],
    12: [("Last shipping days", "Order by Friday for delivery before the holidays", "updates"), ("Gift cards", "The gift that always fits", "offers")],
}


def log(message):
    print(message, flush=True)


def unit_hash(text):
    """FlowEngine.unitHash: a stable number in [0, 1) from SHA-256."""
    digest = hashlib.sha256(text.encode()).digest()
    return (int.from_bytes(digest[:8], "big") >> 11) / float(1 << 53)


def message_id_for(dedupe_key):
    """FlowTriggers.messageIdLocalPart: the Message-ID's local part for a dedupe key."""
    return "patron." + hashlib.sha256(f"{STORE}:{dedupe_key}".encode()).digest()[:16].hex()


def dumps(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def zone_offset(name, at_ms):
    """UTC offset of a time zone at the end of the history, in ms (fixed over the window)."""
    try:
        from zoneinfo import ZoneInfo
        moment = dt.datetime.fromtimestamp(at_ms / 1000, ZoneInfo(name))
        return int(moment.utcoffset().total_seconds() * 1000)
    except Exception:
        return 0


def next_local_hour(t, hour, offset):
    """LocalTime.next: the next time after t at which it is `hour`:00 in the customer's zone."""
    local_day = (t + offset) // DAY * DAY
    candidate = local_day + hour * HOUR - offset
    return candidate if candidate > t else candidate + DAY


def hour_of_week(t, offset):
    local = t + offset
    return ((local // DAY + 3) % 7) * 24 + (local % DAY) // HOUR  # Monday 00:00 is 0


class Engagement:
    def __init__(self, args):
        self.args = args
        self.seed = args.seed
        self.counts = {}
        self.timings = {}
        self.rows = 0
        self.batches = {}
        self.since_commit = 0

    def rng(self, stream):
        return random.Random(self.seed * 1_000_003 + 7_919 * stream + 17)

    # ------------------------------------------------------------------------------------------ setup
    def open(self):
        path = self.args.database
        if not os.path.exists(path):
            sys.exit(f"no database at {path} (make one with benchmarks/dashboard/generate.py)")
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=OFF")
        db.execute("PRAGMA cache_size=-1048576")  # 1 GiB
        db.execute("PRAGMA temp_store=MEMORY")
        db.execute("PRAGMA foreign_keys=OFF")
        self.db = db
        if db.execute("SELECT id FROM stores WHERE id = ?", (STORE,)).fetchone() is None:
            sys.exit(f"no store {STORE} in {path}")
        for table in MUST_BE_EMPTY:
            if db.execute(f"SELECT 1 FROM {table} WHERE store_id = ? LIMIT 1", (STORE,)).fetchone():
                sys.exit(f"{table} already has rows for store {STORE}: run this on a fresh database from generate.py")
        existing_events = db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        if existing_events:
            log(f"  note: events already holds {existing_events:,} rows; new ones are added after them")
        self.store_name, self.from_email = db.execute(
            "SELECT name, from_email FROM stores WHERE id = ?", (STORE,)).fetchone()
        self.segment_ids = [r[0] for r in db.execute("SELECT id FROM segments WHERE store_id = ? ORDER BY id", (STORE,))]
        if not self.segment_ids:
            sys.exit("the store has no segments (generate.py makes three); campaigns need one")
        # End of the history: --end, else DB.meta.json, else the day after the last order.
        end = None
        if self.args.end:
            end = dt.datetime.strptime(self.args.end, "%Y-%m-%d").replace(tzinfo=dt.timezone.utc)
        else:
            meta_path = path + ".meta.json"
            if os.path.exists(meta_path):
                with open(meta_path) as handle:
                    end = dt.datetime.fromisoformat(json.load(handle)["window"]["end"])
        if end is not None:
            self.end = int(end.timestamp() * 1000)
        else:
            last = db.execute("SELECT MAX(placed_at) FROM orders WHERE store_id = ?", (STORE,)).fetchone()[0]
            if last is None:
                sys.exit("the store has no orders")
            self.end = (last // DAY + 1) * DAY
        self.order_total = db.execute("SELECT COUNT(*) FROM orders WHERE store_id = ?", (STORE,)).fetchone()[0]
        self.scale = self.args.scale if self.args.scale is not None else self.order_total / 10_000_000
        self.budget = self.args.max_runs if self.args.max_runs is not None else int(round(FULL_RUNS * self.scale))
        self.campaign_size = max(1, int(round(FULL_CAMPAIGN * self.scale)))
        log(f"  store {STORE} ({self.store_name}), {self.order_total:,} orders, history ends "
            f"{dt.datetime.fromtimestamp(self.end / 1000, dt.timezone.utc):%Y-%m-%d}; scale {self.scale:g}: "
            f"at most {self.budget:,} runs, {self.campaign_size:,} messages per recent campaign")
        placeholders = ",".join("?" * len(LOADED_TABLES))
        self.indexes = db.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({placeholders})",
            LOADED_TABLES).fetchall()
        self.ids = {t: db.execute(f"SELECT COALESCE(MAX(id), 0) FROM {t}").fetchone()[0]
                    for t in ("flow_runs", "messages", "events", "campaigns")}

    # ------------------------------------------------------------------------------------------- reads
    def load_customers(self):
        db = self.db
        top = db.execute("SELECT COALESCE(MAX(id), 0) FROM customers WHERE store_id = ?", (STORE,)).fetchone()[0]
        if top >= 1 << 24:
            sys.exit("customer ids above 16,777,215 are not supported")
        size = top + 2
        self.n_customers = size
        self.email = [None] * size
        self.first_name = [None] * size
        self.phone = [None] * size
        self.created = array("q", [0]) * size
        self.offset = array("i", [0]) * size
        zones = {}
        for cid, email, first, phone, zone, created in db.execute(
                "SELECT id, email, first_name, phone, time_zone, created_at FROM customers WHERE store_id = ?", (STORE,)):
            self.email[cid] = email
            self.first_name[cid] = first
            self.phone[cid] = phone
            self.created[cid] = created
            if zone not in zones:
                zones[zone] = zone_offset(zone, self.end) if zone else 0
            self.offset[cid] = zones[zone]
        # Consent: email subscribed from / unsubscribed at, SMS subscribed from.
        self.email_from = array("q", [INF]) * size
        self.email_until = array("q", [INF]) * size
        self.sms_from = array("q", [INF]) * size
        for cid, channel, state, at in db.execute(
                "SELECT customer_id, channel, state, recorded_at FROM consents WHERE store_id = ? ORDER BY recorded_at, id",
                (STORE,)):
            if cid >= size:
                continue
            if channel == "email":
                if state == "subscribed":
                    self.email_from[cid] = min(self.email_from[cid], at)
                    if self.email_until[cid] <= at:
                        self.email_until[cid] = INF  # subscribed again
                else:
                    self.email_until[cid] = min(self.email_until[cid], at)
            elif channel == "sms" and state == "subscribed":
                self.sms_from[cid] = min(self.sms_from[cid], at)
        self.last_marketing_email = array("q", [-INF]) * size
        self.last_marketing_sms = array("q", [-INF]) * size
        log(f"  {sum(1 for e in self.email if e):,} customers, {len(zones)} time zones")

    def load_orders(self):
        """Every order by customer, in time order: offsets into arrays of order ids, times and a cancelled flag."""
        db = self.db
        size = self.n_customers
        offsets = array("q", [0]) * (size + 1)
        for cid, n in db.execute(
                "SELECT customer_id, COUNT(*) FROM orders WHERE store_id = ? AND customer_id IS NOT NULL "
                "AND is_placeholder = 0 GROUP BY customer_id", (STORE,)):
            if cid < size:
                offsets[cid + 1] = n
        for i in range(1, size + 1):
            offsets[i] += offsets[i - 1]
        m = offsets[size]
        o_id = array("q", [0]) * m
        o_at = array("q", [0]) * m
        o_cancel = bytearray(m)
        fill = array("q", offsets)
        last = array("q", [-INF]) * size
        unsorted = set()
        for oid, cid, at, cancelled in db.execute(
                "SELECT id, customer_id, placed_at, cancelled_at IS NOT NULL FROM orders WHERE store_id = ? "
                "AND customer_id IS NOT NULL AND is_placeholder = 0", (STORE,)):
            if cid >= size:
                continue
            p = fill[cid]
            o_id[p] = oid
            o_at[p] = at
            o_cancel[p] = cancelled
            fill[cid] = p + 1
            if at < last[cid]:
                unsorted.add(cid)
            else:
                last[cid] = at
        for cid in unsorted:
            lo, hi = offsets[cid], offsets[cid + 1]
            part = sorted(zip(o_at[lo:hi], o_id[lo:hi], o_cancel[lo:hi]))
            for k, (at, oid, cancelled) in enumerate(part):
                o_at[lo + k], o_id[lo + k], o_cancel[lo + k] = at, oid, cancelled
        self.c_off, self.o_id, self.o_at, self.o_cancel = offsets, o_id, o_at, o_cancel
        self.buyers = sum(1 for c in range(size) if offsets[c + 1] > offsets[c])
        log(f"  {m:,} orders of {self.buyers:,} buyers in memory")

    def load_catalog(self):
        db = self.db
        rng = self.rng(1)
        products = db.execute(
            "SELECT id, external_id, title, category, url, image_url, status FROM products WHERE store_id = ? ORDER BY id",
            (STORE,)).fetchall()
        variants = {}
        for pid, sku, title, price, stock in db.execute(
                "SELECT product_id, sku, title, price, stock FROM variants WHERE store_id = ? ORDER BY product_id, position, id",
                (STORE,)):
            variants.setdefault(pid, []).append((sku, title, price or 0, stock))
        self.products = []  # (external id, title, category, url, [(props prefix, sku, price)], sellable)
        for pid, ext, title, category, url, image, status in products:
            own = variants.get(pid) or [(None, "Default Title", 0, None)]
            forms = []
            for sku, vtitle, price, _ in own:
                props = {"category": category, "currency": "USD", "image_url": image, "name": title,
                         "price": price / 100, "product_id": ext, "quantity": 1, "sku": sku, "url": url,
                         "variant": vtitle}
                text = dumps({k: v for k, v in props.items() if v is not None})
                forms.append((text[:-1], sku, price))
            sellable = status == "active" and any(s is None or s > 0 for _, _, _, s in own)
            self.products.append((ext, title or ext, category, url, forms, sellable))
        if not self.products:
            sys.exit("the store has no products")
        # Popularity for browsing: Zipf over a shuffled ranking of the active products.
        ranking = [i for i, p in enumerate(self.products) if p[5]] or list(range(len(self.products)))
        rng.shuffle(ranking)
        weights = [1.0 / (rank + 1) ** 1.05 for rank in range(len(ranking))]
        total, cum = 0.0, []
        for w in weights:
            total += w
            cum.append(total)
        self.browse_rank, self.browse_cum = ranking, cum
        self.consumables = {}
        for index, (ext, _, category, _, _, sellable) in enumerate(self.products):
            if category in CONSUMABLE_DAYS and sellable:
                low, high = CONSUMABLE_DAYS[category]
                self.consumables[ext] = (index, low + int.from_bytes(hashlib.sha256(ext.encode()).digest()[:4], "big") % (high - low + 1))
        log(f"  {len(self.products):,} products, {len(self.consumables):,} consumables re-bought on a cycle")

    def pick_product(self, rnd):
        cum = self.browse_cum
        return self.browse_rank[min(len(cum) - 1, bisect.bisect_right(cum, rnd() * cum[-1]))]

    # ------------------------------------------------------------------------------------ helpers
    def next_order_after(self, c, t):
        lo, hi = self.c_off[c], self.c_off[c + 1]
        i = bisect.bisect_right(self.o_at, t, lo, hi)
        return self.o_at[i] if i < hi else INF

    def ordered(self, c, since, until):
        return self.next_order_after(c, since) <= until

    def best_time(self, c, t):
        """SendTimeAdvisor.nextBestTime: the next start of the customer's best hour of the week after t."""
        h = (c * 2_654_435_761) & 0xFFFFFFFF
        if h % 10 < 6:
            best = BEST_STORE_HOUR
        else:
            best = ((h // 10) % 7) * 24 + 8 + (h // 70) % 14
        off = self.offset[c]
        ahead = (best - hour_of_week(t, off) + WEEK_HOURS) % WEEK_HOURS
        candidate = t - t % HOUR + ahead * HOUR
        return candidate if candidate > t else candidate + WEEK_HOURS * HOUR

    # ---------------------------------------------------------------------------------- candidates
    def histogram_sql(self, sql, params, horizon):
        hist = [0] * horizon
        for d, n in self.db.execute(sql, params):
            if d is not None and 0 <= d < horizon:
                hist[d] += n
        return hist

    def candidates(self):
        """Per flow: how many runs each day back from the end would start, over its horizon."""
        end = self.end
        hist = [None] * 7
        lo = end - HORIZON_DAYS[TY] * DAY
        hist[TY] = self.histogram_sql(
            "SELECT (? - 1 - placed_at) / 86400000 AS d, COUNT(*) FROM orders WHERE store_id = ? AND is_placeholder = 0 "
            "AND customer_id IS NOT NULL AND placed_at >= ? AND placed_at < ? GROUP BY d", (end, STORE, lo, end), 365)
        # Welcome: first orders.
        h = [0] * HORIZON_DAYS[WELCOME]
        lo = end - HORIZON_DAYS[WELCOME] * DAY
        c_off, o_at = self.c_off, self.o_at
        for c in range(self.n_customers):
            if c_off[c + 1] > c_off[c]:
                t = o_at[c_off[c]]
                if lo <= t < end:
                    h[(end - 1 - t) // DAY] += 1
        hist[WELCOME] = h
        lo = end - HORIZON_DAYS[SHIP] * DAY
        shipped = self.histogram_sql(
            "SELECT (? - 1 - shipped_at) / 86400000 AS d, COUNT(*) FROM shipments WHERE store_id = ? AND shipped_at >= ? "
            "AND shipped_at < ? GROUP BY d", (end, STORE, lo, end), 365)
        final = self.histogram_sql(
            "SELECT (? - 1 - ts) / 86400000 AS d, COUNT(*) FROM (SELECT CASE WHEN status = 'delivered' THEN delivered_at "
            "WHEN status IN ('out_for_delivery', 'ready_for_pickup', 'delayed', 'failure', 'returned', 'attempted_delivery') "
            "THEN updated_at END AS ts FROM shipments WHERE store_id = ?) WHERE ts >= ? AND ts < ? GROUP BY d",
            (end, STORE, lo, end), 365)
        hist[SHIP] = [a + b for a, b in zip(shipped, final)]
        hist[CROSS] = self.histogram_sql(
            "SELECT (? - 1 - delivered_at) / 86400000 AS d, COUNT(*) FROM shipments WHERE store_id = ? "
            "AND status = 'delivered' AND delivered_at >= ? AND delivered_at < ? GROUP BY d", (end, STORE, lo, end), 365)
        self.winback = self.lapses()
        hist[WINBACK] = self.bucket([w[0] for w in self.winback], HORIZON_DAYS[WINBACK])
        self.replenish = self.due_consumables()
        hist[REPLEN] = self.bucket([r[0] for r in self.replenish], HORIZON_DAYS[REPLEN])
        self.storefront_sessions()
        hist[ABANDON] = self.bucket([a[0] for a in self.checkouts], HORIZON_DAYS[ABANDON])
        self.hist = hist
        for f in range(7):
            log(f"  {FLOW_NAMES[f]:<19} {sum(hist[f][:30]):>10,} triggers in the last 30 days, "
                f"{sum(hist[f]):>11,} in {len(hist[f])} days")

    def bucket(self, times, horizon):
        hist = [0] * horizon
        end = self.end
        for t in times:
            d = (end - 1 - t) // DAY
            if 0 <= d < horizon:
                hist[d] += 1
        return hist

    def lapses(self):
        """Win-back triggers: a repeat buyer silent for twice their usual gap between orders, found by the hourly
        scan (once per last order), before their next order."""
        end = self.end
        lo = end - HORIZON_DAYS[WINBACK] * DAY
        c_off, o_at = self.c_off, self.o_at
        found, keys = [], set()
        for c in range(self.n_customers):
            a, b = c_off[c], c_off[c + 1]
            if b - a < 2:
                continue
            first = o_at[a]
            k = max(a + 1, bisect.bisect_right(o_at, lo, a, b) - 1)
            for i in range(k, b):
                usual = (o_at[i] - first) // (i - a)
                if usual <= 0:
                    continue
                lapse = o_at[i] + 2 * usual
                start = (lapse // HOUR + 1) * HOUR + 20_000 + (c * 7_919) % 40_000
                following = o_at[i + 1] if i + 1 < b else end
                if start >= following or start < lo or start >= end:
                    continue
                if o_at[i] in keys:  # the same trigger key: the engine starts one run
                    continue
                keys.add(o_at[i])
                found.append((start, c, o_at[i]))
        return found

    def due_consumables(self):
        """Replenishment triggers: a consumable's last purchase plus its typical interval, found by the hourly
        scan a day ahead, while the customer has not bought it again."""
        end = self.end
        lo = end - HORIZON_DAYS[REPLEN] * DAY
        longest = max(high for _, high in CONSUMABLE_DAYS.values())
        bought = {}
        consumables = self.consumables
        for c, ext, at in self.db.execute(
                "SELECT o.customer_id, l.product_external_id, o.placed_at FROM orders o JOIN order_lines l ON l.order_id = o.id "
                "WHERE o.store_id = ? AND o.placed_at >= ? AND o.placed_at < ? AND o.customer_id IS NOT NULL "
                "AND o.is_placeholder = 0 AND o.cancelled_at IS NULL", (STORE, lo - (longest + 2) * DAY, end)):
            if ext in consumables:
                bought.setdefault((c, ext), []).append(at)
        found, keys = [], set()
        for (c, ext), times in bought.items():
            if c >= self.n_customers:
                continue
            times.sort()
            index, typical = consumables[ext]
            for k, at in enumerate(times):
                last = at // 1000 * 1000
                due = last + typical * DAY
                start = ((due - DAY) // HOUR + 1) * HOUR + 30_000 + (c * 104_729) % 30_000
                following = times[k + 1] if k + 1 < len(times) else INF
                if start >= following or start < lo or start >= end:
                    continue
                key = (ext, last)
                if key in keys:
                    continue
                keys.add(key)
                found.append((start, c, index, last, typical))
        return found

    # -------------------------------------------------------------------------------- storefront
    def storefront_sessions(self):
        """Browsing sessions of buyers over the last 90 days (about three events per buyer): some just before a real
        order (view, add, checkout), the rest browsing that sometimes reaches the cart or the checkout. Stored as
        sorted keys (start << 26 | kind << 24 | customer); the events are drawn from each key when written."""
        rng = self.rng(5)
        rnd = rng.random
        end = self.end
        lo = end - 90 * DAY
        c_off, o_at = self.c_off, self.o_at
        recent = [0] * self.n_customers
        orders_90 = 0
        for c in range(self.n_customers):
            a, b = c_off[c], c_off[c + 1]
            if b > a:
                n = b - bisect.bisect_left(o_at, lo, a, b)
                recent[c] = n
                orders_90 += n
        target = 3.0 * self.buyers
        anchored = min(0.6, 0.5 * target / max(1.0, orders_90 * 3.5))
        lam = max(0.05, (target - anchored * orders_90 * 3.5) / max(1.0, self.buyers * 2.2))
        hour_cum, total = [], 0.0
        for w in HOURS:
            total += w
            hour_cum.append(total)
        sessions = []
        append = sessions.append
        exp_neg = math.exp(-lam)
        for c in range(self.n_customers):
            a, b = c_off[c], c_off[c + 1]
            if b == a:
                continue
            if recent[c]:
                for i in range(b - recent[c], b):
                    if rnd() < anchored:
                        start = o_at[i] - 7 * MINUTE - int(rnd() * 3 * MINUTE)
                        if start >= lo:
                            append((start << 26) | (1 << 24) | c)
            # Poisson(lam) browsing sessions after the customer existed.
            k, p = 0, rnd()
            while p > exp_neg:
                k += 1
                p *= rnd()
            first = max(lo, self.created[c])
            span_days = (end - 15 * MINUTE - first) // DAY
            for _ in range(k):
                if span_days <= 0:
                    break
                day = first // DAY + 1 + int(rnd() * span_days)
                hour = min(23, bisect.bisect_right(hour_cum, rnd() * total))
                start = day * DAY + hour * HOUR + int(rnd() * HOUR)
                if first <= start < end - 15 * MINUTE:
                    append((start << 26) | c)
        sessions.sort()
        unique = []
        for key in sessions:
            if not unique or unique[-1] != key:
                unique.append(key)
        self.sessions = unique
        # Checkouts (for abandoned-checkout): drawn once here, the same way as when written.
        checkouts = []
        for key in unique:
            for event in self.session_events(key, light=True):
                if event[2] == "Checkout Started":
                    checkouts.append((event[1], key & 0xFFFFFF, key))
        self.checkouts = checkouts
        log(f"  storefront: {len(unique):,} sessions ({anchored:.0%} of the {orders_90:,} recent orders follow one, "
            f"{lam:.2f} browsing sessions per buyer), {len(checkouts):,} checkouts started")

    def session_events(self, key, light=False):
        """The events of one session: (occurred, received, type, properties, product ids, message id), drawn from the
        session key alone so that they come out the same every time."""
        rng = random.Random(self.seed * 0x9E3779B97F4A7C15 ^ key)
        rnd = rng.random
        start = key >> 26
        anchored = (key >> 24) & 3
        t = start
        out = []
        products = self.products
        viewed = []
        views = (1 if rnd() < 0.55 else 2) if anchored else (1 if rnd() < 0.45 else (2 if rnd() < 0.64 else 3))
        for _ in range(views):
            p = self.pick_product(rnd)
            forms = products[p][4]
            v = int(rnd() * len(forms))
            viewed.append((p, v))
            out.append((t, "Product Viewed", p, v))
            t += 15_000 + int(rnd() * 75_000)
        cart = []
        if anchored or rnd() < 0.3:
            cart.append(viewed[-1] if anchored else viewed[int(rnd() * len(viewed))])
            if not anchored and len(viewed) > 1 and rnd() < 0.2:
                other = viewed[0]
                if other != cart[0]:
                    cart.append(other)
            for p, v in cart:
                out.append((t, "Product Added", p, v))
                t += 15_000 + int(rnd() * 75_000)
            if anchored or rnd() < 0.35:
                out.append((t, "Checkout Started", -1, -1))
        prefix = f"ajs-next-{rng.getrandbits(64):016x}{key:x}"
        cart_id = f"cart_{rng.getrandbits(48):012x}"
        checkout_id = f"chk_{rng.getrandbits(48):012x}"
        events = []
        for i, (at, kind, p, v) in enumerate(out):
            received = at + 80 + int(rnd() * 2_400)
            if received >= self.end:
                break
            if light:
                events.append((at, received, kind))
                continue
            if kind == "Checkout Started":
                items = [products[cp][4][cv] for cp, cv in cart]
                value = sum(price for _, _, price in items)
                props = (f'{{"cart_id":"{cart_id}","checkout_id":"{checkout_id}","currency":"USD","products":['
                         + ",".join(prefix_ + "}" for prefix_, _, _ in items)
                         + f'],"value":{value / 100}}}')
                ids = "[" + ",".join(f'"{products[cp][0]}"' for cp, _ in cart) + "]"
            else:
                base = products[p][4][v][0]
                props = base + "}" if kind == "Product Viewed" else f'{base},"cart_id":"{cart_id}"}}'
                ids = f'["{products[p][0]}"]'
            events.append((at, received, kind, props, ids, f"{prefix}{i}"))
        return events

    # ------------------------------------------------------------------------------------ allocation
    def allocate(self):
        """A switch-on day per flow: the last 31 days for every flow first, then back in time by weight."""
        hist, budget = self.hist, self.budget
        days = [0] * 7
        used = 0
        for d in range(PHASE1_DAYS):
            step = sum(hist[f][d] for f in range(7) if d < len(hist[f]))
            if used + step > budget:
                break
            used += step
            for f in range(7):
                if d < len(hist[f]):
                    days[f] = d + 1
        else:
            # Phase 2: the rest of the budget by weight, reassigned as flows reach their horizon.
            left = budget - used
            active = [f for f in range(7) if days[f] < len(hist[f])]
            while left > 0 and active:
                weight = sum(EXTRA_WEIGHT[f] for f in active)
                pool = left
                moved = False
                for f in list(active):
                    allowance = int(pool * EXTRA_WEIGHT[f] / weight)
                    while days[f] < len(hist[f]) and hist[f][days[f]] <= allowance and hist[f][days[f]] <= left:
                        allowance -= hist[f][days[f]]
                        left -= hist[f][days[f]]
                        days[f] += 1
                        moved = True
                    if days[f] >= len(hist[f]):
                        active.remove(f)
                if not moved:
                    # Give single days to whichever flow still fits, by weight order.
                    for f in sorted(active, key=lambda f: -EXTRA_WEIGHT[f]):
                        if days[f] < len(hist[f]) and hist[f][days[f]] <= left:
                            left -= hist[f][days[f]]
                            days[f] += 1
                            moved = True
                            break
                    if not moved:
                        break
        rng = self.rng(2)
        self.days = days
        # Switched on a few minutes to three hours into the first day, so no trigger of the day before counts.
        self.enabled_at = [self.end - days[f] * DAY + (5 + int(rng.random() * 175)) * MINUTE if days[f] else
                           self.end - 10 * MINUTE for f in range(7)]
        start = self.enabled_at[ABANDON]
        self.v2_at = (start + int((self.end - start) * 0.3)) // HOUR * HOUR if days[ABANDON] >= 2 else INF
        planned = sum(sum(hist[f][:days[f]]) for f in range(7))
        for f in range(7):
            log(f"  {FLOW_NAMES[f]:<19} on for {days[f]:>3} days (since "
                f"{dt.datetime.fromtimestamp(self.enabled_at[f] / 1000, dt.timezone.utc):%Y-%m-%d %H:%M}), "
                f"~{sum(hist[f][:days[f]]):,} runs")
        log(f"  ~{planned:,} runs planned of {budget:,}")

    # ------------------------------------------------------------------------------------------ runs
    def collect(self):
        """The runs to write, as sorted keys (start << 28 | flow << 25 | index into the flow's own arrays)."""
        end = self.end
        E = self.enabled_at
        keys = []
        append = keys.append
        # order-thank-you
        self.ty = array("q")
        ty_c = array("q")
        for oid, c, placed in self.db.execute(
                "SELECT id, customer_id, placed_at FROM orders WHERE store_id = ? AND is_placeholder = 0 "
                "AND customer_id IS NOT NULL AND placed_at >= ? AND placed_at < ? ORDER BY placed_at, id",
                (STORE, E[TY] - 10 * MINUTE, end)):
            start = placed + self.ingest_delay(oid)
            if E[TY] <= start < end:
                append((start << 28) | (TY << 25) | len(self.ty))
                self.ty.append(oid)
                ty_c.append(c)
        self.ty_c = ty_c
        # welcome-series: first orders
        self.welcome = array("q")
        self.welcome_c = array("q")
        c_off, o_at, o_id = self.c_off, self.o_at, self.o_id
        for c in range(self.n_customers):
            if c_off[c + 1] > c_off[c]:
                i = c_off[c]
                start = o_at[i] + self.ingest_delay(o_id[i])
                if E[WELCOME] <= start < end:
                    append((start << 28) | (WELCOME << 25) | len(self.welcome))
                    self.welcome.append(o_id[i])
                    self.welcome_c.append(c)
        # shipping-updates and cross-sell, from shipment milestones
        self.ship = array("q")
        self.ship_order = array("q")
        self.ship_c = array("q")
        self.ship_m = bytearray()
        self.cross = array("q")
        self.cross_order = array("q")
        self.cross_c = array("q")
        lo = min(E[SHIP], E[CROSS]) - 10 * MINUTE
        for sid, status, shipped, delivered, updated, oid, c in self.db.execute(
                "SELECT s.id, s.status, s.shipped_at, s.delivered_at, s.updated_at, o.id, o.customer_id "
                "FROM shipments s NOT INDEXED CROSS JOIN orders o ON o.store_id = s.store_id "
                "AND o.external_id = s.order_external_id AND o.is_placeholder = 0 "
                "WHERE s.store_id = ? AND o.customer_id IS NOT NULL AND (s.shipped_at >= ? OR s.updated_at >= ?)",
                (STORE, lo, lo)):
            delay = self.ingest_delay(sid)
            if shipped is not None:
                start = shipped + delay
                if E[SHIP] <= start < end:
                    append((start << 28) | (SHIP << 25) | len(self.ship))
                    self.ship.append(sid)
                    self.ship_order.append(oid)
                    self.ship_c.append(c)
                    self.ship_m.append(0)
            milestone = FINAL_MILESTONE.get(status)
            if milestone is not None:
                at = delivered if status == "delivered" else updated
                if at is None:
                    continue
                start = at + delay
                if E[SHIP] <= start < end:
                    append((start << 28) | (SHIP << 25) | len(self.ship))
                    self.ship.append(sid)
                    self.ship_order.append(oid)
                    self.ship_c.append(c)
                    self.ship_m.append(milestone)
                if status == "delivered" and E[CROSS] <= start < end:
                    append((start << 28) | (CROSS << 25) | len(self.cross))
                    self.cross.append(sid)
                    self.cross_order.append(oid)
                    self.cross_c.append(c)
        for i, (start, c, last) in enumerate(self.winback):
            if E[WINBACK] <= start < end:
                append((start << 28) | (WINBACK << 25) | i)
        for i, entry in enumerate(self.replenish):
            if E[REPLEN] <= entry[0] < end:
                append((entry[0] << 28) | (REPLEN << 25) | i)
        self.abandon_keys = set()
        for i, (received, c, key) in enumerate(self.checkouts):
            if E[ABANDON] <= received < end:
                append((received << 28) | (ABANDON << 25) | i)
                self.abandon_keys.add(key)
        keys.sort()
        if len(keys) > self.budget:  # histogram bins and start delays can differ by a few; the cap holds
            log(f"  trimming {len(keys) - self.budget:,} runs over the budget (oldest first)")
            keys = keys[len(keys) - self.budget:]
        self.keys = keys
        log(f"  {len(keys):,} runs to write")

    @staticmethod
    def ingest_delay(ref):
        """Webhook to run: a second to half a minute, the same for every flow started by one write."""
        return 800 + (ref * 2_654_435_761) % 29_000

    def lookup(self, table, ids, columns):
        found = {}
        ids = list(ids)
        for k in range(0, len(ids), 900):
            part = ids[k:k + 900]
            marks = ",".join("?" * len(part))
            for row in self.db.execute(f"SELECT id, {columns} FROM {table} WHERE id IN ({marks})", part):
                found[row[0]] = row[1:]
        return found

    # -------------------------------------------------------------------------------------- writing
    def insert(self, table, columns, rows):
        if not rows:
            return
        marks = ",".join("?" * len(columns))
        self.db.executemany(f"INSERT INTO {table} ({','.join(columns)}) VALUES ({marks})", rows)
        self.rows += len(rows)
        self.counts[table] = self.counts.get(table, 0) + len(rows)
        self.since_commit += len(rows)
        if self.since_commit >= 400_000:
            self.db.execute("COMMIT")
            self.db.execute("BEGIN")
            self.since_commit = 0

    def add(self, table, row):
        batch = self.batches[table]
        batch[1].append(row)
        if len(batch[1]) >= 20_000:
            self.insert(table, batch[0], batch[1])
            batch[1].clear()

    def flush_all(self):
        for table, (columns, rows) in self.batches.items():
            self.insert(table, columns, rows)
            rows.clear()

    def write(self):
        db = self.db
        for name, _ in self.indexes:
            db.execute(f"DROP INDEX {name}")
        self.batches = {
            "flow_runs": (("id", "store_id", "flow", "version", "customer_id", "trigger_key", "status", "step", "variant",
                           "held_out", "context", "exit_reason", "started_at", "next_at", "finished_at"), []),
            "messages": (("id", "store_id", "customer_id", "flow", "flow_run_id", "step", "variant", "campaign_id",
                          "template", "channel", "purpose", "topic", "context", "dedupe_key", "message_id", "status",
                          "send_at", "lease_owner", "lease_until", "attempts", "uncertain_sends", "recipient", "subject",
                          "reason", "last_error", "provider_response", "created_at", "updated_at", "sending_at",
                          "sent_at", "opened_at", "clicked_at", "unsubscribed_at"), []),
            "events": (("id", "store_id", "customer_id", "anonymous_id", "type", "message_id", "occurred_at",
                        "received_at", "source", "properties", "context", "product_ids"), []),
            "attributions": (("store_id", "order_id", "message_id", "flow", "campaign_id", "variant", "touch", "revenue",
                              "currency", "touched_at", "attributed_at"), []),
            "consents": (("store_id", "customer_id", "channel", "state", "source", "recorded_at"), []),
            "suppressions": (("store_id", "channel", "address", "reason", "source", "created_at"), []),
        }
        db.execute("BEGIN")
        self.write_flows()
        self.msg_heap = []
        self.event_heap = []
        self.seq = 0
        self.session_ptr = 0
        self.checkout_events = {}
        self.bounced = set()
        self.sms_dead = set()
        self.attributed_orders = set()
        self.stats = {"marketing_sent": 0, "attributed": 0}
        self.rng_msg = self.rng(10)
        self.rng_run = self.rng(11)
        self.write_campaigns()
        self.write_runs()
        self.flush_messages(INF)
        self.flush_events(INF)
        self.flush_all()
        db.execute("COMMIT")

    def write_flows(self):
        rows, versions = [], []
        for f, name in enumerate(FLOW_NAMES):
            at = self.enabled_at[f]
            current, updated = 1, at
            versions.append((STORE, name, 1, DEFINITIONS[name], at))
            if f == ABANDON and self.v2_at < self.end:
                versions.append((STORE, name, 2, abandoned_v2(), self.v2_at))
                current, updated = 2, self.v2_at
            rows.append((STORE, name, 1, current, at, updated))
        self.insert("flows", ("store_id", "name", "enabled", "current_version", "created_at", "updated_at"), rows)
        self.insert("flow_versions", ("store_id", "name", "version", "definition", "created_at"), versions)

    def push_message(self, created, payload):
        self.seq += 1
        heapq.heappush(self.msg_heap, (created, self.seq, payload))

    def push_event(self, received, row, checkout_key=None):
        self.seq += 1
        heapq.heappush(self.event_heap, (received, self.seq, row, checkout_key))

    def write_runs(self):
        keys = self.keys
        total = len(keys)
        rnd = self.rng_run.random
        end = self.end
        started = time.monotonic()
        rows_at_start = self.rows
        report = max(1, total // 20)
        mask = (1 << 25) - 1
        run_id = self.ids["flow_runs"]
        store_name = self.store_name
        done = 0

        def jitter():  # a resume job runs a moment after it is due
            return 40 + int(rnd() * 2_500)

        for chunk_start in range(0, total, 20_000):
            chunk = keys[chunk_start:chunk_start + 20_000]
            orders, ships = set(), set()
            for key in chunk:
                f, i = (key >> 25) & 7, key & mask
                if f == TY:
                    orders.add(self.ty[i])
                elif f == WELCOME:
                    orders.add(self.welcome[i])
                elif f == SHIP:
                    ships.add(self.ship[i])
                    orders.add(self.ship_order[i])
                elif f == CROSS:
                    ships.add(self.cross[i])
            order_info = self.lookup("orders", orders, "external_id, number")
            ship_info = self.lookup("shipments", ships, "external_id")
            for key in chunk:
                t0 = key >> 28
                f, i = (key >> 25) & 7, key & mask
                self.flush_messages(t0)
                self.flush_events(t0)
                run_id += 1
                version = 1
                sends = []  # (time, step index, channel, template, subject)
                if f == TY:
                    oid, c = self.ty[i], self.ty_c[i]
                    ext, number = order_info[oid]
                    trigger, context = f"order:{ext}", f'{{"orderId":{oid}}}'
                elif f == WELCOME:
                    oid, c = self.welcome[i], self.welcome_c[i]
                    ext, number = order_info[oid]
                    trigger, context = f"order:{ext}", f'{{"orderId":{oid}}}'
                elif f == SHIP:
                    sid, oid, c, m = self.ship[i], self.ship_order[i], self.ship_c[i], self.ship_m[i]
                    number = order_info[oid][1]
                    trigger = f"shipment:{ship_info[sid][0]}:{MILESTONES[m]}"
                    context = f'{{"milestone":"{MILESTONES[m]}","orderId":{oid},"shipmentId":{sid}}}'
                elif f == CROSS:
                    sid, oid, c = self.cross[i], self.cross_order[i], self.cross_c[i]
                    trigger = f"shipment:{ship_info[sid][0]}:delivered"
                    context = f'{{"milestone":"delivered","orderId":{oid},"shipmentId":{sid}}}'
                elif f == WINBACK:
                    _, c, last = self.winback[i]
                    trigger, context = f"lapsed:{last}", "{}"
                elif f == REPLEN:
                    _, c, p, last, typical = self.replenish[i]
                    ext = self.products[p][0]
                    trigger = f"replenish:{ext}:{last}"
                    context = dumps({"lastBoughtAt": last, "productExternalId": ext, "typicalDays": typical})
                else:
                    _, c, session = self.checkouts[i]
                    event_id, props, event_key = self.checkout_events.pop(session)
                    trigger = f"event:{event_key}"
                    context = f'{{"event":"Checkout Started","eventId":{event_id},"properties":{props}}}'
                    version = 2 if t0 >= self.v2_at else 1
                name = FLOW_NAMES[f]
                held = HOLDOUT[f] > 0 and unit_hash(f"{STORE}:{name}:{trigger}") < HOLDOUT[f]
                first = self.first_name[c]
                status, step, next_at, finished, reason = "completed", 0, None, None, None
                if held:
                    status = "held_out"
                elif f == TY:
                    sends.append((t0, 0, "email", "order-thank-you",
                                  f"Thank you for your order {number}" + (f", {first}" if first else "")))
                    step, finished = 1, t0
                elif f == SHIP:
                    sends.append((t0, 0, "email", "shipping-update", f"{HEADLINES[m]} ({number})" if number else HEADLINES[m]))
                    step, finished = 1, t0
                elif f == WELCOME:
                    status, step, next_at, finished, reason = self.welcome_run(c, t0, jitter, sends, first)
                elif f == WINBACK:
                    t1 = self.best_time(c, t0)
                    r1 = t1 + jitter()
                    if r1 >= end:
                        status, step, next_at = "waiting", 1, t1
                    else:
                        sends.append((r1, 1, "email", "win-back", "We miss you" + (f", {first}" if first else "")))
                        step, finished = 2, r1
                elif f == CROSS:
                    t1 = t0 + 3 * DAY
                    r1 = t1 + jitter()
                    if r1 >= end:
                        status, step, next_at = "waiting", 1, t1
                    elif self.ordered(c, t0, r1):
                        status, step, next_at, finished, reason = "exited", 1, t1, r1, "exit event Order Completed"
                    else:
                        t2 = self.best_time(c, r1)
                        r2 = t2 + jitter()
                        if r2 >= end:
                            status, step, next_at = "waiting", 2, t2
                        elif self.ordered(c, t0, r2):
                            status, step, next_at, finished, reason = "exited", 2, t2, r2, "exit event Order Completed"
                        else:
                            sends.append((r2, 2, "email", "cross-sell", f"Picked to go with your {store_name} order"))
                            step, finished = 3, r2
                elif f == REPLEN:
                    t1 = self.best_time(c, t0)
                    r1 = t1 + jitter()
                    if r1 >= end:
                        status, step, next_at = "waiting", 1, t1
                    elif self.ordered(c, t0, r1):
                        status, step, next_at, finished, reason = "exited", 1, t1, r1, "exit event Order Completed"
                    else:
                        sends.append((r1, 1, "email", "replenishment", f"Running low on {self.products[p][1]}?"))
                        step, finished = 2, r1
                else:
                    status, step, next_at, finished, reason = self.abandoned_run(c, t0, version, jitter, sends, first)
                self.add("flow_runs", (run_id, STORE, name, version, c, trigger, status, step, None, 1 if held else 0,
                                       context, reason, t0, next_at, finished))
                for at, index, channel, template, subject in sends:
                    self.push_message(at, (f, run_id, index, c, channel, template, context, subject, None, at))
                done += 1
                if done % report == 0:
                    elapsed = time.monotonic() - started
                    log(f"  runs {done:>10,} / {total:,}  {elapsed:7.1f} s  {done / elapsed:>8,.0f} runs/s  "
                        f"{(self.rows - rows_at_start) / elapsed:>8,.0f} rows/s written")
        self.ids["flow_runs"] = run_id

    def welcome_run(self, c, t0, jitter, sends, first):
        end = self.end
        t1 = t0 + DAY
        r1 = t1 + jitter()
        if r1 >= end:
            return "waiting", 1, t1, None, None
        t2 = next_local_hour(r1, 10, self.offset[c])
        r2 = t2 + jitter()
        if r2 >= end:
            return "waiting", 2, t2, None, None
        sends.append((r2, 2, "email", "welcome", f"Welcome to {self.store_name}" + (f", {first}" if first else "")))
        t3 = r2 + 4 * DAY
        r3 = t3 + jitter()
        if r3 >= end:
            return "waiting", 4, t3, None, None
        if self.ordered(c, t0, r3):
            return "exited", 5, t3, r3, "condition at step 4 not met"
        t4 = self.best_time(c, r3)
        r4 = t4 + jitter()
        if r4 >= end:
            return "waiting", 6, t4, None, None
        sends.append((r4, 6, "email", "welcome-favourites", f"What our customers love at {self.store_name}"))
        return "completed", 7, None, r4, None

    def abandoned_run(self, c, t0, version, jitter, sends, first):
        end = self.end
        t1 = t0 + HOUR
        r1 = t1 + jitter()
        if r1 >= end:
            return "waiting", 1, t1, None, None
        if self.ordered(c, t0, r1):
            return "exited", 1, t1, r1, "exit event Order Completed"
        subject = (f"{first}, your cart at {self.store_name} is waiting" if first
                   else f"Your cart at {self.store_name} is waiting")
        sends.append((r1, 1, "email", "abandoned-checkout", subject))
        if version == 1:
            return "completed", 2, None, r1, None
        t2 = r1 + DAY
        r2 = t2 + jitter()
        if r2 >= end:
            return "waiting", 3, t2, None, None
        if self.ordered(c, t0, r2):
            return "exited", 3, t2, r2, "exit event Order Completed"
        if self.sms_from[c] > r2:
            return "exited", 4, t2, r2, "condition at step 3 not met"
        sends.append((r2, 4, "sms", "abandoned-checkout", None))
        return "completed", 5, None, r2, None

    # ------------------------------------------------------------------------------------- campaigns
    def write_campaigns(self):
        rng = self.rng(3)
        rnd = rng.random
        end = self.end
        # 40 send dates over the last year, denser in November and December; the last three in the last month.
        dates = []
        day = 4
        while len(dates) < 40:
            at = end - day * DAY
            month = dt.datetime.fromtimestamp(at / 1000, dt.timezone.utc).month
            dates.append(at)
            day += (4 + int(rnd() * 4)) if month in (11, 12) else (7 + int(rnd() * 6))
        dates.sort()
        columns = ("id", "store_id", "name", "segment_id", "topic", "content", "status", "send_at", "per_hour",
                   "recipients", "created_at", "updated_at", "started_at", "finished_at")
        rows = []
        campaign_id = self.ids["campaigns"]
        used_names = {}
        for index, at in enumerate(dates):
            campaign_id += 1
            moment = dt.datetime.fromtimestamp(at / 1000, dt.timezone.utc)
            themes = CAMPAIGN_THEMES[moment.month]
            theme, subject, topic = themes[index % len(themes)]
            name = f"{theme} {moment.year}"
            used_names[name] = used_names.get(name, 0) + 1
            if used_names[name] > 1:
                name = f"{name} ({used_names[name]})"
            send_at = at // DAY * DAY + 14 * HOUR + int(rnd() * 4) * 15 * MINUTE
            recent = index >= len(dates) - 3
            segment = self.segment_ids[(index % 2) if len(self.segment_ids) > 1 else 0]
            per_hour = int(self.campaign_size * 0.4) if recent and index == len(dates) - 2 else None
            size = self.campaign_size if recent else max(1, int(self.campaign_size * (0.4 + 1.4 * rnd())))
            content = dumps({"body": f"{subject}. See what is new at {self.store_name} this week.",
                             "heading": theme, "subject": subject})
            created = send_at - (1 + int(rnd() * 4)) * DAY - int(rnd() * 8) * HOUR
            queue_ms = max(1, size // 1000) * 120
            finished = send_at + queue_ms + 500
            rows.append((campaign_id, STORE, name, segment, topic, content, "sent", send_at, per_hour, size, created,
                         finished, send_at, finished))
            if recent:
                self.campaign_messages(campaign_id, segment, topic, subject, send_at, per_hour, size, rng)
        self.insert("campaigns", columns, rows)
        self.ids["campaigns"] = campaign_id

    def campaign_messages(self, campaign_id, segment, topic, subject, started, per_hour, size, rng):
        """The segment's members as of the send: subscribers for the first segment, buyers for the others."""
        members = set()
        n = self.n_customers
        tries = 0
        email_ok = segment == self.segment_ids[0]
        while len(members) < size and tries < size * 20:
            tries += 1
            c = 1 + int(rng.random() * (n - 1))
            if not self.email[c] or self.created[c] > started:
                continue
            if email_ok and not (self.email_from[c] <= started < self.email_until[c]):
                continue
            members.add(c)
        context = f'{{"campaignId":{campaign_id}}}'
        for index, c in enumerate(sorted(members)):
            created = started + (index // 1000) * 120 + (index % 1000) // 10
            send_at = started + (index * HOUR // per_hour if per_hour else 0)
            self.push_message(created, (-1, campaign_id, None, c, "email", "campaign", context, subject, topic, send_at))

    # -------------------------------------------------------------------------------------- messages
    def flush_messages(self, until):
        heap = self.msg_heap
        while heap and heap[0][0] <= until:
            created, _, payload = heapq.heappop(heap)
            self.flush_events(created)
            self.emit_message(created, payload)

    def emit_message(self, created, payload):
        f, ref, index, c, channel, template, context, subject, campaign_topic, send_at = payload
        rng = self.rng_msg
        rnd = rng.random
        self.ids["messages"] += 1
        mid = self.ids["messages"]
        campaign = f < 0
        if campaign:
            flow, run, step, purpose, topic, campaign_id = None, None, None, "marketing", campaign_topic, ref
            dedupe = f"campaign:{campaign_id}:customer:{c}"
        else:
            flow, run, step, purpose, topic, campaign_id = FLOW_NAMES[f], ref, index, PURPOSE[f], TOPIC[f], None
            dedupe = f"{flow}:run:{run}:step:{index}"
        marketing = purpose == "marketing"
        # The delivery worker picks the message up a moment after it is due.
        at = max(send_at, created) + 150 + int(rnd() * 1_350)
        status = reason = last_error = response = recipient = sent_at = sending_at = None
        attempts = 0
        updated = at
        if at + 2_000 >= self.end:  # not picked up yet when the history ends
            status, updated = "queued", created
        elif channel == "email":
            address = self.email[c]
            if not address:
                status, reason = "suppressed", "no_email_address"
            elif address.lower() in self.bounced:
                status, reason = "suppressed", "suppressed_bounce"
            elif marketing and not (self.email_from[c] <= at < self.email_until[c]):
                status, reason = "suppressed", "no_marketing_consent"
            elif marketing and self.last_marketing_email[c] > at - EMAIL_CAP:
                status, reason = "suppressed", "frequency_cap"
            else:
                recipient = address
                u = rnd()
                if unit_hash(f"dead:{self.seed}:{c}") < DEAD_ADDRESS_SHARE:
                    sending_at, attempts = at, 1
                    updated = at + 200 + int(rnd() * 800)
                    status, reason = "failed", "rejected"
                    domain = address.split("@")[-1]
                    last_error = f"the relay refused the message at RCPT TO: 550 5.1.1 <{address}>: Recipient address rejected: User unknown in virtual mailbox table ({domain})"
                    self.bounced.add(address.lower())
                    self.add("suppressions", (STORE, "email", address.lower(), "bounce",
                                              "550 5.1.1 Recipient address rejected: User unknown", updated))
                elif u < EXHAUSTED_RATE and at + 13 * HOUR < self.end:
                    attempts = 8
                    sending_at = send_at = at + 6 * HOUR + int(rnd() * 6 * HOUR)  # the last retry
                    updated = sending_at + 30_000
                    status, reason = "failed", "attempts_exhausted"
                    last_error = "timed out waiting for the relay's greeting"
                else:
                    sending_at, attempts = at, 1
                    sent_at = at + 80 + int(rnd() * 820)
                    updated = sent_at
                    status = "sent"
                    response = f"250 2.0.0 Ok: queued as {rng.getrandbits(40):010X}"
                    if marketing:
                        self.last_marketing_email[c] = sent_at
        else:
            phone = self.phone[c]
            if not phone:
                status, reason = "suppressed", "no_phone_number"
            elif phone in self.sms_dead:
                status, reason = "suppressed", "suppressed_unreachable"
            elif marketing and self.sms_from[c] > at:
                status, reason = "suppressed", "no_sms_consent"
            elif marketing and self.last_marketing_sms[c] > at - SMS_CAP:
                status, reason = "suppressed", "frequency_cap"
            elif marketing and not QUIET_END <= ((at + self.offset[c]) % DAY) // HOUR < QUIET_START and \
                    next_local_hour(at, QUIET_END, self.offset[c]) + 3_000 >= self.end:
                # Quiet hours where the customer is, and the history ends before they are over: rescheduled.
                status, send_at, updated = "queued", next_local_hour(at, QUIET_END, self.offset[c]), at
                last_error = "quiet hours"
            else:
                local_hour = ((at + self.offset[c]) % DAY) // HOUR
                if marketing and (local_hour >= QUIET_START or local_hour < QUIET_END):
                    send_at = next_local_hour(at, QUIET_END, self.offset[c])  # quiet hours: rescheduled
                    at = send_at + 150 + int(rnd() * 1_350)
                recipient = phone
                sending_at, attempts = at, 1
                if rnd() < SMS_REJECT_RATE:
                    updated = at + 300 + int(rnd() * 700)
                    status, reason, last_error = "failed", "rejected", "21614: 'To' number is not a valid mobile number"
                    self.sms_dead.add(phone)
                    self.add("suppressions", (STORE, "sms", phone.lower(), "unreachable", last_error, updated))
                else:
                    sent_at = at + 200 + int(rnd() * 900)
                    updated = sent_at
                    status = "sent"
                    response = f"SM{rng.getrandbits(128):032x} queued"
                    if marketing:
                        self.last_marketing_sms[c] = sent_at
        engaged = (None, None, None)
        if status == "sent":
            engaged = self.engage(mid, f, c, channel, flow, campaign_id, marketing, sent_at)
        self.add("messages", (mid, STORE, c, flow, run, step, None, campaign_id, template, channel, purpose, topic,
                              context, dedupe, message_id_for(dedupe), status, send_at, None, None, attempts, 0,
                              recipient, subject if recipient else None, reason, last_error, response, created,
                              updated, sending_at, sent_at) + engaged)

    def engage(self, mid, f, c, channel, flow, campaign_id, marketing, sent):
        """Opens, clicks and unsubscribes as link tracking records them, and the order a message brought;
        returns when the message was opened, clicked and unsubscribed from (the message's own columns)."""
        rnd = self.rng_msg.random
        end = self.end
        origin = {"channel": channel, "messageId": mid}
        if flow:
            origin["flow"] = flow
        else:
            origin["campaignId"] = campaign_id
        if campaign_id:
            open_rate, click_rate = CAMPAIGN_OPEN, CAMPAIGN_CLICK
        else:
            open_rate, click_rate = OPEN_RATE[f], CLICK_PER_OPEN[f]
        opened = clicked = None
        if channel == "email" and rnd() < open_rate:
            opened = sent + int(min(7 * DAY, 5_000 + math.exp(rng_gauss(rnd) * 1.6 + math.log(90 * MINUTE))))
            if rnd() < click_rate:
                clicked = opened + 5_000 + int(rnd() * 10 * MINUTE)
        elif channel == "sms" and rnd() < SMS_CLICK:
            clicked = sent + 20_000 + int(rnd() * 3 * HOUR)
        if marketing:
            self.stats["marketing_sent"] += 1
            if self.stats["attributed"] < ATTRIBUTION_SHARE * self.stats["marketing_sent"]:
                touch = self.attribute(mid, c, flow, campaign_id, channel, sent)
                if touch:
                    kind, at = touch
                    if kind == "open":
                        opened, clicked = at, None
                    else:
                        clicked = at
                        if channel == "email" and (opened is None or opened > at):
                            opened = max(sent + 1_000, at - 5_000 - int(rnd() * 60_000))
        recorded = [None, None, None]
        if opened is not None and opened < end:
            recorded[0] = opened
            self.push_event(opened, (STORE, c, None, "Email Opened", f"email-open:{mid}", opened, opened, "patron",
                                     dumps(origin), "{}", "[]"))
        if clicked is not None and clicked < end:
            recorded[1] = clicked
            product = self.products[self.pick_product(rnd)]
            url = product[3] or f"https://shop.example.com/products/{product[0]}"
            url_hash = hashlib.sha256(url.encode()).digest()[:8].hex()
            kind = "Email Clicked" if channel == "email" else "SMS Clicked"
            self.push_event(clicked, (STORE, c, None, kind, f"click:{mid}:{url_hash}", clicked, clicked, "patron",
                                      dumps(dict(origin, url=url)), "{}", "[]"))
        if marketing and channel == "email" and rnd() < UNSUBSCRIBE_RATE:
            at = (opened or sent) + 20_000 + int(rnd() * HOUR)
            if at < end:
                recorded[2] = at
                self.push_event(at, (STORE, c, None, "Unsubscribed", f"unsubscribe:{mid}", at, at, "patron",
                                     dumps(origin), "{}", "[]"))
                self.add("consents", (STORE, c, "email", "unsubscribed", "unsubscribe link", at))
                if at < self.email_until[c]:
                    self.email_until[c] = at
        return tuple(recorded)

    def attribute(self, mid, c, flow, campaign_id, channel, sent):
        """The customer's next order within 5 days of the message, if there is one not yet attributed."""
        lo, hi = self.c_off[c], self.c_off[c + 1]
        o_at = self.o_at
        i = bisect.bisect_right(o_at, sent + 2_000, lo, hi)
        while i < hi and o_at[i] <= sent + CLICK_WINDOW and o_at[i] < self.end:
            if not self.o_cancel[i] and self.o_id[i] not in self.attributed_orders:
                break
            i += 1
        else:
            return None
        placed, oid = o_at[i], self.o_id[i]
        rnd = self.rng_msg.random
        if channel == "email" and placed - sent <= OPEN_WINDOW and rnd() < 0.55:
            kind, lo_t = "open", max(sent + 1_000, placed - OPEN_WINDOW)
        else:
            kind, lo_t = "click", sent + 1_000
        if placed - lo_t < 2_000:
            return None
        at = lo_t + int(rnd() * (placed - lo_t - 1_000))
        total, currency = self.db.execute("SELECT total, currency FROM orders WHERE id = ?", (oid,)).fetchone()
        self.attributed_orders.add(oid)
        self.stats["attributed"] += 1
        self.add("attributions", (STORE, oid, mid, flow, campaign_id, None, kind, total, currency, at,
                                  placed + self.ingest_delay(oid)))
        return kind, at

    # ---------------------------------------------------------------------------------------- events
    def flush_events(self, until):
        heap = self.event_heap
        sessions = self.sessions
        while self.session_ptr < len(sessions) and (sessions[self.session_ptr] >> 26) <= until:
            key = sessions[self.session_ptr]
            self.session_ptr += 1
            c = key & 0xFFFFFF
            for at, received, kind, props, ids, msgid in self.session_events(key):
                checkout = key if kind == "Checkout Started" and key in self.abandon_keys else None
                self.push_event(received, (STORE, c, None, kind, msgid, at, received, "segment", props,
                                           '{"library":{"name":"analytics.js","version":"next-1.70.0"}}', ids), checkout)
        while heap and heap[0][0] <= until:
            _, _, row, checkout = heapq.heappop(heap)
            self.ids["events"] += 1
            self.add("events", (self.ids["events"],) + row)
            if checkout is not None:
                self.checkout_events[checkout] = (self.ids["events"], row[8], row[4])

    # ----------------------------------------------------------------------------------------- finish
    def rebuild_indexes(self):
        for name, sql in self.indexes:
            started = time.monotonic()
            self.db.execute(sql)
            log(f"  index {name}: {time.monotonic() - started:.1f} s")

    def finish(self):
        db = self.db
        db.execute("PRAGMA analysis_limit=1000")
        db.execute("PRAGMA optimize=0x10002")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def run(self):
        total_started = time.monotonic()

        def stage(name, function):
            started = time.monotonic()
            rows_before = self.rows
            log(f"{name} ...")
            function()
            seconds = time.monotonic() - started
            self.timings[name] = round(seconds, 2)
            added = self.rows - rows_before
            rate = f", {added / seconds:,.0f} rows/s" if added and seconds > 0 else ""
            log(f"{name}: {seconds:.1f} s" + (f", {added:,} rows{rate}" if added else ""))

        stage("setup", self.open)
        stage("customers", self.load_customers)
        stage("orders", self.load_orders)
        stage("catalog", self.load_catalog)
        stage("triggers", self.candidates)
        stage("allocation", self.allocate)
        stage("collect", self.collect)
        stage("write", self.write)
        stage("indexes", self.rebuild_indexes)
        stage("optimize", self.finish)
        seconds = time.monotonic() - total_started
        db = self.db
        summary = {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                   for t in ("flows", "flow_versions", "flow_runs", "messages", "events", "attributions", "campaigns",
                             "consents", "suppressions")}
        by_status = dict(db.execute("SELECT status, COUNT(*) FROM messages GROUP BY status ORDER BY status").fetchall())
        by_channel = dict(db.execute("SELECT channel, COUNT(*) FROM messages GROUP BY channel").fetchall())
        by_reason = dict(db.execute("SELECT reason, COUNT(*) FROM messages WHERE reason IS NOT NULL GROUP BY reason "
                                    "ORDER BY 2 DESC").fetchall())
        by_type = dict(db.execute("SELECT type, COUNT(*) FROM events GROUP BY type ORDER BY 2 DESC").fetchall())
        runs = {}
        for flow, status, n in db.execute("SELECT flow, status, COUNT(*) FROM flow_runs GROUP BY flow, status"):
            runs.setdefault(flow, {})[status] = n
        size = sum(os.path.getsize(self.args.database + s) for s in ("", "-wal") if os.path.exists(self.args.database + s))
        meta = {
            "seed": self.seed, "scale": self.scale, "max_runs": self.budget, "end": self.end,
            "flows": {FLOW_NAMES[f]: {"enabled_at": self.enabled_at[f], "days": self.days[f]} for f in range(7)},
            "rows": summary, "rows_added": self.counts, "rows_added_total": self.rows, "runs": runs,
            "messages": {"status": by_status, "channel": by_channel, "reason": by_reason}, "events": by_type,
            "seconds": round(seconds, 1), "stages": self.timings, "rows_per_second": round(self.rows / seconds),
            "bytes": size, "python": sys.version.split()[0], "sqlite": sqlite3.sqlite_version,
        }
        with open(self.args.database + ".engagement.json", "w") as handle:
            json.dump(meta, handle, indent=2)
            handle.write("\n")
        db.close()
        log(f"done: {self.rows:,} rows added in {seconds:.1f} s ({self.rows / seconds:,.0f} rows/s), database now "
            f"{size / 2**30:.2f} GiB")
        log("rows: " + ", ".join(f"{t} {n:,}" for t, n in summary.items()))
        for flow in FLOW_NAMES:
            parts = ", ".join(f"{s} {n:,}" for s, n in sorted(runs.get(flow, {}).items()))
            log(f"  {flow:<19} {parts}")
        log("messages: " + ", ".join(f"{s} {n:,}" for s, n in by_status.items()) + "; "
            + ", ".join(f"{s} {n:,}" for s, n in by_channel.items()))
        log("  reasons: " + ", ".join(f"{s} {n:,}" for s, n in by_reason.items()))
        log("events: " + ", ".join(f"{s} {n:,}" for s, n in by_type.items()))
        log(f"meta in {self.args.database}.engagement.json")


def rng_gauss(rnd):
    """A standard normal draw from uniform draws (Box-Muller), so every draw comes from the one generator."""
    u = rnd() or 1e-12
    return math.sqrt(-2.0 * math.log(u)) * math.cos(2.0 * math.pi * rnd())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database", help="SQLite file made by generate.py")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=float,
                        help="size relative to the full benchmark (3,000,000 runs, 50,000 messages per recent "
                             "campaign); default: the store's orders / 10,000,000")
    parser.add_argument("--max-runs", type=int, help="run budget (default 3,000,000 x scale)")
    parser.add_argument("--end", help="end of the history, yyyy-mm-dd UTC (default: from DB.meta.json, else the day "
                                      "after the last order)")
    args = parser.parse_args()
    if args.scale is not None and args.scale <= 0:
        parser.error("--scale must be positive")
    Engagement(args).run()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""A large synthetic store for the dashboard benchmark, written straight into a Patron SQLite database.

    python3 benchmarks/dashboard/generate.py /tmp/bench-dashboard/patron.sqlite \
        --patron .build/release/patron [--customers 1000000] [--orders 10000000] [--end 2026-11-23]

What it does:

1. `patron migrate` and `patron stores create --json` on a new file, so the schema, the store row and
   its API keys are Patron's own. The keys go to DB.keys.json (mode 600); run.sh reads the secret key
   there.
2. Drops the secondary indexes of the tables it fills, loads them with `executemany` in large
   transactions (WAL, synchronous=OFF), and recreates the same indexes from their stored SQL.
3. Writes DB.meta.json: seed, parameters, row counts, timings and a few customer ids worth looking at
   (the heaviest buyer, a typical one).

The store (all amounts USD minor units, all times epoch milliseconds):

- ~2,000 products (about 5 % digital: gift cards and downloads, which need no shipment) with 1-4
  variants each, popularity Zipf-like.
- N customers: ~6 % never ordered; of the buyers ~60 % place 1-3 orders and the rest follow a
  log-normal tail scaled so the store has exactly M orders (heaviest capped at --max-orders).
  Acquisitions grow ~50 % a year over --years years ending at --end, with a November/December peak,
  Black Friday-Cyber Monday, weekday and hour-of-day patterns; repeat orders follow the same season.
- Email consent: ~60 % currently subscribed, ~8 % subscribed then unsubscribed; SMS for some phones.
- Orders with one (65 %) or two lines; a customer often re-buys their last product. ~2 % cancelled
  (voided), discount codes on ~15 %, free shipping over $75, 8 % tax split over the lines.
- Shipments for shipped physical orders (digital-only orders and orders placed in the last hours
  have none); recent ones still in transit; ~1 % failed, ~0.5 % returned.
- Refunds on ~3 % of delivered orders and most failed deliveries, with the order's financial status.
- Three saved segments (rules from docs/segments.md), so a refresh fills `segment_members`.

Deterministic: the same --seed, sizes and --end give the same rows (store keys and the store's
created_at come from `patron stores create` and differ).
"""

import argparse
import bisect
import datetime as dt
import json
import math
import os
import random
import sqlite3
import subprocess
import sys
import time
from array import array

DAY = 86_400
STORE = 1

# Tables this script fills; their secondary indexes are dropped during the load and rebuilt after.
LOADED_TABLES = ("products", "variants", "customers", "consents", "orders", "order_lines", "shipments", "refunds", "segments")

FIRST_NAMES = [
    ("James", 33), ("Mary", 30), ("John", 32), ("Patricia", 20), ("Robert", 31), ("Jennifer", 25), ("Michael", 33),
    ("Linda", 20), ("William", 25), ("Elizabeth", 20), ("David", 31), ("Barbara", 15), ("Richard", 20), ("Susan", 15),
    ("Joseph", 20), ("Jessica", 20), ("Thomas", 20), ("Sarah", 20), ("Charles", 15), ("Karen", 12), ("Daniel", 18),
    ("Emily", 16), ("Matthew", 17), ("Emma", 15), ("Anthony", 12), ("Olivia", 14), ("Mark", 12), ("Sophia", 12),
    ("Paul", 10), ("Ava", 10), ("Steven", 10), ("Isabella", 10), ("Andrew", 12), ("Mia", 9), ("Joshua", 11),
    ("Charlotte", 9), ("Kevin", 9), ("Amelia", 8), ("Brian", 9), ("Harper", 6), ("George", 8), ("Evelyn", 6),
    ("Timothy", 7), ("Abigail", 7), ("Ryan", 9), ("Ella", 6), ("Jacob", 9), ("Grace", 7), ("Nicholas", 8),
    ("Chloe", 6), ("Eric", 7), ("Zoe", 5), ("Jonathan", 7), ("Lily", 6), ("Noah", 8), ("Hannah", 7), ("Liam", 8),
    ("Lucy", 5), ("Oliver", 8), ("Anna", 7), ("Lukas", 4), ("Lea", 4), ("Hugo", 4), ("Chloé", 3), ("Sven", 2),
    ("Ingrid", 2), ("Mateo", 4), ("Sofía", 4), ("Aarav", 3), ("Priya", 3), ("Wei", 3), ("Mei", 3), ("Yuki", 2),
    ("Hiroshi", 2), ("Fatima", 3), ("Omar", 3), ("Chinedu", 2), ("Amara", 2), ("Siobhan", 2), ("Niamh", 2),
]
LAST_NAMES = [
    ("Smith", 100), ("Johnson", 80), ("Williams", 70), ("Brown", 65), ("Jones", 63), ("Garcia", 55), ("Miller", 55),
    ("Davis", 50), ("Rodriguez", 45), ("Martinez", 44), ("Hernandez", 42), ("Lopez", 40), ("Gonzalez", 38),
    ("Wilson", 38), ("Anderson", 36), ("Thomas", 35), ("Taylor", 35), ("Moore", 33), ("Jackson", 33), ("Martin", 32),
    ("Lee", 32), ("Perez", 30), ("Thompson", 30), ("White", 30), ("Harris", 28), ("Sanchez", 28), ("Clark", 27),
    ("Ramirez", 26), ("Lewis", 26), ("Robinson", 26), ("Walker", 25), ("Young", 24), ("Allen", 24), ("King", 24),
    ("Wright", 24), ("Scott", 23), ("Torres", 22), ("Nguyen", 22), ("Hill", 22), ("Flores", 22), ("Green", 22),
    ("Adams", 21), ("Nelson", 21), ("Baker", 21), ("Hall", 20), ("Rivera", 20), ("Campbell", 20), ("Mitchell", 20),
    ("Carter", 20), ("Roberts", 20), ("Evans", 18), ("Turner", 18), ("Phillips", 17), ("Parker", 17), ("Collins", 16),
    ("Edwards", 16), ("Stewart", 16), ("Morris", 16), ("Murphy", 16), ("Cook", 15), ("Rogers", 15), ("Morgan", 15),
    ("Cooper", 15), ("Peterson", 14), ("Reed", 14), ("Bailey", 14), ("Bell", 14), ("Kelly", 14), ("Howard", 13),
    ("Ward", 13), ("Cox", 13), ("Richardson", 13), ("Wood", 13), ("Watson", 12), ("Brooks", 12), ("Bennett", 12),
    ("Gray", 12), ("James", 12), ("Hughes", 12), ("Price", 11), ("Sanders", 11), ("Myers", 11), ("Long", 11),
    ("Foster", 11), ("Powell", 11), ("Jenkins", 11), ("Perry", 10), ("Russell", 10), ("Sullivan", 10), ("Fisher", 10),
    ("Goldsmith", 3), ("Smithson", 2), ("Müller", 10), ("Schmidt", 9), ("Schneider", 7), ("Fischer", 6),
    ("Dubois", 5), ("Bernard", 5), ("Moreau", 4), ("Rossi", 5), ("Russo", 4), ("Jansen", 5), ("de Vries", 4),
    ("O'Brien", 6), ("O'Connor", 5), ("MacDonald", 5), ("Kim", 10), ("Park", 8), ("Chen", 10), ("Wang", 10),
    ("Li", 9), ("Zhang", 8), ("Singh", 9), ("Patel", 10), ("Khan", 7), ("Tanaka", 4), ("Suzuki", 4), ("Okafor", 3),
]
# (code, weight, time zone, phone prefix, provinces/cities)
COUNTRIES = [
    ("US", 55, "America/New_York", "+1555", [("New York", "NY", "10001"), ("Los Angeles", "CA", "90012"),
                                                ("Chicago", "IL", "60601"), ("Austin", "TX", "73301"),
                                                ("Seattle", "WA", "98101"), ("Denver", "CO", "80202")]),
    ("GB", 12, "Europe/London", "+447700", [("London", None, "EC1A 1BB"), ("Manchester", None, "M1 1AE"),
                                             ("Leeds", None, "LS1 1UR")]),
    ("CA", 8, "America/Toronto", "+1555", [("Toronto", "ON", "M5H 2N2"), ("Vancouver", "BC", "V6B 1A1")]),
    ("DE", 6, "Europe/Berlin", "+4915550", [("Berlin", None, "10115"), ("Hamburg", None, "20095"),
                                             ("München", None, "80331")]),
    ("AU", 5, "Australia/Sydney", "+61491570", [("Sydney", "NSW", "2000"), ("Melbourne", "VIC", "3000")]),
    ("FR", 4, "Europe/Paris", "+3375555", [("Paris", None, "75001"), ("Lyon", None, "69001")]),
    ("NL", 3, "Europe/Amsterdam", "+3161555", [("Amsterdam", None, "1012 AB"), ("Utrecht", None, "3511 AA")]),
    ("IE", 2, "Europe/Dublin", "+353855", [("Dublin", None, "D02 X285")]),
    ("SE", 2, "Europe/Stockholm", "+46701740", [("Stockholm", None, "111 22")]),
    ("JP", 3, "Asia/Tokyo", "+8190555", [("Tokyo", None, "100-0001"), ("Osaka", None, "530-0001")]),
]
STREETS = ["Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "High Street", "Station Road", "Park Avenue", "Elm St",
           "Hauptstraße", "Rue de la Paix", "Church Road", "Lake View Rd", "Sunset Blvd", "Mill Lane"]
EMAIL_DOMAINS = [("example.com", 40), ("example.net", 25), ("example.org", 15), ("mail.example.com", 12),
                 ("inbox.example.net", 8)]
CHANNELS = [("organic_search", 30), ("paid_social", 20), ("paid_search", 15), ("email", 8), ("referral", 10),
            ("direct", 17)]
DISCOUNT_CODES = [("WELCOME10", 10), ("SPRING15", 15), ("SUMMER20", 20), ("VIP15", 15), ("BFCM25", 25),
                  ("FREESHIP", 0), ("THANKYOU10", 10)]
CARRIERS = [("USPS", 35, "https://tools.usps.com/go/TrackConfirmAction?tLabels="),
            ("UPS", 25, "https://www.ups.com/track?tracknum="),
            ("FedEx", 20, "https://www.fedex.com/fedextrack/?trknbr="),
            ("DHL", 20, "https://www.dhl.com/en/express/tracking.html?AWB=")]
REFUND_REASONS = ["damaged in transit", "wrong size", "changed mind", "not as described", "arrived late"]

CATEGORIES = [
    # (category, product types, weight, price median in cents, digital)
    ("Apparel", ["T-Shirt", "Hoodie", "Socks", "Jacket", "Cap"], 22, 3500, False),
    ("Home", ["Candle", "Throw Blanket", "Vase", "Cushion", "Frame"], 18, 4200, False),
    ("Kitchen", ["Mug", "Knife", "Cutting Board", "Pan", "Knife Sharpener"], 15, 3800, False),
    ("Beauty", ["Face Cream", "Shampoo", "Lip Balm", "Serum", "Soap"], 14, 2400, False),
    ("Pantry", ["Coffee Beans", "Tea", "Olive Oil", "Granola", "Hot Sauce"], 12, 1600, False),
    ("Outdoor", ["Water Bottle", "Backpack", "Camping Mug", "Headlamp"], 8, 5200, False),
    ("Accessories", ["Tote Bag", "Wallet", "Keyring", "Sunglasses"], 6, 2900, False),
    ("Digital", ["Gift Card", "E-Book", "Online Class"], 5, 2500, True),
]
ADJECTIVES = ["Organic", "Classic", "Everyday", "Heritage", "Nordic", "Recycled", "Essential", "Handmade", "Premium",
              "Coastal", "Alpine", "Urban", "Vintage", "Soft", "Bold", "Little", "Grand", "Daily", "Wild", "Golden"]
MATERIALS = ["Cotton", "Linen", "Ceramic", "Oak", "Wool", "Bamboo", "Steel", "Leather", "Lavender", "Citrus",
             "Cedar", "Stoneware", "Copper", "Hemp", "Merino", "Walnut", "Vanilla", "Sea Salt", "Rose", "Mint"]
SIZES = ["XS", "S", "M", "L", "XL"]
COLOURS = ["Black", "White", "Navy", "Sand", "Olive", "Rust"]
VENDORS = ["Northwind Goods", "Fjord & Co", "Maple Works", "Kiln House", "Sprout Labs", "Trailhead Supply",
           "Brightside Studio", "Harbor Provisions"]

# Seasonality: month factors (Jan..Dec), weekday factors (Mon..Sun), hour of day (UTC) weights.
MONTH = [0.85, 0.82, 0.95, 0.97, 1.0, 0.95, 0.9, 0.95, 1.0, 1.05, 1.35, 1.55]
WEEKDAY = [1.05, 1.0, 1.0, 1.0, 0.95, 0.85, 1.1]
HOURS = [2.0, 1.6, 1.2, 0.8, 0.5, 0.4, 0.4, 0.5, 0.8, 1.2, 1.6, 2.0, 2.4, 2.6, 2.8, 3.0, 3.0, 3.1, 3.2, 3.4, 3.5, 3.4,
         3.0, 2.5]


def cumulative(weights):
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def picker(rng, items):
    """A fast weighted choice over (value, weight, ...) tuples: returns a function of no arguments."""
    cum = cumulative([item[1] for item in items])
    top = cum[-1]
    values = [item[0] for item in items]
    rnd, bis = rng.random, bisect.bisect_right
    return lambda: values[bis(cum, rnd() * top)]


def black_friday(year):
    november_first = dt.date(year, 11, 1)
    first_thursday = 1 + (3 - november_first.weekday()) % 7
    return dt.date(year, 11, first_thursday + 21 + 1)


def log(message):
    print(message, flush=True)


class Generator:
    def __init__(self, args):
        self.args = args
        self.seed = args.seed
        end = dt.datetime.strptime(args.end, "%Y-%m-%d").replace(tzinfo=dt.timezone.utc) if args.end else None
        if end is None:
            today = dt.datetime.now(dt.timezone.utc).date()
            end = dt.datetime(today.year, today.month, today.day, tzinfo=dt.timezone.utc)
        self.end_date = end
        self.end_epoch = int(end.timestamp())
        self.days = int(round(args.years * 365))
        self.start_epoch = self.end_epoch - self.days * DAY
        self.window = self.days * DAY
        self.rows = 0
        self.counts = {}
        self.timings = {}

    def rng(self, stream):
        return random.Random(self.seed * 1_000_003 + stream)

    # ----------------------------------------------------------------------------------------- calendar
    def build_calendar(self):
        season, acquisition = [], []
        bf_days = set()
        start_date = dt.datetime.fromtimestamp(self.start_epoch, dt.timezone.utc).date()
        for year in range(start_date.year, self.end_date.year + 1):
            friday = black_friday(year)
            for offset in range(-1, 4):  # Thursday evening to Cyber Monday
                bf_days.add(friday + dt.timedelta(days=offset))
        for d in range(self.days):
            date = start_date + dt.timedelta(days=d)
            factor = MONTH[date.month - 1] * WEEKDAY[date.weekday()]
            if date in bf_days:
                factor *= 2.4
            elif date.month == 12 and date.day <= 20:
                factor *= 1.15
            elif date.month == 12 and date.day >= 25:
                factor *= 0.8
            season.append(factor)
            growth = self.args.growth ** (d / 365.0)  # new customers per day grow by this factor a year
            acquisition.append(factor * growth)
        self.season_cum = cumulative(season)
        self.acq_cum = cumulative(acquisition)
        self.hour_cum = cumulative(HOURS)

    def sample_time(self, rnd, cum, first_day, last_day):
        """A time (seconds since the window start) with the day drawn from `cum` between first_day and
        last_day inclusive, and the hour from the hour-of-day curve."""
        low = cum[first_day - 1] if first_day > 0 else 0.0
        high = cum[last_day]
        day = bisect.bisect_right(cum, low + rnd() * (high - low), first_day, last_day)
        hour = bisect.bisect_right(self.hour_cum, rnd() * self.hour_cum[-1])
        if hour > 23:
            hour = 23
        return day * DAY + hour * 3600 + int(rnd() * 3600)

    # ------------------------------------------------------------------------------------------ schema
    def open(self):
        path = self.args.database
        if os.path.exists(path):
            if not self.args.force:
                sys.exit(f"{path} exists; pass --force to replace it")
            for suffix in ("", "-wal", "-shm", ".keys.json", ".meta.json"):
                if os.path.exists(path + suffix):
                    os.remove(path + suffix)
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        patron = self.args.patron
        subprocess.run([patron, "migrate", "--database", path], check=True, stdout=subprocess.DEVNULL)
        created = subprocess.run(
            [patron, "stores", "create", "--database", path, "--name", self.args.store_name,
             "--from-email", "shop@bench.example.com", "--json"],
            check=True, capture_output=True, text=True)
        keys = json.loads(created.stdout)
        if keys.get("id") != STORE:
            sys.exit(f"expected store id {STORE}, got {keys.get('id')}")
        keys_path = path + ".keys.json"
        with open(os.open(keys_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as handle:
            json.dump(keys, handle)
            handle.write("\n")
        log(f"migrated and created store {keys['id']} with `{patron}`; keys in {keys_path}")

        db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=OFF")
        db.execute("PRAGMA cache_size=-1048576")  # 1 GiB
        db.execute("PRAGMA temp_store=MEMORY")
        db.execute("PRAGMA foreign_keys=OFF")
        for table in LOADED_TABLES:
            if db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]:
                sys.exit(f"{table} is not empty")
        placeholders = ",".join("?" * len(LOADED_TABLES))
        self.indexes = db.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({placeholders})",
            LOADED_TABLES).fetchall()
        for name, _ in self.indexes:
            db.execute(f"DROP INDEX {name}")
        self.db = db

    def insert(self, table, columns, rows):
        if not rows:
            return
        marks = ",".join("?" * len(columns))
        self.db.executemany(f"INSERT INTO {table} ({','.join(columns)}) VALUES ({marks})", rows)
        self.rows += len(rows)
        self.counts[table] = self.counts.get(table, 0) + len(rows)

    # ----------------------------------------------------------------------------------------- catalog
    def catalog(self):
        rng = self.rng(1)
        rnd = rng.random
        count = self.args.products
        width = max(5, len(str(count)))
        category_pick = picker(rng, [(c, c[2]) for c in CATEGORIES])
        products, variants = [], []
        self.variant_of = []  # per product: list of (variant external id, sku, title, price)
        self.product_ext = []
        self.product_digital = []
        self.product_category = []
        created_base = (self.start_epoch - 200 * DAY) * 1000
        updated = (self.end_epoch - 3 * DAY) * 1000
        variant_id = 0
        for p in range(count):
            category, types, _, median, digital = category_pick()
            product_type = rng.choice(types)
            title = f"{rng.choice(ADJECTIVES)} {rng.choice(MATERIALS)} {product_type}"
            ext = f"prod_{p + 1:0{width}d}"
            handle = title.lower().replace(" ", "-").replace("&", "and") + f"-{p + 1}"
            status = "active" if rnd() < 0.95 else ("archived" if rnd() < 0.6 else "draft")
            tags = [category.lower()]
            if rnd() < 0.2:
                tags.append("bestseller")
            if rnd() < 0.1:
                tags.append("gift")
            created = created_base + int(rnd() * (self.window + 200 * DAY) * 0.9) * 1000
            products.append((p + 1, STORE, ext, title, f"{title} by {rng.choice(VENDORS)}.", category, product_type,
                             rng.choice(VENDORS), f"https://shop.bench.example.com/products/{handle}",
                             f"https://cdn.bench.example.com/img/{ext}.jpg", status, json.dumps(tags), "USD",
                             created, updated, updated))
            price = max(300, int(math.exp(rng.gauss(math.log(median), 0.55)) / 100) * 100 + 95)
            kinds = 1
            if category == "Apparel":
                kinds = rng.choice([3, 4, 4, 5])
            elif not digital and rnd() < 0.3:
                kinds = rng.choice([2, 3])
            own = []
            for v in range(kinds):
                variant_id += 1
                if kinds == 1:
                    options, vtitle = "{}", "Default Title"
                elif category == "Apparel":
                    size = SIZES[v % len(SIZES)]
                    colour = COLOURS[(p + v // len(SIZES)) % len(COLOURS)]
                    options, vtitle = json.dumps({"Size": size, "Color": colour}, ensure_ascii=False), f"{size} / {colour}"
                else:
                    colour = COLOURS[(p + v) % len(COLOURS)]
                    options, vtitle = json.dumps({"Color": colour}), colour
                vext = f"var_{p + 1:0{width}d}_{v + 1}"
                sku = f"SKU-{p + 1:0{width}d}-{v + 1}"
                vprice = price + (500 if category == "Apparel" and v >= 3 else 0)
                compare = vprice + int(vprice * 0.25) if rnd() < 0.15 else None
                stock = None if digital else (0 if rnd() < 0.05 else int(rnd() * 400))
                variants.append((variant_id, STORE, p + 1, vext, sku, vtitle, options, vprice, compare, stock,
                                 f"https://cdn.bench.example.com/img/{ext}-{v + 1}.jpg", v, updated))
                own.append((vext, sku, title if vtitle == "Default Title" else f"{title} - {vtitle}", vprice))
            self.variant_of.append(own)
            self.product_ext.append(ext)
            self.product_digital.append(digital)
            self.product_category.append(category)
        self.insert("products", ("id", "store_id", "external_id", "title", "description", "category", "product_type",
                                 "vendor", "url", "image_url", "status", "tags", "currency", "created_at",
                                 "updated_at", "source_updated_at"), products)
        self.insert("variants", ("id", "store_id", "product_id", "external_id", "sku", "title", "options", "price",
                                 "compare_at_price", "stock", "image_url", "position", "updated_at"), variants)
        # Popularity: Zipf over a random ranking of the products (s = 1.05), digital ones rarer.
        ranking = list(range(count))
        rng.shuffle(ranking)
        weights = [0.0] * count
        for rank, p in enumerate(ranking):
            weights[p] = (1.0 / (rank + 1) ** 1.05) * (0.35 if self.product_digital[p] else 1.0)
        self.product_cum = cumulative(weights)

    # -------------------------------------------------------------------------------------- purchases
    def plan(self):
        """Orders per customer, acquisition and order times: the whole order log in memory as a sorted
        list of keys (seconds since the window start << bits | customer index).

        Every customer is acquired first (growth and season); buyers then get their order counts: ~62 %
        one to three, the rest a log-normal tail scaled so the store has exactly M orders. Tail counts go
        preferentially to customers who have been around longer (matched on log of their days so far
        plus noise), as in a real store where the heaviest buyers are mostly old customers; that keeps
        the order volume growing with the customer base instead of piling up in the last months."""
        rng = self.rng(2)
        rnd = rng.random
        n, m = self.args.customers, self.args.orders
        cap = self.args.max_orders
        days = self.days
        acq_cum, season_cum = self.acq_cum, self.season_cum
        sample = self.sample_time
        counts = array("i", [0]) * n
        acquired = array("q", [0]) * n
        for i in range(n):
            acquired[i] = sample(rnd, acq_cum, 0, days - 1)
        buyers = [i for i in range(n) if rnd() >= self.args.no_order_share]
        if len(buyers) > m:
            buyers = buyers[:m]
        light_cum = cumulative([0.55, 0.28, 0.17])
        tail = []
        light_total = 0
        for i in buyers:
            if rnd() < self.args.light_share:
                k = 1 + bisect.bisect_right(light_cum, rnd())
                counts[i] = k
                light_total += k
            else:
                tail.append(i)
        budget = m - light_total - 4 * len(tail)
        if tail and budget < 0:
            sys.exit("too few orders for this many customers: lower --light-share or raise --orders")
        if not tail and budget != 0:
            sys.exit("the order count cannot be reached with these shares")
        if tail:
            raw = [math.exp(rng.gauss(0.0, self.args.tail_sigma)) for _ in tail]
            # Scale so that sum(min(cap - 4, scale * raw)) == budget (bisection; capping loses mass).
            low, high = 0.0, budget / min(raw) + 1.0
            room = cap - 4
            for _ in range(100):
                mid = (low + high) / 2
                if sum(min(room, mid * r) for r in raw) < budget:
                    low = mid
                else:
                    high = mid
            tail_counts = [4 + min(room, int(high * r + rnd())) for r in raw]
            residual = m - light_total - sum(tail_counts)
            step = 1 if residual > 0 else -1
            while residual:
                j = int(rnd() * len(tail_counts))
                if 4 <= tail_counts[j] + step <= cap:
                    tail_counts[j] += step
                    residual -= step
            tail_counts.sort()
            noise = self.args.tenure_noise
            window = self.window
            ranked = sorted(tail, key=lambda i: math.log(window - acquired[i] + DAY) + rng.gauss(0.0, noise))
            for i, k in zip(ranked, tail_counts):
                counts[i] = k
        assert sum(counts) == m, (sum(counts), m)
        self.order_counts = counts
        log(f"  plan: {len(buyers):,} buyers, {len(tail):,} in the tail, max {max(counts):,} orders per customer")

        bits = max(1, (n - 1).bit_length())
        self.customer_bits = bits
        keys = []
        append = keys.append
        last = array("q", [-1]) * n
        for i in range(n):
            k = counts[i]
            if k == 0:
                continue
            first = acquired[i]
            # A heavy buyer needs room for their orders (at most ~2 a day): moved earlier when short of it.
            min_span_days = min(days - 1, int(k * 0.5))
            if first // DAY > days - 1 - min_span_days:
                first = sample(rnd, acq_cum, 0, days - 1 - min_span_days)
                acquired[i] = first
            append((first << bits) | i)
            latest = first
            if k > 1:
                first_day = first // DAY
                if k <= 3:
                    end_day = min(days - 1, first_day + 1 + int(rng.expovariate(1 / 240.0)))
                elif rnd() < 0.7:
                    end_day = days - 1
                else:  # churned part of the way
                    end_day = min(days - 1, first_day + max(min_span_days, int(rnd() * (days - first_day))))
                for _ in range(k - 1):
                    t = sample(rnd, season_cum, first_day, end_day)
                    if t <= first:
                        t = min(self.window - 1, first + 60 + int(rnd() * 3600))
                    if t > latest:
                        latest = t
                    append((t << bits) | i)
            last[i] = latest
        keys.sort()
        self.keys = keys
        self.mask = (1 << bits) - 1
        self.acquired = acquired
        self.last_order = last

    # ---------------------------------------------------------------------------------------- customers
    def customers(self):
        rng = self.rng(3)
        rnd = rng.random
        n = self.args.customers
        width = max(7, len(str(n)))
        first_pick = picker(rng, FIRST_NAMES)
        last_pick = picker(rng, LAST_NAMES)
        country_pick = picker(rng, [(c, c[1]) for c in COUNTRIES])
        domain_pick = picker(rng, EMAIL_DOMAINS)
        channel_pick = picker(rng, CHANNELS)
        start_ms = self.start_epoch * 1000
        self.emails = [None] * n
        self.addresses = [None] * n
        columns = ("id", "store_id", "external_id", "email", "email_key", "phone", "first_name", "last_name", "country",
                   "time_zone", "birthday", "tags", "properties", "created_at", "updated_at", "source_updated_at")
        consent_columns = ("store_id", "customer_id", "channel", "state", "source", "recorded_at")
        rows, consents = [], []
        subscribed = 0
        self.db.execute("BEGIN")
        for i in range(n):
            cid = i + 1
            first, last = first_pick(), last_pick()
            country = country_pick()
            code, _, zone, phone_prefix, cities = country
            city, province, postal = cities[int(rnd() * len(cities))]
            plain_first = first.lower().translate(ASCII)
            plain_last = last.lower().replace(" ", "").replace("'", "").translate(ASCII)
            shape = rnd()
            if shape < 0.5:
                local = f"{plain_first}.{plain_last}{cid}"
            elif shape < 0.8:
                local = f"{plain_first[0]}{plain_last}{cid}"
            else:
                local = f"{plain_first}{cid}"
            email = f"{local}@{domain_pick()}"
            if rnd() < 0.1:  # as typed at checkout: capitals; the lookup key is lower-cased
                email = email[0].upper() + email[1:].replace("@e", "@E", 1)
            phone = f"{phone_prefix}{cid:07d}" if rnd() < 0.4 else None
            k = self.order_counts[i]
            acquired = self.acquired[i]
            created = start_ms + acquired * 1000 - int(rnd() * 1_800_000)
            if k == 0:
                updated = created + int(rnd() * 86_400_000)
            else:
                updated = start_ms + self.last_order[i] * 1000 + 60_000
            birthday = None
            if rnd() < 0.3:
                birthday = f"{1950 + int(rnd() * 55)}-{1 + int(rnd() * 12):02d}-{1 + int(rnd() * 28):02d}"
            if k >= 500:
                tags = '["wholesale"]'
            elif k >= 40:
                tags = '["vip"]'
            elif rnd() < 0.05:
                tags = '["newsletter"]'
            else:
                tags = "[]"
            properties = f'{{"acquisition_channel":"{channel_pick()}"}}'
            rows.append((cid, STORE, f"cus_{cid:0{width}d}", email, email.strip().lower(), phone, first, last, code,
                         zone, birthday, tags, properties, created, updated, updated))
            r = rnd()
            if r < self.args.consent_share:
                consents.append((STORE, cid, "email", "subscribed", "shopify", created))
                subscribed += 1
            elif r < self.args.consent_share + 0.08:
                consents.append((STORE, cid, "email", "subscribed", "shopify", created))
                consents.append((STORE, cid, "email", "unsubscribed", "patron",
                                 created + int(rnd() * max(1, self.end_epoch * 1000 - created))))
            if phone and rnd() < 0.3:
                consents.append((STORE, cid, "sms", "subscribed", "shopify", created))
            self.emails[i] = email
            address = {"name": f"{first} {last}", "address1": f"{1 + int(rnd() * 990)} {STREETS[int(rnd() * len(STREETS))]}",
                       "city": city, "postalCode": postal, "country": code}
            if province:
                address["province"] = province
            self.addresses[i] = json.dumps(address, ensure_ascii=False, separators=(",", ":"))
            if len(rows) >= 50_000:
                self.insert("customers", columns, rows)
                self.insert("consents", consent_columns, consents)
                rows, consents = [], []
        self.insert("customers", columns, rows)
        self.insert("consents", consent_columns, consents)
        self.db.execute("COMMIT")
        self.subscribed = subscribed

    # ------------------------------------------------------------------------------------------- orders
    def orders(self):
        rng = self.rng(4)
        rnd = rng.random
        m = self.args.orders
        width = max(8, len(str(m)))
        carrier_pick = picker(rng, [(c, c[1]) for c in CARRIERS])
        start_ms = self.start_epoch * 1000
        end_ms = self.end_epoch * 1000
        bits, mask = self.customer_bits, self.mask
        keys = self.keys
        product_cum, top = self.product_cum, self.product_cum[-1]
        variant_of, product_ext, product_digital = self.variant_of, self.product_ext, self.product_digital
        emails, addresses = self.emails, self.addresses
        last_product = array("i", [-1]) * self.args.customers
        bis = bisect.bisect_right
        hour_ms, day_ms = 3_600_000, 86_400_000

        order_columns = ("id", "store_id", "external_id", "number", "customer_id", "email", "currency", "placed_at",
                         "financial_status", "fulfillment_status", "cancelled_at", "cancel_reason", "subtotal",
                         "discount_total", "shipping_total", "tax_total", "total", "discount_codes", "shipping_address",
                         "source_name", "tags", "is_placeholder", "created_at", "updated_at", "source_updated_at")
        line_columns = ("id", "store_id", "order_id", "position", "external_id", "product_external_id",
                        "variant_external_id", "sku", "title", "quantity", "unit_price", "discount", "tax")
        ship_columns = ("id", "store_id", "external_id", "order_external_id", "carrier", "tracking_number",
                        "tracking_url", "status", "estimated_delivery_at", "shipped_at", "delivered_at", "created_at",
                        "updated_at", "source_updated_at")
        refund_columns = ("id", "store_id", "external_id", "order_external_id", "created_at", "amount", "currency",
                          "reason", "line_items", "received_at")
        orders, lines, ships, refunds = [], [], [], []
        line_id = ship_id = refund_id = 0
        batch = self.args.batch
        per_tx = max(batch, self.args.transaction)
        since_commit = 0
        started = time.monotonic()
        rows_at_start = self.rows
        report_every = max(1, m // 20)
        self.db.execute("BEGIN")
        for index in range(m):
            key = keys[index]
            customer = key & mask
            placed = start_ms + (key >> bits) * 1000 + int(rnd() * 1000)
            oid = index + 1
            ext = f"ord_{oid:0{width}d}"
            # Lines: one (65 %) or two; a customer re-buys their last product a third of the time.
            n_lines = 1 if rnd() < 0.65 else 2
            previous = last_product[customer]
            chosen = []
            for position in range(n_lines):
                if position == 0 and previous >= 0 and rnd() < 0.33:
                    p = previous
                else:
                    p = bis(product_cum, rnd() * top)
                    if p in chosen:
                        p = (p + 1) % len(product_ext)
                chosen.append(p)
            last_product[customer] = chosen[-1]
            digital_only = all(product_digital[p] for p in chosen)
            subtotal = 0
            picked = []
            for p in chosen:
                variants = variant_of[p]
                vext, sku, title, price = variants[int(rnd() * len(variants))]
                u = rnd()
                quantity = 1 if u < 0.85 else (2 if u < 0.95 else 3 + int(rnd() * 4))
                picked.append((p, vext, sku, title, price, quantity))
                subtotal += price * quantity
            discount = 0
            codes = "[]"
            if rnd() < 0.15:
                code, percent = DISCOUNT_CODES[int(rnd() * len(DISCOUNT_CODES))]
                discount = (subtotal * percent + 50) // 100
                codes = f'[{{"code":"{code}","amount":{discount}}}]'
            discounted = subtotal - discount
            shipping = 0 if digital_only or discounted >= 7500 else 595
            tax = (discounted * 8 + 50) // 100
            total = discounted + shipping + tax
            allocated = running = 0
            for position, (p, vext, sku, title, price, quantity) in enumerate(picked):
                running += price * quantity
                so_far = (tax * running + subtotal // 2) // subtotal if subtotal else 0
                line_id += 1
                lines.append((line_id, STORE, oid, position, f"li_{oid}_{position + 1}", product_ext[p], vext, sku,
                              title, quantity, price, 0, so_far - allocated))
                allocated = so_far
            financial, fulfillment = "paid", "unfulfilled"
            cancelled_at = cancel_reason = None
            updated = placed
            age = end_ms - placed
            if rnd() < 0.02:
                cancelled_at = placed + 900_000 + int(rnd() * 20 * hour_ms)
                if cancelled_at < end_ms:
                    cancel_reason = "customer" if rnd() < 0.7 else ("inventory" if rnd() < 0.5 else "fraud")
                    financial = "voided"
                    updated = cancelled_at
                else:
                    cancelled_at = None
            if cancelled_at is None:
                if age < day_ms and rnd() < 0.15:
                    financial = "authorized"
                if digital_only:
                    fulfillment = "fulfilled"
                    updated = placed + 60_000
                else:
                    shipped = placed + 3 * hour_ms + int(rnd() * 19 * hour_ms)
                    if shipped < end_ms:
                        fulfillment = "fulfilled"
                        carrier, _, url = carrier_pick()
                        tracking = f"{carrier[:2].upper()}{oid:012d}"
                        transit = 2 + int(rnd() * 5)
                        estimate = shipped + transit * day_ms
                        u = rnd()
                        delivered_at = None
                        if u < 0.01:
                            status, last_scan = "failure", shipped + (transit - 1) * day_ms + int(rnd() * day_ms)
                        elif u < 0.015:
                            status, last_scan = "returned", shipped + (transit + 3) * day_ms + int(rnd() * day_ms)
                        else:
                            delay = (2 + int(rnd() * 4)) * day_ms if u < 0.06 else 0
                            delivered_at = shipped + transit * day_ms - int(rnd() * 8 * hour_ms) + delay
                            status, last_scan = "delivered", delivered_at
                        if last_scan > end_ms:  # still on its way
                            delivered_at = None
                            since = end_ms - shipped
                            if since < 12 * hour_ms:
                                status, last_scan = "label_created", shipped
                            elif end_ms - estimate > 0:
                                status, last_scan = "delayed", end_ms - int(rnd() * 6 * hour_ms)
                            elif estimate - end_ms < day_ms:
                                status, last_scan = "out_for_delivery", end_ms - int(rnd() * 4 * hour_ms)
                            else:
                                status, last_scan = "in_transit", shipped + int(rnd() * since)
                        ship_id += 1
                        ships.append((ship_id, STORE, f"shp_{oid:0{width}d}", ext, carrier, tracking, url + tracking,
                                      status, estimate, shipped, delivered_at, shipped, last_scan, last_scan))
                        updated = last_scan
                        refund_at = None
                        if status == "delivered" and rnd() < 0.03:
                            refund_at = delivered_at + day_ms + int(rnd() * 19 * day_ms)
                        elif status == "failure" and rnd() < 0.8:
                            refund_at = last_scan + int(rnd() * 2 * day_ms)
                        if refund_at is not None and refund_at < end_ms:
                            if status == "failure" or len(picked) == 1 or rnd() < 0.4:
                                amount, items = total, "[]"
                            else:
                                p, vext, sku, title, price, quantity = picked[int(rnd() * len(picked))]
                                amount = price + (price * 8 + 50) // 100
                                items = f'[{{"productExternalId":"{product_ext[p]}","quantity":1,"sku":"{sku}"}}]'
                            financial = "refunded" if amount >= total else "partially_refunded"
                            refund_id += 1
                            reason = "lost in transit" if status == "failure" else REFUND_REASONS[int(rnd() * 5)]
                            refunds.append((refund_id, STORE, f"ref_{oid:0{width}d}", ext, refund_at, amount, "USD",
                                            reason, items, refund_at))
                            updated = max(updated, refund_at)
            source = "web" if rnd() < 0.82 else ("ios" if rnd() < 0.6 else "android")
            orders.append((oid, STORE, ext, f"#{1000 + oid}", customer + 1, emails[customer], "USD", placed, financial,
                           fulfillment, cancelled_at, cancel_reason, subtotal, discount, shipping, tax, total, codes,
                           None if digital_only else addresses[customer], source, "[]", 0, placed, updated, updated))
            if len(orders) >= batch:
                self.insert("orders", order_columns, orders)
                self.insert("order_lines", line_columns, lines)
                self.insert("shipments", ship_columns, ships)
                self.insert("refunds", refund_columns, refunds)
                orders, lines, ships, refunds = [], [], [], []
                since_commit += batch
                if since_commit >= per_tx:
                    self.db.execute("COMMIT")
                    self.db.execute("BEGIN")
                    since_commit = 0
            if oid % report_every == 0:
                elapsed = time.monotonic() - started
                log(f"  orders {oid:>12,} / {m:,}  {elapsed:7.1f} s  {oid / elapsed:>9,.0f} orders/s  "
                    f"{(self.rows - rows_at_start) / elapsed:>9,.0f} rows/s")
        self.insert("orders", order_columns, orders)
        self.insert("order_lines", line_columns, lines)
        self.insert("shipments", ship_columns, ships)
        self.insert("refunds", refund_columns, refunds)
        self.db.execute("COMMIT")
        self.keys = None

    # ------------------------------------------------------------------------------------- segments etc.
    def segments(self):
        now = self.end_epoch * 1000
        rules = [
            ("Lapsed high-value, email OK", "At risk or can't-lose, bought twice or more, nothing for 90 days, accepts email",
             'rfm.segment in ["At Risk", "Can\'t Lose Them"] and orders.count >= 2 and last_order_at < now - 90d and consent.email'),
            ("Predicted big spenders", "Likely to spend $500 or more and still active",
             "predicted_clv >= 500 and p_alive > 0.5"),
            ("Likely to churn, no email", "High churn risk and not opted in to email",
             'churn_risk == "high" and not consent.email'),
        ]
        self.insert("segments", ("id", "store_id", "name", "description", "rule", "created_at", "updated_at"),
                    [(i + 1, STORE, name, description, rule, now, now) for i, (name, description, rule) in enumerate(rules)])

    def rebuild_indexes(self):
        for name, sql in self.indexes:
            started = time.monotonic()
            self.db.execute(sql)
            log(f"  index {name}: {time.monotonic() - started:.1f} s")

    def run(self):
        args = self.args
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
            log(f"{name}: {seconds:.1f} s, {added:,} rows{rate}")

        stage("setup", self.open)
        stage("calendar", self.build_calendar)
        stage("catalog", lambda: (self.db.execute("BEGIN"), self.catalog(), self.db.execute("COMMIT")))
        stage("plan", self.plan)
        stage("customers", self.customers)
        stage("orders", self.orders)
        stage("segments", lambda: (self.db.execute("BEGIN"), self.segments(), self.db.execute("COMMIT")))
        stage("indexes", self.rebuild_indexes)
        stage("checkpoint", lambda: self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)"))
        if args.check:
            stage("check", self.check)
        counts = self.order_counts
        heaviest = max(range(len(counts)), key=counts.__getitem__)
        buyers = sorted(c for c in counts if c)
        median = buyers[len(buyers) // 2] if buyers else 0
        typical = next((i for i in range(len(counts)) if counts[i] == median), 0)
        seconds = time.monotonic() - total_started
        size = sum(os.path.getsize(args.database + s) for s in ("", "-wal") if os.path.exists(args.database + s))
        meta = {
            "seed": args.seed, "customers": args.customers, "orders": args.orders, "products": args.products,
            "window": {"start": dt.datetime.fromtimestamp(self.start_epoch, dt.timezone.utc).isoformat(),
                       "end": self.end_date.isoformat(), "days": self.days},
            "rows": self.counts, "rows_total": self.rows, "email_subscribed": self.subscribed,
            "heaviest_customer": {"id": heaviest + 1, "orders": counts[heaviest]},
            "typical_customer": {"id": typical + 1, "orders": median},
            "seconds": round(seconds, 1), "stages": self.timings, "rows_per_second": round(self.rows / seconds),
            "bytes": size, "python": sys.version.split()[0], "sqlite": sqlite3.sqlite_version,
        }
        with open(args.database + ".meta.json", "w") as handle:
            json.dump(meta, handle, indent=2)
            handle.write("\n")
        self.db.close()
        log(f"done: {self.rows:,} rows in {seconds:.1f} s ({self.rows / seconds:,.0f} rows/s), "
            f"{size / 2**30:.2f} GiB; {json.dumps(self.counts)}")
        log(f"heaviest customer {heaviest + 1} ({counts[heaviest]:,} orders), typical {typical + 1} ({median}); "
            f"meta in {args.database}.meta.json")

    def check(self):
        """Integrity checks (slow at full size): foreign keys, unique keys, email keys, order sums."""
        db = self.db
        problems = []
        fk = db.execute("PRAGMA foreign_key_check").fetchmany(5)
        if fk:
            problems.append(f"foreign keys: {fk}")
        for sql, what in [
            ("SELECT COUNT(*) FROM customers WHERE email_key <> lower(trim(email))", "email_key"),
            ("SELECT COUNT(*) FROM (SELECT email_key FROM customers GROUP BY email_key HAVING COUNT(*) > 1)", "duplicate emails"),
            ("SELECT COUNT(*) FROM orders WHERE total <> subtotal - discount_total + shipping_total + tax_total", "totals"),
            ("SELECT COUNT(*) FROM orders o WHERE tax_total <> (SELECT SUM(tax) FROM order_lines l WHERE l.order_id = o.id)", "line tax"),
            ("SELECT COUNT(*) FROM orders o WHERE subtotal <> (SELECT SUM(unit_price * quantity) FROM order_lines l WHERE l.order_id = o.id)", "subtotal"),
            ("SELECT COUNT(*) FROM shipments s WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.store_id = 1 AND o.external_id = s.order_external_id)", "shipment order"),
            ("SELECT COUNT(*) FROM refunds r WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.store_id = 1 AND o.external_id = r.order_external_id)", "refund order"),
            ("SELECT COUNT(*) FROM order_lines l WHERE NOT EXISTS (SELECT 1 FROM variants v WHERE v.store_id = 1 AND v.external_id = l.variant_external_id)", "line variant"),
            ("SELECT COUNT(*) FROM orders WHERE placed_at >= " + str(self.end_epoch * 1000) + " OR placed_at < " + str(self.start_epoch * 1000), "order window"),
            ("SELECT COUNT(*) FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.placed_at < c.created_at", "order before customer"),
        ]:
            bad = db.execute(sql).fetchone()[0]
            if bad:
                problems.append(f"{what}: {bad}")
        ok = db.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            problems.append(f"integrity_check: {ok}")
        if problems:
            sys.exit("check failed: " + "; ".join(problems))
        log("  check: foreign keys, unique keys, email keys, totals, line taxes, references and integrity all ok")


ASCII = str.maketrans({"é": "e", "í": "i", "ü": "u", "ö": "o", "ä": "a", "ß": "ss"})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database", help="SQLite file to create")
    parser.add_argument("--patron", default=os.environ.get("PATRON_BIN", ".build/release/patron"),
                        help="patron binary for migrate and stores create (default: $PATRON_BIN or .build/release/patron)")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument("--products", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--end", help="end of the order history, yyyy-mm-dd UTC (default: today)")
    parser.add_argument("--years", type=float, default=3.0, help="length of the order history (default 3)")
    parser.add_argument("--no-order-share", type=float, default=0.06, help="customers who never ordered (default 0.06)")
    parser.add_argument("--light-share", type=float, default=0.62, help="buyers with 1-3 orders (default 0.62)")
    parser.add_argument("--tail-sigma", type=float, default=1.3, help="log-normal sigma of the heavy tail (default 1.3)")
    parser.add_argument("--growth", type=float, default=1.5, help="yearly growth factor of new customers (default 1.5)")
    parser.add_argument("--tenure-noise", type=float, default=0.7,
                        help="how loosely heavy buyers are matched to long-standing customers (default 0.7)")
    parser.add_argument("--max-orders", type=int, default=3_000, help="orders of the heaviest customer at most")
    parser.add_argument("--consent-share", type=float, default=0.60, help="customers subscribed to email (default 0.6)")
    parser.add_argument("--store-name", default="Bench Home & Gift")
    parser.add_argument("--batch", type=int, default=20_000, help="orders per executemany batch")
    parser.add_argument("--transaction", type=int, default=500_000, help="orders per transaction")
    parser.add_argument("--check", action="store_true", help="run integrity checks at the end (slow at full size)")
    parser.add_argument("--force", action="store_true", help="replace an existing database")
    args = parser.parse_args()
    if args.customers < 1 or args.orders < 0 or args.products < 2:
        parser.error("need at least 1 customer and 2 products")
    Generator(args).run()


if __name__ == "__main__":
    main()

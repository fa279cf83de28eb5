"""The merchant dashboard (/app) in a real browser: Debian's Chromium driven by Selenium through chromedriver.

One Patron server for the whole module, on a store with realistic data and a dashboard user:
- on SQLite (PATRON_DATABASE_URL unset): `patron demo --load-only --customers 400` writes the demo store (store 1:
  customers, orders, shipments, events, three saved segments, analytics, flows order-thank-you, shipping-updates
  and welcome-series on) into a temp file, and `patron serve` serves that file;
- on PostgreSQL (PATRON_DATABASE_URL set; the demo runs on SQLite only): a new store on the session's database,
  a synthetic year of orders for 150 customers through the REST API, one saved segment, order-thank-you and
  shipping-updates switched on with `patron flows enable`, and an analytics refresh.
Then `patron users create --store ID --email ... --role owner` makes the owner; the password goes in on stdin.

Every page of the tour is checked for its heading, the ids and classes of the dashboard's page contract, and for
SEVERE entries in the browser console (script errors, CSP violations, failed same-origin requests), and saved as a
full-page screenshot in $PATRON_E2E_LOG_DIR/screenshots (CI keeps it in ci-artifacts/e2e-<engine>/screenshots).
The security checks (headers, cookie flags, CSRF, redirects) use plain HTTP and need no browser.

The browser tests are skipped when Chromium, chromedriver or selenium are missing, unless CI is set: in CI a
missing browser fails them. PATRON_E2E_CHROMIUM and PATRON_E2E_CHROMEDRIVER override the binaries' paths.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import subprocess
import tempfile
import time
import urllib.parse
import uuid
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Callable, Optional

import pytest
import requests

from patron_e2e import Api, PatronServer, child_env, create_store, describe, log_dir, patron_bin, run_cli

try:
    from selenium import webdriver
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    SELENIUM_IMPORT_ERROR: Optional[str] = None
except ImportError as error:  # reported by the `driver` fixture: a skip outside CI, a failure in CI
    SELENIUM_IMPORT_ERROR = str(error)

CHROMIUM = os.environ.get("PATRON_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("PATRON_E2E_CHROMEDRIVER", "/usr/bin/chromedriver")
IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")

DESKTOP = (1280, 900)
PHONE = (390, 844)
MAX_SHOT_HEIGHT = 6000
WAIT = 15.0  # seconds for a page, a redirect or the live segment check
SIGN_IN_WAIT = 60.0  # a sign-in checks a bcrypt hash (cost 12), slower in a debug build

OWNER_PASSWORD = "e2e-owner-password-4821"
DEMO_CUSTOMERS = 400


# ---------------------------------------------------------------------------------------------- fixtures


def browser_problem() -> Optional[str]:
    problems = []
    if SELENIUM_IMPORT_ERROR is not None:
        problems.append(f"selenium is not installed ({SELENIUM_IMPORT_ERROR}; pip install -r tests/e2e/requirements.txt)")
    for label, path, package in (("chromium", CHROMIUM, "chromium"), ("chromedriver", CHROMEDRIVER, "chromium-driver")):
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            problems.append(f"{label} not found at {path} (apt-get install {package})")
    return "; ".join(problems) or None


@pytest.fixture(scope="module")
def dashboard(work_dir) -> dict:
    """{url, db, storeId, email, password, backend, server}: a running server on a store with data and an owner."""
    postgres = os.environ.get("PATRON_DATABASE_URL", "").strip()
    if postgres:
        database = postgres
        keys = create_store(database, f"Dashboard e2e {uuid.uuid4().hex[:6]}")
        store_id = keys.store_id
        email = f"owner+{uuid.uuid4().hex[:8]}@example.com"  # the session's database is shared by reruns
    else:
        database = str(work_dir / f"dashboard-demo-{uuid.uuid4().hex[:8]}.sqlite")
        output = run_cli("demo", "--load-only", "--customers", str(DEMO_CUSTOMERS), database=database).stdout
        match = re.search(r"^Store (\d+) ", output, re.MULTILINE)
        assert match, f"`patron demo --load-only` did not print its store:\n{output[-3000:]}"
        store_id = match.group(1)
        keys = None
        email = "owner@example.com"

    server = PatronServer(database, name="dashboard")
    server.start()
    try:
        if keys is not None:
            load_synthetic_store(Api(server.url, keys.secretKey), database, store_id)
        create_user(database, store_id, email, OWNER_PASSWORD, "owner")
        yield {"url": server.url, "db": database, "storeId": store_id, "email": email, "password": OWNER_PASSWORD,
               "backend": "postgres" if postgres else "sqlite", "server": server}
    finally:
        server.stop()


def create_user(database: str, store_id: str, email: str, password: str, role: str) -> str:
    """`patron users create` with the password on standard input; returns the printed user id."""
    command = [patron_bin(), "users", "create", "--database", database, "--store", str(store_id), "--email", email,
               "--role", role]
    result = subprocess.run(command, input=password + "\n", capture_output=True, text=True, timeout=120,
                            env=child_env())
    assert result.returncode == 0, (
        f"`{' '.join(command)}` (password on stdin) exited {result.returncode}\n"
        f"stdout:\n{result.stdout[-3000:]}\nstderr:\n{result.stderr[-3000:]}")
    out = result.stdout
    match = (re.search(r"\buser (\d+)\b", out) or re.search(r"^\s*(\d+)\s*$", out, re.MULTILINE)
             or re.search(r"(?<![\w.@+-])(\d+)(?![\w.@-])", out))
    assert match, f"`patron users create` printed no user id: {out!r}"
    return match.group(1)


@pytest.fixture(scope="module")
def driver():
    """One headless Chromium for the module (reset for each test by `browser`)."""
    problem = browser_problem()
    if problem:
        if IN_CI:
            pytest.fail(f"browser tests cannot run in CI: {problem}", pytrace=False)
        pytest.skip(f"browser tests need Chromium and chromedriver: {problem}")
    instance = start_chromium()
    yield instance
    instance.quit()


def start_chromium():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={DESKTOP[0]},{DESKTOP[1]}",
        "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
        "--disable-component-update", "--disable-extensions", "--lang=en-US",
        # Only Patron answers: product images and tracking links of the demo point at example.com hosts.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=CHROMEDRIVER, log_output=str(log_dir() / "chromedriver.log"))
    try:
        instance = webdriver.Chrome(service=service, options=options)
    except WebDriverException as error:
        pytest.fail(f"Chromium did not start ({CHROMIUM} with {CHROMEDRIVER}): {error.msg or error}", pytrace=False)
    instance.set_page_load_timeout(60)
    return instance


@pytest.fixture
def browser(driver, dashboard, request):
    """The module's browser at desktop size with an empty console log; on failure saves a screenshot and the HTML."""
    reset_viewport(driver)
    driver.get_log("browser")  # drain
    yield driver
    failed = any(getattr(getattr(request.node, f"rep_{when}", None), "failed", False) for when in ("setup", "call"))
    if failed:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)
        try:
            driver.save_screenshot(str(screenshot_dir() / f"failed-{name}.png"))
            (screenshot_dir() / f"failed-{name}.html").write_text(driver.page_source)
            print(f"browser at {driver.current_url}; screenshot and HTML in {screenshot_dir()}/failed-{name}.*")
        except WebDriverException as error:
            print(f"could not save the browser state: {error}")
    reset_viewport(driver)


@pytest.fixture
def signed_in(browser, dashboard):
    """The browser with a live session of the owner, on /app."""
    browser.get(dashboard["url"] + "/app")
    if path_of(browser) != "/app":
        sign_in(browser, dashboard)
        wait_for(browser, lambda d: path_of(d) == "/app", "sign-in did not land on /app", timeout=SIGN_IN_WAIT)
    return browser


@pytest.fixture
def signed_out(browser, dashboard):
    """The browser without cookies, on /app/login."""
    browser.get(dashboard["url"] + "/app/login")
    browser.delete_all_cookies()
    browser.get(dashboard["url"] + "/app/login")
    browser.get_log("browser")
    return browser


# ---------------------------------------------------------------------------------------------- browser helpers


def path_of(driver) -> str:
    return urllib.parse.urlsplit(driver.current_url).path


def query_of(driver) -> dict:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(driver.current_url).query)


def transient(error: Exception) -> bool:
    """Errors of an element or script caught in the middle of a navigation, which the next poll gets past."""
    if isinstance(error, (NoSuchElementException, StaleElementReferenceException)):
        return True
    message = str(getattr(error, "msg", "") or error)
    return any(text in message for text in ("does not belong to the document", "No node with given id",
                                            "Cannot find context with specified id", "Execution context was destroyed",
                                            "inspector error"))


def wait_for(driver, condition: Callable, message: str = "", timeout: float = WAIT):
    """Polls condition(driver) until it is truthy; errors of a page being replaced count as not yet."""
    deadline = time.monotonic() + timeout
    last: Optional[Exception] = None
    while True:
        try:
            value = condition(driver)
            if value:
                return value
        except WebDriverException as error:
            if not transient(error):
                raise
            last = error
        if time.monotonic() >= deadline:
            detail = f"; last error: {str(getattr(last, 'msg', '') or last)[:200]}" if last else ""
            raise AssertionError(f"{message or condition} (after {timeout:.0f}s, at {driver.current_url}{detail})")
        time.sleep(0.1)


def click_and_load(driver, element, message: str, timeout: float = WAIT) -> None:
    """Clicks a link or submit button and waits until another document has loaded."""
    driver.execute_script("window.__patronOldPage = true")
    element.click()
    wait_for(driver, lambda d: d.execute_script(
        "return !window.__patronOldPage && document.readyState === 'complete'"), message, timeout)


def one(driver, selector: str):
    elements = driver.find_elements(By.CSS_SELECTOR, selector)
    assert elements, f"no element matches {selector!r} on {driver.current_url}"
    return elements[0]


def sign_in(driver, dashboard: dict, password: Optional[str] = None, path: str = "/app/login") -> None:
    """Fills and submits form#login-form and waits for the next page to load."""
    if path != "/app/login" or path_of(driver) != "/app/login":  # else: fill the form on screen
        driver.get(dashboard["url"] + path)
    email = one(driver, "form#login-form input#email[name=email]")
    email.clear()
    email.send_keys(dashboard["email"])
    secret = one(driver, "form#login-form input#password[name=password]")
    secret.clear()
    secret.send_keys(dashboard["password"] if password is None else password)
    click_and_load(driver, one(driver, "form#login-form button#login-submit"), "the sign-in form was not submitted",
                   timeout=SIGN_IN_WAIT)


def reset_viewport(driver) -> None:
    try:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    except WebDriverException:
        pass
    driver.set_window_size(*DESKTOP)


def phone_viewport(driver) -> None:
    # A desktop window cannot be narrower than ~500px; the emulated device is 390 CSS pixels wide like a phone.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 1, "mobile": True})


def screenshot_dir() -> Path:
    raw = os.environ.get("PATRON_E2E_LOG_DIR")
    directory = (Path(raw) if raw else Path(tempfile.gettempdir())) / "screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def full_page_screenshot(driver, name: str, phone: bool = False) -> Path:
    """Grows the viewport to the page's height (at most 6000px), saves `name`, and restores the viewport."""
    height = int(driver.execute_script("return document.body.scrollHeight") or 0)
    height = max(min(height, MAX_SHOT_HEIGHT), 1)
    path = screenshot_dir() / name
    if phone:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": PHONE[0], "height": height, "deviceScaleFactor": 1, "mobile": True})
        time.sleep(0.2)
        driver.save_screenshot(str(path))
        phone_viewport(driver)
    else:
        size = driver.get_window_size()
        chrome = int(driver.execute_script("return window.outerHeight - window.innerHeight") or 0)
        driver.set_window_size(size["width"], height + max(chrome, 0))
        time.sleep(0.2)
        driver.save_screenshot(str(path))
        driver.set_window_size(size["width"], size["height"])
    return path


def console_problems(driver, base_url: str) -> list[str]:
    """SEVERE console entries since the last call, except failed loads from other origins (the demo's product
    images are on images.example.com, which the browser cannot resolve) and the browser's own /favicon.ico probe."""
    problems = []
    for entry in driver.get_log("browser"):
        if entry.get("level") != "SEVERE":
            continue
        message = entry.get("message", "")
        if entry.get("source") == "network":
            url = message.split(" ", 1)[0]
            if not url.startswith(base_url + "/") or urllib.parse.urlsplit(url).path == "/favicon.ico":
                continue
        problems.append(f"[{entry.get('source')}] {message}")
    return problems


def assert_clean_console(driver, base_url: str, page: str) -> None:
    problems = console_problems(driver, base_url)
    assert not problems, f"SEVERE browser console entries on {page}:\n" + "\n".join(problems)


def h1_text(driver) -> str:
    headings = driver.find_elements(By.CSS_SELECTOR, "h1")
    assert headings, f"no <h1> on {driver.current_url}"
    text = headings[0].text.strip()
    assert text, f"empty <h1> on {driver.current_url}"
    return text


# ---------------------------------------------------------------------------------------------- HTTP helpers


class Forms(HTMLParser):
    """The forms of a page: [{attrs, inputs: {name: value}}] (enough to find hidden fields)."""

    def __init__(self, text: str):
        super().__init__()
        self.forms: list[dict] = []
        self._open = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.forms.append({"attrs": attributes, "inputs": {}})
            self._open = True
        elif self._open and tag in ("input", "textarea", "select", "button") and attributes.get("name"):
            self.forms[-1]["inputs"].setdefault(attributes["name"], attributes.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = False

    def find(self, *, id: Optional[str] = None, css_class: Optional[str] = None) -> dict:
        for form in self.forms:
            if id is not None and form["attrs"].get("id") == id:
                return form
            if css_class is not None and css_class in form["attrs"].get("class", "").split():
                return form
        raise AssertionError(f"no form {id or css_class!r} among {[f['attrs'] for f in self.forms]}")


def set_cookie_headers(response: requests.Response) -> list[str]:
    return list(response.raw.headers.getlist("Set-Cookie"))


def parse_set_cookie(header: str) -> tuple[str, str, dict]:
    first, *rest = header.split(";")
    name, _, value = first.strip().partition("=")
    attributes = {}
    for part in rest:
        key, _, val = part.strip().partition("=")
        attributes[key.strip().lower()] = val.strip()
    return name, value, attributes


def deletes(attributes: dict, value: str) -> bool:
    if attributes.get("max-age", "").lstrip("-").isdigit() and int(attributes["max-age"]) <= 0:
        return True
    return value == "" and ("expires" in attributes or "max-age" in attributes)


class Client:
    """A cookie-carrying HTTP client for /app that never follows redirects. Cookies are kept by hand, so a
    `Secure` cookie is sent over plain http to 127.0.0.1 the way Chromium does."""

    def __init__(self, base_url: str):
        self.base = base_url.rstrip("/")
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = requests.request(method, self.base + path, headers=headers, allow_redirects=False, timeout=30,
                                    **kwargs)
        for header in set_cookie_headers(response):
            name, value, attributes = parse_set_cookie(header)
            if deletes(attributes, value):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return response

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.request("POST", path, **kwargs)


def location_path(response: requests.Response) -> tuple[str, dict]:
    location = response.headers.get("Location", "")
    parts = urllib.parse.urlsplit(location)
    return parts.path, urllib.parse.parse_qs(parts.query)


def assert_redirect_to_login(response: requests.Response, next_path: Optional[str] = None) -> None:
    assert response.status_code == 303, describe(response)
    path, query = location_path(response)
    assert path == "/app/login", f"redirect to {response.headers.get('Location')!r}, expected /app/login"
    if next_path is not None:
        assert query.get("next") == [next_path], f"redirect to {response.headers.get('Location')!r}: next should be {next_path}"


def login_csrf(client: Client) -> str:
    page = client.get("/app/login")
    assert page.status_code == 200, describe(page)
    token = Forms(page.text).find(id="login-form")["inputs"].get("_csrf")
    assert token, "form#login-form has no hidden _csrf value"
    return token


def http_sign_in(dashboard: dict) -> tuple[Client, requests.Response, dict]:
    """Signs in over plain HTTP: (client, the sign-in response, the cookies the login page had set)."""
    client = Client(dashboard["url"])
    token = login_csrf(client)
    before = dict(client.cookies)
    response = client.post("/app/login", data={"email": dashboard["email"], "password": dashboard["password"],
                                               "_csrf": token})
    assert response.status_code == 303, describe(response)
    assert location_path(response)[0] == "/app", f"sign-in redirected to {response.headers.get('Location')!r}"
    return client, response, before


def page_csrf(client: Client, path: str = "/app") -> str:
    page = client.get(path)
    assert page.status_code == 200, describe(page)
    token = Forms(page.text).find(css_class="signout")["inputs"].get("_csrf")
    assert token, f"the sign-out form on {path} has no _csrf value"
    return token


# ---------------------------------------------------------------------------------------------- PostgreSQL data

PRODUCTS = [  # externalId, title, category, price in cents
    ("mug", "Stoneware Mug", "Kitchen", 1800), ("candle", "Soy Candle", "Home", 2400),
    ("throw", "Wool Throw", "Textiles", 8900), ("vase", "Glass Vase", "Home", 3200),
    ("towel", "Linen Tea Towel", "Textiles", 900), ("tray", "Oak Serving Tray", "Kitchen", 4500),
    ("soap", "Olive Oil Soap", "Bath", 700), ("card", "Gift Card", "Gifts", 2500),
]
FIRST_NAMES = ["Ann", "Ben", "Chloe", "Dev", "Emma", "Finn", "Grace", "Hugo", "Iris", "Jonas", "Kira", "Liam"]
LAST_NAMES = ["Adler", "Brooks", "Costa", "Dalton", "Evans", "Fischer", "Garcia", "Hayes", "Ito", "Jensen"]


def synthetic_orders(customers: int = 150, seed: int = 7) -> list[dict]:
    """A year of orders: each customer's first order 0-420 days ago and 0-5 repeat orders after it."""
    rng = random.Random(seed)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    orders = []
    for c in range(1, customers + 1):
        first = rng.uniform(0, 420) if c > 5 else c * 1.3  # five first orders in the last week
        repeats = rng.choice([0, 0, 0, 1, 1, 2, 3, 5])
        for n, days_ago in enumerate([first] + sorted((rng.uniform(0, first) for _ in range(repeats)), reverse=True)):
            basket = rng.sample(PRODUCTS, rng.choice([1, 1, 2, 3]))
            orders.append({
                "externalId": f"dash-{c:04d}-{n}", "number": f"#D{c:04d}{n}", "currency": "USD",
                "placedAt": (now - dt.timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "customer": {
                    "externalId": f"dash-{c:04d}", "email": f"customer{c:04d}@example.com",
                    "firstName": FIRST_NAMES[c % len(FIRST_NAMES)], "lastName": LAST_NAMES[c % len(LAST_NAMES)],
                    "consent": {"email": {"state": "subscribed", "source": "checkout"}},
                },
                "lineItems": [{"title": title, "quantity": rng.choice([1, 1, 2]), "unitPrice": price,
                               "productExternalId": external_id} for external_id, title, _, price in basket],
            })
    return orders


def load_synthetic_store(api: Api, database: str, store_id: str) -> None:
    products = [{"externalId": external_id, "title": title, "category": category, "productType": category,
                 "url": f"https://shop.example.com/products/{external_id}",
                 "imageUrl": f"https://images.example.com/products/{external_id}.jpg", "status": "active",
                 "currency": "USD", "variants": [{"externalId": f"{external_id}-v", "price": price, "stock": 20}]}
                for external_id, title, category, price in PRODUCTS]
    result = api.ok_json(api.post("/api/v1/products/batch", {"items": products}))
    assert result["rejected"] == 0, result
    orders = synthetic_orders()
    for start in range(0, len(orders), 500):
        result = api.ok_json(api.post("/api/v1/orders/batch", {"items": orders[start:start + 500]}, timeout=300))
        assert result["rejected"] == 0, result
    api.ok_json(api.post("/api/v1/segments", {"name": "Regulars", "rule": "orders.count >= 3"}), 201)
    api.ok_json(api.request("PATCH", "/api/v1/settings/sender",
                            json={"fromEmail": "hello@shop.example.com", "fromName": "Dashboard e2e shop"}))
    for flow in ("order-thank-you", "shipping-updates"):  # after the orders, so the history triggers nothing
        run_cli("flows", "enable", flow, "--store", str(store_id), database=database)
    deadline = time.monotonic() + 300
    while True:  # the server may be refreshing on its own (409): then refresh again once it is done
        response = api.post("/api/v1/analytics/refresh", timeout=300)
        if response.status_code != 409 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    api.ok_json(response)


# ---------------------------------------------------------------------------------------------- sign-in


def test_wrong_password_is_refused_and_the_right_one_signs_in(signed_out, dashboard):
    driver = signed_out
    assert "login-page" in one(driver, "body").get_attribute("class").split()
    h1_text(driver)
    full_page_screenshot(driver, "00-login.png")

    sign_in(driver, dashboard, password="not-the-password")
    assert path_of(driver) == "/app/login", f"a wrong password left the sign-in page for {driver.current_url}"
    error = one(driver, ".flash-error")
    assert error.is_displayed() and error.text.strip(), "the .flash-error of a wrong password is empty or hidden"
    assert "not-the-password" not in driver.page_source, "the sign-in page echoes the wrong password"
    driver.get_log("browser")  # a refused sign-in may answer 401 or 422, which the console reports

    sign_in(driver, dashboard)
    wait_for(driver, lambda d: path_of(d) == "/app", "the right password did not land on /app")
    assert dashboard["email"] in one(driver, "header.topbar .user").text
    assert_clean_console(driver, dashboard["url"], "/app/login and /app")


def test_unauthenticated_pages_redirect_to_sign_in_and_back(signed_out, dashboard):
    driver = signed_out
    driver.get(dashboard["url"] + "/app/customers")
    assert path_of(driver) == "/app/login", f"/app/customers without a session showed {driver.current_url}"
    assert query_of(driver).get("next") == ["/app/customers"], f"no next=/app/customers in {driver.current_url}"

    sign_in(driver, dashboard, path=path_of(driver) + "?" + urllib.parse.urlsplit(driver.current_url).query)
    wait_for(driver, lambda d: path_of(d) == "/app/customers", "sign-in did not return to next=/app/customers")


def test_keyboard_reaches_email_password_and_submit_in_order(signed_out, dashboard):
    driver = signed_out
    wanted = ["email", "password", "login-submit"]
    reached: list[str] = []
    start = driver.switch_to.active_element
    if start.get_attribute("id") == "email":  # autofocus
        reached.append("email")
    for _ in range(15):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        focused = driver.switch_to.active_element
        identifier = focused.get_attribute("id") or f"<{focused.tag_name}>"
        reached.append(identifier)
        if identifier == "login-submit":
            break
    order = [i for i in reached if i in wanted]
    assert order[:3] == wanted, f"Tab focused {reached}; expected email, password, then the submit button"


# ---------------------------------------------------------------------------------------------- page tour


def open_first_customer(driver, base: str) -> None:
    driver.get(base + "/app/customers")
    link = one(driver, "table#customers-table a.customer-link")
    href = link.get_attribute("href")
    assert re.search(r"/app/customers/\d+$", urllib.parse.urlsplit(href).path), f"a.customer-link goes to {href}"
    click_and_load(driver, link, f"clicking the first customer did not open {href}")
    assert driver.current_url == href, f"clicking the first customer opened {driver.current_url}, not {href}"


# name, path (or a function that navigates), the sidenav entry that is current, required selectors (a tuple means
# any one of them: a list can be an empty state instead of a table when there is nothing to list)
PAGES: list[tuple[str, Any, Optional[str], list]] = [
    ("01-overview", "/app", "/app",
     ["nav.period-picker", "section#kpis .kpi .kpi-value", "figure#revenue-chart svg", "figure#orders-chart svg",
      ("table#flow-revenue", "#flow-revenue")]),
    ("02-overview-7-days", "/app?period=7", "/app",
     ["nav.period-picker a[aria-current='true'][href*='period=7']", "section#kpis .kpi", "figure#revenue-chart",
      "figure#orders-chart"]),
    ("03-customers", "/app/customers", "/app/customers",
     ["form#customer-search input#q[name=q]", "form#customer-search select#segment[name=segment]",
      "table#customers-table a.customer-link"]),
    ("04-customer", open_first_customer, None,
     ["section#contact", "section#scores", "section#recommended", "ol.timeline#timeline"]),
    ("05-segments", "/app/segments", "/app/segments",
     ["table.heat#rfm-grid td[class*='heat-']", "table#rfm-segments", "table#segments-table",
      "a#new-segment[href$='/app/segments/new']"]),
    ("06-segment-new", "/app/segments/new", None,
     ["form#segment-form input#segment-name[name=name]", "form#segment-form input#segment-description[name=description]",
      "form#segment-form textarea#segment-rule[name=rule]", "output#segment-check", "button#segment-save"]),
    ("07-cohorts", "/app/cohorts", "/app/cohorts", ["table.heat#cohort-grid", "table#cohort-revenue"]),
    ("08-flows", "/app/flows", "/app/flows", ["table#flows-table a.flow-link", "table#flows-table .badge"]),
    ("09-flow-order-thank-you", "/app/flows/order-thank-you", None,
     ["span#flow-status", "form#flow-toggle button#flow-toggle-button", "ol.flow-diagram li.flow-node",
      "section#flow-results", "form#flow-definition textarea#definition[name=definition]",
      "form#flow-preview input#preview-customer[name=customer]", "iframe#preview-frame",
      "form#flow-test input#test-email[name=email]"]),
    ("10-campaigns", "/app/campaigns", "/app/campaigns", [("table#campaigns-table", "main .empty")]),
    ("11-messages", "/app/messages", "/app/messages", ["form#message-filters", ("table#messages-table", "main .empty")]),
    ("12-settings", "/app/settings", "/app/settings",
     ["#store", "#keys form#key-create", "#shopify", "#channels", "#messaging", "#users form#user-create",
      "form#sender-form", "form#messaging-form", "form#channel-test"]),
]


@pytest.mark.parametrize("name, target, current, selectors", PAGES, ids=[p[0] for p in PAGES])
def test_page(signed_in, dashboard, name, target, current, selectors):
    driver = signed_in
    base = dashboard["url"]
    driver.get_log("browser")
    if callable(target):
        target(driver, base)
    else:
        driver.get(base + target)
        expected = urllib.parse.urlsplit(target).path
        assert path_of(driver) == expected, f"{target} ended on {driver.current_url}"

    heading = h1_text(driver)
    for selector in ("a.skip-link[href='#main']", "header.topbar", "nav#nav", "main#main"):
        one(driver, selector)
    missing = []
    for wanted in selectors:
        options = wanted if isinstance(wanted, tuple) else (wanted,)
        if not any(driver.find_elements(By.CSS_SELECTOR, option) for option in options):
            missing.append(" or ".join(options))
    assert not missing, f"{driver.current_url} (h1 {heading!r}) lacks {missing}"
    if current is not None:
        marked = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "nav#nav a[aria-current='page']")]
        assert [urllib.parse.urlsplit(h).path for h in marked] == [current], \
            f"sidenav marks {marked} as the current page, expected {current}"
    if name == "09-flow-order-thank-you":
        status = one(driver, "span#flow-status").text.strip()
        button = one(driver, "button#flow-toggle-button").text.strip()
        assert (status, button) in (("On", "Switch off"), ("Off", "Switch on")), (status, button)

    full_page_screenshot(driver, f"{name}.png")
    assert_clean_console(driver, base, driver.current_url)


# ---------------------------------------------------------------------------------------------- segments


def type_rule(driver, rule: str) -> None:
    field = one(driver, "textarea#segment-rule")
    field.clear()
    field.send_keys(rule)


def test_create_a_segment_in_the_editor(signed_in, dashboard):
    driver = signed_in
    driver.get(dashboard["url"] + "/app/segments/new")
    name = f"Repeat buyers {uuid.uuid4().hex[:6]}"
    one(driver, "input#segment-name").send_keys(name)
    one(driver, "input#segment-description").send_keys("Two orders or more")
    type_rule(driver, "orders.count >= 2")
    check = one(driver, "output#segment-check")
    wait_for(driver, lambda d: re.search(r"\d[\d,]* customers match", check.text),
             "output#segment-check never said 'N customers match' for orders.count >= 2")
    count = int(re.search(r"(\d[\d,]*) customers match", check.text).group(1).replace(",", ""))
    assert count >= 2, check.text

    click_and_load(driver, one(driver, "button#segment-save"), "saving the segment loaded no page")
    assert re.fullmatch(r"/app/segments/\d+", path_of(driver)), f"saving the segment landed on {driver.current_url}"
    shown = h1_text(driver) + " " + one(driver, "input#segment-name").get_attribute("value")
    assert name in shown, f"the segment page does not show the name {name!r} (h1 and name field: {shown!r})"
    segment_url = driver.current_url

    def members(d) -> bool:
        if d.find_elements(By.XPATH, "//table[@id='members-table']//tr[td]"):
            return True
        d.get(segment_url)  # membership may be computed just after the save
        return False

    wait_for(driver, members, "table#members-table shows no members of a segment that matches customers")
    export = one(driver, "a#segment-export").get_attribute("href")
    assert urllib.parse.urlsplit(export).path == path_of(driver) + "/members.csv", export
    one(driver, "form#segment-delete")
    full_page_screenshot(driver, "13-segment-created.png")
    assert_clean_console(driver, dashboard["url"], "the segment editor")

    driver.get(dashboard["url"] + "/app/segments")
    assert name in one(driver, "table#segments-table").text, "the new segment is not listed on /app/segments"


def test_segment_editor_explains_an_invalid_rule(signed_in, dashboard):
    driver = signed_in
    driver.get(dashboard["url"] + "/app/segments/new")
    type_rule(driver, "orders.count >= 2")
    check = one(driver, "output#segment-check")
    wait_for(driver, lambda d: "customers match" in check.text, "no match count for a valid rule")
    type_rule(driver, "orders.count >=")
    wait_for(driver, lambda d: "expected" in check.text.lower(),
             "output#segment-check did not say what was expected after 'orders.count >='")
    assert "customers match" not in check.text, check.text
    full_page_screenshot(driver, "14-segment-invalid-rule.png")
    assert_clean_console(driver, dashboard["url"], "the segment editor")


# ---------------------------------------------------------------------------------------------- flows


def off_flow(driver, base: str) -> str:
    """The name of a flow whose badge says Off on /app/flows (win-back when it is)."""
    driver.get(base + "/app/flows")
    off = []
    for row in driver.find_elements(By.CSS_SELECTOR, "table#flows-table tbody tr"):
        links = row.find_elements(By.CSS_SELECTOR, "a.flow-link")
        badges = [b.text.strip().lower() for b in row.find_elements(By.CSS_SELECTOR, ".badge")]
        if links and "off" in badges:
            off.append(urllib.parse.urlsplit(links[0].get_attribute("href")).path.rsplit("/", 1)[-1])
    assert off, "no flow in table#flows-table has an Off badge"
    return "win-back" if "win-back" in off else off[0]


def flow_badge(driver, base: str, flow: str) -> list[str]:
    driver.get(base + "/app/flows")
    for row in driver.find_elements(By.CSS_SELECTOR, "table#flows-table tbody tr"):
        links = row.find_elements(By.CSS_SELECTOR, "a.flow-link")
        if links and urllib.parse.urlsplit(links[0].get_attribute("href")).path == f"/app/flows/{flow}":
            return [b.text.strip() for b in row.find_elements(By.CSS_SELECTOR, ".badge")]
    raise AssertionError(f"{flow} is not in table#flows-table")


def test_switch_a_flow_on_and_off(signed_in, dashboard):
    driver = signed_in
    base = dashboard["url"]
    flow = off_flow(driver, base)
    driver.get(f"{base}/app/flows/{flow}")
    assert one(driver, "span#flow-status").text.strip() == "Off"
    button = one(driver, "button#flow-toggle-button")
    assert button.text.strip() == "Switch on"
    click_and_load(driver, button, f"switching {flow} on loaded no page")
    assert one(driver, "span#flow-status").text.strip() == "On", f"span#flow-status of {flow} did not become On"
    driver.refresh()
    assert one(driver, "span#flow-status").text.strip() == "On", "the flow was Off again after a reload"
    assert one(driver, "button#flow-toggle-button").text.strip() == "Switch off"
    assert "On" in flow_badge(driver, base, flow), f"/app/flows does not show {flow} On"
    assert_clean_console(driver, base, f"/app/flows/{flow}")

    driver.get(f"{base}/app/flows/{flow}")
    click_and_load(driver, one(driver, "button#flow-toggle-button"), f"switching {flow} off loaded no page")
    assert one(driver, "span#flow-status").text.strip() == "Off", f"span#flow-status of {flow} did not go back to Off"


# ---------------------------------------------------------------------------------------------- phone, sign-out


def test_phone_overview_and_menu(signed_in, dashboard):
    driver = signed_in
    phone_viewport(driver)
    driver.get(dashboard["url"] + "/app")
    h1_text(driver)
    one(driver, "section#kpis")
    viewport = one(driver, "meta[name=viewport]").get_attribute("content") or ""
    assert "width=device-width" in viewport.replace(" ", ""), f"meta viewport {viewport!r}: phones would lay out 980px"
    content, layout, visible = driver.execute_script(
        "var e = document.documentElement; return [e.scrollWidth, e.clientWidth, window.innerWidth]")
    assert content <= layout + 1 and visible == PHONE[0], (
        f"the overview does not fit a {PHONE[0]}px phone: content {content}px wide, layout viewport {layout}px, "
        f"visible {visible}px (something does not wrap or shrink)")
    nav = one(driver, "nav#nav")
    toggle = one(driver, "button.nav-toggle")
    assert toggle.is_displayed(), ".nav-toggle is hidden at phone width"
    assert not nav.is_displayed(), "the sidenav shows on a phone before .nav-toggle is pressed"
    assert toggle.get_attribute("aria-expanded") == "false"
    full_page_screenshot(driver, "phone-overview.png", phone=True)

    toggle.click()
    wait_for(driver, lambda d: nav.is_displayed(), ".nav-toggle did not open the sidenav")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert "nav-open" in one(driver, "body").get_attribute("class").split()
    assert one(driver, "nav#nav a[href='/app/customers']").is_displayed()
    driver.save_screenshot(str(screenshot_dir() / "phone-nav-open.png"))
    toggle.click()
    wait_for(driver, lambda d: not nav.is_displayed(), "a second press of .nav-toggle did not close the sidenav")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert_clean_console(driver, dashboard["url"], "/app at phone width")


def test_sign_out_ends_the_session(signed_in, dashboard):
    driver = signed_in
    cookies = {c["name"]: c["value"] for c in driver.get_cookies()}
    assert cookies, "no cookies after sign-in"
    click_and_load(driver, one(driver, "form.signout button"), "signing out loaded no page")
    assert path_of(driver) == "/app/login", f"sign-out landed on {driver.current_url}"
    driver.get(dashboard["url"] + "/app")
    assert path_of(driver) == "/app/login", f"/app after sign-out showed {driver.current_url}"

    # The old cookie is dead on the server too, not just forgotten by the browser.
    stale = Client(dashboard["url"])
    stale.cookies = cookies
    assert_redirect_to_login(stale.get("/app"))


# ---------------------------------------------------------------------------------------------- HTTP security


def test_security_headers(dashboard):
    client, _, _ = http_sign_in(dashboard)
    for path, response in (("/app/login", requests.get(dashboard["url"] + "/app/login", timeout=30)),
                           ("/app", client.get("/app"))):
        assert response.status_code == 200, describe(response)
        csp = " ".join(response.headers.get("Content-Security-Policy", "").split())
        directives = {d.strip().split(" ")[0]: d.strip() for d in csp.split(";") if d.strip()}
        assert directives.get("frame-ancestors") == "frame-ancestors 'none'", f"{path}: CSP {csp!r}"
        assert "'unsafe-inline'" not in directives.get("script-src", directives.get("default-src", "")), f"{path}: {csp!r}"
        assert "script-src" in directives or "default-src" in directives, f"{path}: CSP {csp!r}"
        assert response.headers.get("X-Content-Type-Options", "").lower() == "nosniff", f"{path}: {response.headers}"
        referrer = response.headers.get("Referrer-Policy", "").strip().lower()
        assert referrer and referrer != "unsafe-url", f"{path}: Referrer-Policy {referrer!r}"


def test_session_cookie_is_httponly_and_samesite_lax(dashboard):
    client, response, before = http_sign_in(dashboard)
    cookies = [parse_set_cookie(h) for h in set_cookie_headers(response)]
    live = [(name, value, attributes) for name, value, attributes in cookies if not deletes(attributes, value)]
    assert live, f"the sign-in response sets no cookie: {response.headers}"
    for name, value, attributes in live:
        assert "httponly" in attributes, f"cookie {name} is not HttpOnly"
        assert attributes.get("samesite", "").lower() == "lax", f"cookie {name} has SameSite={attributes.get('samesite')!r}"
        assert before.get(name) != value, f"cookie {name} keeps its pre-sign-in value (session fixation)"
    page = client.get("/app")
    assert page.status_code == 200 and dashboard["email"] in page.text, describe(page)


def test_posts_without_the_csrf_token_are_refused(dashboard):
    client, _, _ = http_sign_in(dashboard)
    token = page_csrf(client)
    name = f"Forged {uuid.uuid4().hex[:6]}"
    for path, data in (("/app/logout", {}), ("/app/logout", {"_csrf": "not-the-token"}),
                       ("/app/segments", {"name": name, "rule": "orders.count >= 1"}),
                       ("/app/flows/win-back/toggle", {})):
        response = client.post(path, data=data)
        assert response.status_code == 403, f"POST {path} {sorted(data)} without a valid _csrf: {describe(response)}"
    check = client.post("/app/segments/check", json={"rule": "orders.count >= 1"})
    assert check.status_code == 403, f"POST /app/segments/check without X-CSRF-Token: {describe(check)}"
    anonymous = Client(dashboard["url"])
    anonymous.get("/app/login")
    forged_login = anonymous.post("/app/login", data={"email": dashboard["email"], "password": dashboard["password"]})
    assert forged_login.status_code == 403, f"POST /app/login without _csrf: {describe(forged_login)}"

    # None of that changed anything, and the session still works with its token.
    segments = client.get("/app/segments")
    assert segments.status_code == 200 and name not in segments.text, describe(segments)
    assert client.get("/app").status_code == 200
    signed_out = client.post("/app/logout", data={"_csrf": token})
    assert signed_out.status_code == 303 and location_path(signed_out)[0] == "/app/login", describe(signed_out)
    assert_redirect_to_login(client.get("/app"))


@pytest.mark.parametrize("target", ["https://evil.example/x", "//evil.example/x", "/\\evil.example/x"])
def test_sign_in_never_redirects_off_site(dashboard, target):
    """An open redirect through next= (in a browser, CSP form-action 'self' would also stop it)."""
    client = Client(dashboard["url"])
    path = "/app/login?next=" + urllib.parse.quote(target, safe="")
    page = client.get(path)
    assert page.status_code == 200, describe(page)
    form = Forms(page.text).find(id="login-form")
    data = dict(form["inputs"], email=dashboard["email"], password=dashboard["password"])
    response = client.post(urllib.parse.urljoin(path, form["attrs"].get("action") or path), data=data)
    assert response.status_code == 303, describe(response)
    location = response.headers.get("Location", "")
    absolute = urllib.parse.urlsplit(urllib.parse.urljoin(dashboard["url"] + "/app/login", location))
    assert absolute.netloc == urllib.parse.urlsplit(dashboard["url"]).netloc and "\\" not in location \
        and not location.startswith("//"), f"sign-in with next={target!r} redirects to {location!r}"


def test_unauthenticated_requests_are_redirected(dashboard):
    client = Client(dashboard["url"])
    assert_redirect_to_login(client.get("/app"))
    for path in ("/app/customers", "/app/segments/new", "/app/settings"):
        assert_redirect_to_login(client.get(path), next_path=path)


# ---------------------------------------------------------------------------------------------- links


def test_internal_links_answer(dashboard):
    """Every /app link on the nav pages answers (a few of each kind: customer pages, sort orders, pages...)."""
    client, _, _ = http_sign_in(dashboard)
    seen: set[str] = set()
    per_kind: dict[str, int] = {}
    queue: list[tuple[str, str]] = []
    for page in ("/app", "/app/customers", "/app/segments", "/app/cohorts", "/app/flows", "/app/campaigns",
                 "/app/messages", "/app/settings"):
        response = client.get(page)
        assert response.status_code == 200, describe(response)
        for href in re.findall(r'<a\b[^>]*\bhref="([^"]+)"', response.text):
            href = href.replace("&amp;", "&")
            target = urllib.parse.urljoin(page, href)
            parts = urllib.parse.urlsplit(target)
            if parts.netloc or not parts.path.startswith("/app") or target in seen:
                continue
            seen.add(target)
            kind = re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(sorted(urllib.parse.parse_qs(parts.query))))
            per_kind[kind] = per_kind.get(kind, 0) + 1
            if per_kind[kind] <= 3:
                queue.append((page, target.split("#")[0]))
    broken = []
    for page, target in queue[:200]:
        response = client.get(target)
        if response.status_code >= 400:
            broken.append(f"{target} (linked from {page}) -> {response.status_code}")
    assert not broken, "broken dashboard links:\n" + "\n".join(broken)

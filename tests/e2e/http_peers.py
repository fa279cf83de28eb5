"""Real HTTP peers for the end-to-end tests, each an http.server in a thread of the test process.

`WebhookReceiver` records every request it gets (method, path, headers, raw body, receive time) and
answers from a per-path script: `receiver.script("/hook", Reply(503, {"Retry-After": "2"}), Reply(200))`
answers the first request to /hook with a 503 and every later one with a 200.

`TwilioStandIn` speaks Twilio's Messages API as Twilio does: `POST
/2010-04-01/Accounts/{AccountSid}/Messages.json` with a form-encoded `To`, `From` and `Body` and HTTP
Basic auth (AccountSid:AuthToken); it answers 201 with Twilio's message resource (`sid` "SM" + 32 hex,
`status` "queued"), 401 with error 20003 for bad credentials, 400 with error 21610 for a number marked
as opted out (`standin.opt_out("+1555...")`), 400 with 21604/21602/21211 for a missing To, a
missing Body or a To that is not a number, and 503 (20500) or 429 (20429) for the next requests after
`standin.fail_next(count, status)`.

    standin = TwilioStandIn(account_sid="AC...", auth_token="...").start()
    standin.url()                    # http://AC...:token@127.0.0.1:PORT, for --sms-url / smsUrl
    standin.wait_for(2, timeout=30)  # the accepted messages, as TwilioRequest records
"""

from __future__ import annotations

import base64
import email.utils
import json
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional


@dataclass
class ReceivedRequest:
    method: str
    path: str
    headers: dict  # as sent (the last value of a repeated header wins); see `header_list` for all
    header_list: list  # [(name, value)] in order
    body: bytes
    received_at: float  # time.time()

    def header(self, name: str) -> Optional[str]:
        for key, value in self.header_list:
            if key.lower() == name.lower():
                return value
        return None

    def json(self):
        return json.loads(self.body)


@dataclass
class Reply:
    status: int = 200
    headers: dict = field(default_factory=dict)
    body: bytes = b""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class _PeerBase:
    """A threaded HTTP server on `host` (0.0.0.0 by default, so names resolving to any local address reach it)."""

    def __init__(self, host: str = "0.0.0.0"):
        self.host = host
        self._lock = threading.Condition()
        self.requests: list[ReceivedRequest] = []
        self._server: Optional[_Server] = None
        self._thread: Optional[threading.Thread] = None

    @property
    def port(self) -> int:
        assert self._server is not None, "not started"
        return self._server.server_address[1]

    def start(self):
        peer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = ReceivedRequest(method=self.command, path=self.path, headers=dict(self.headers.items()),
                                          header_list=list(self.headers.items()), body=body, received_at=time.time())
                reply = peer._answer(request)
                with peer._lock:
                    peer.requests.append(request)
                    peer._lock.notify_all()
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.send_header("Connection", "close")
                self.end_headers()
                if reply.body:
                    self.wfile.write(reply.body)
                self.close_connection = True

            do_POST = do_GET = do_PUT = do_PATCH = do_DELETE = _handle

        self._server = _Server((self.host, 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name=type(self).__name__, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _answer(self, request: ReceivedRequest) -> Reply:
        raise NotImplementedError

    def received(self, path: Optional[str] = None) -> list[ReceivedRequest]:
        with self._lock:
            return [r for r in self.requests if path is None or r.path == path]

    def wait_for(self, count: int, timeout: float = 30.0, path: Optional[str] = None) -> list[ReceivedRequest]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [r for r in self.requests if path is None or r.path == path]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{type(self).__name__}: {len(found)} of {count} requests"
                                         f"{' to ' + path if path else ''} after {timeout:.0f}s: "
                                         f"{[(r.method, r.path) for r in self.requests]}")
                self._lock.wait(left)

    def quiet_for(self, seconds: float, expected: int, path: Optional[str] = None) -> None:
        """Nothing more than `expected` requests (to `path`) arrives for `seconds`."""
        time.sleep(seconds)
        found = self.received(path)
        assert len(found) == expected, (
            f"{type(self).__name__}: expected {expected} requests{' to ' + path if path else ''}, got {len(found)}: "
            f"{[(r.method, r.path, r.received_at) for r in found]}")


class WebhookReceiver(_PeerBase):
    """Answers scripted replies per path: the script's replies in turn, its last one for ever after
    (200 for a path without a script). A reply may be a callable(request) -> Reply, built when it is sent."""

    def __init__(self, host: str = "0.0.0.0"):
        super().__init__(host)
        self._scripts: dict[str, list] = {}
        self._served: dict[str, int] = {}

    def script(self, path: str, *replies) -> "WebhookReceiver":
        with self._lock:
            self._scripts[path] = list(replies)
            self._served[path] = 0
        return self

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def _answer(self, request: ReceivedRequest) -> Reply:
        with self._lock:
            script = self._scripts.get(request.path) or [Reply(200)]
            index = self._served.get(request.path, 0)
            self._served[request.path] = index + 1
            reply = script[min(index, len(script) - 1)]
        return reply(request) if callable(reply) else reply


@dataclass
class TwilioRequest:
    """One request to the stand-in, with what it answered."""
    account_sid: str  # from the path
    auth: Optional[tuple]  # (user, password) from the Basic credentials, None without them
    form: dict  # To, From, Body (single values)
    status: int  # what the stand-in answered
    answer: dict
    received_at: float
    request: ReceivedRequest

    @property
    def to(self) -> str:
        return self.form.get("To", "")

    @property
    def from_(self) -> str:
        return self.form.get("From", "")

    @property
    def body(self) -> str:
        return self.form.get("Body", "")

    @property
    def sid(self) -> Optional[str]:
        return self.answer.get("sid")


def _twilio_error(code: int, message: str, status: int) -> dict:
    return {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status}


class TwilioStandIn(_PeerBase):
    """A Twilio Messages API stand-in (the wire format of api.twilio.com, 2010-04-01)."""

    def __init__(self, account_sid: Optional[str] = None, auth_token: Optional[str] = None, host: str = "127.0.0.1"):
        super().__init__(host)
        self.account_sid = account_sid or "AC" + secrets.token_hex(16)
        self.auth_token = auth_token or secrets.token_hex(16)
        self.opted_out: set[str] = set()
        self.calls: list[TwilioRequest] = []
        self._failures: list[int] = []  # statuses to answer the next well-formed requests with

    def fail_next(self, count: int, status: int = 503) -> None:
        """Answers the next `count` authenticated requests with `status` (503: Twilio's 20500-style outage;
        429: error 20429, too many requests)."""
        with self._lock:
            self._failures.extend([status] * count)

    def opt_out(self, number: str) -> None:
        """Answers messages to `number` (E.164, with or without `whatsapp:`) with error 21610."""
        with self._lock:
            self.opted_out.add(number.removeprefix("whatsapp:"))

    def url(self, *, sid: Optional[str] = None, token: Optional[str] = None) -> str:
        return f"http://{sid or self.account_sid}:{token or self.auth_token}@127.0.0.1:{self.port}"

    def _answer(self, request: ReceivedRequest) -> Reply:
        parsed = urllib.parse.urlsplit(request.path)
        parts = parsed.path.split("/")
        auth = None
        header = request.header("Authorization") or ""
        if header.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
                auth = (user, password)
            except ValueError:
                auth = None
        form = {k: v[-1] for k, v in urllib.parse.parse_qs(request.body.decode("utf-8", "replace"),
                                                             keep_blank_values=True).items()}
        path_sid = parts[3] if len(parts) == 5 else ""
        if not (request.method == "POST" and len(parts) == 5 and parts[1] == "2010-04-01" and parts[2] == "Accounts"
                and parts[4] == "Messages.json"):
            status, answer = 404, _twilio_error(20404, f"The requested resource {parsed.path} was not found", 404)
        elif auth != (self.account_sid, self.auth_token) or path_sid != self.account_sid:
            status, answer = 401, _twilio_error(20003, "Authenticate", 401)
        elif (failure := self._take_failure()) is not None:
            status = failure
            code = 20429 if status == 429 else 20500
            message = "Too Many Requests" if status == 429 else "An internal server error has occurred"
            answer = _twilio_error(code, message, status)
        elif not (request.header("Content-Type") or "").startswith("application/x-www-form-urlencoded"):
            status, answer = 400, _twilio_error(21604, "A 'To' phone number is required.", 400)
        elif not form.get("To"):
            status, answer = 400, _twilio_error(21604, "A 'To' phone number is required.", 400)
        elif not form.get("Body"):
            status, answer = 400, _twilio_error(21602, "Message body is required.", 400)
        elif not _looks_like_e164(form["To"].removeprefix("whatsapp:")):
            status, answer = 400, _twilio_error(21211, f"The 'To' number {form['To']} is not a valid phone number.", 400)
        elif form["To"].removeprefix("whatsapp:") in self.opted_out:
            status, answer = 400, _twilio_error(21610, "Attempt to send to unsubscribed recipient", 400)
        else:
            sid = "SM" + secrets.token_hex(16)
            now = email.utils.formatdate(usegmt=True).replace("GMT", "+0000")
            status = 201
            answer = {
                "account_sid": self.account_sid, "api_version": "2010-04-01", "body": form["Body"],
                "date_created": now, "date_sent": None, "date_updated": now, "direction": "outbound-api",
                "error_code": None, "error_message": None, "from": form.get("From"), "messaging_service_sid": None,
                "num_media": "0", "num_segments": str(max(1, -(-len(form["Body"]) // 153))), "price": None,
                "price_unit": "USD", "sid": sid, "status": "queued",
                "subresource_uris": {"media": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}/Media.json"},
                "to": form["To"], "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
            }
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if status == 401:
            headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
        with self._lock:
            self.calls.append(TwilioRequest(account_sid=path_sid, auth=auth, form=form, status=status, answer=answer,
                                            received_at=request.received_at, request=request))
        return Reply(status, headers, json.dumps(answer).encode("utf-8"))

    def _take_failure(self) -> Optional[int]:
        with self._lock:
            return self._failures.pop(0) if self._failures else None

    def accepted(self) -> list[TwilioRequest]:
        with self._lock:
            return [c for c in self.calls if c.status == 201]

    def all_calls(self) -> list[TwilioRequest]:
        with self._lock:
            return list(self.calls)

    def wait_for_calls(self, predicate, count: int = 1, timeout: float = 30.0) -> list[TwilioRequest]:
        """At least `count` calls (accepted or not) that satisfy `predicate`."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [c for c in self.calls if predicate(c)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"TwilioStandIn: {len(found)} of {count} matching calls after {timeout:.0f}s; "
                                         f"all calls: {[(c.status, c.form) for c in self.calls]}")
                self._lock.wait(left)


def _looks_like_e164(number: str) -> bool:
    digits = number[1:]
    return number.startswith("+") and digits.isdigit() and 8 <= len(digits) <= 15 and not digits.startswith("0")

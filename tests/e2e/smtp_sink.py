"""A real SMTP server for the end-to-end tests: aiosmtpd in a thread of the test process.

`SmtpSink` records every message it accepts (envelope, raw bytes, receive time, whether the session
was TLS and who authenticated) and can require STARTTLS, speak TLS from the first byte (smtps),
require AUTH PLAIN/LOGIN, and offer SMTPUTF8 or not. `make_certificates` writes a throw-away CA and a
server certificate for 127.0.0.1/localhost, so Patron verifies the sink's certificate through
`ca_file=` instead of skipping verification.

    sink = SmtpSink(starttls="required", auth=("user", "secret"), certificates=certs).start()
    url = sink.url(user="user", password="secret", ca_file=certs.ca_file)   # for Patron
    messages = sink.wait_for(1, timeout=30)
"""

from __future__ import annotations

import datetime
import email
import email.policy
import ipaddress
import re
import socket
import ssl
import threading
import time
import warnings
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Optional
from urllib.parse import quote, urlencode

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

# The sinks that take AUTH over implicit TLS (or deliberately without TLS) make aiosmtpd warn on every connection.
warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS", category=UserWarning)

_MESSAGE_ID = re.compile(rb"^message-id:[ \t]*<([^>\r\n]*)>", re.IGNORECASE | re.MULTILINE)


@dataclass
class Certificates:
    ca_file: str
    cert_file: str
    key_file: str

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


def make_certificates(directory: Path) -> Certificates:
    """A CA and a server certificate it signed for 127.0.0.1 and localhost (PEM files in `directory`)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Patron e2e test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False, key_agreement=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    server_key = ec.generate_private_key(ec.SECP256R1())
    server_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name).public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                    x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = Certificates(ca_file=str(directory / "ca.pem"), cert_file=str(directory / "server.pem"),
                         key_file=str(directory / "server.key"))
    Path(paths.ca_file).write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    Path(paths.cert_file).write_bytes(server_cert.public_bytes(serialization.Encoding.PEM))
    Path(paths.key_file).write_bytes(server_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return paths


@dataclass
class ReceivedMessage:
    """One accepted DATA transaction."""
    mail_from: str
    rcpt_tos: list
    raw: bytes
    received_at: float  # time.time()
    mail_options: list
    smtp_utf8: bool
    tls: bool
    authenticated_as: Optional[str]
    _parsed: Optional[EmailMessage] = field(default=None, repr=False)

    @property
    def message(self) -> EmailMessage:
        """The parsed message (email.policy.default: headers decoded, RFC 2047 words resolved)."""
        if self._parsed is None:
            self._parsed = email.message_from_bytes(self.raw, policy=email.policy.default)
        return self._parsed

    @property
    def message_id(self) -> Optional[str]:
        """The Message-ID without angle brackets, read from the raw header section (cheap: no parsing)."""
        head = self.raw.split(b"\r\n\r\n", 1)[0]
        match = _MESSAGE_ID.search(head)
        return match.group(1).decode("utf-8", "replace") if match else None

    @property
    def raw_headers(self) -> bytes:
        return self.raw.split(b"\r\n\r\n", 1)[0]


class _Handler:
    def __init__(self, sink: "SmtpSink"):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        auth_data = getattr(session, "auth_data", None)
        login = None
        if isinstance(auth_data, LoginPassword):
            login = auth_data.login.decode("utf-8", "replace")
        elif isinstance(auth_data, (bytes, str)):
            login = auth_data.decode() if isinstance(auth_data, bytes) else auth_data
        content = envelope.original_content if envelope.original_content is not None else envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        self.sink._record(ReceivedMessage(
            mail_from=envelope.mail_from, rcpt_tos=list(envelope.rcpt_tos), raw=bytes(content),
            received_at=time.time(), mail_options=list(envelope.mail_options), smtp_utf8=bool(envelope.smtp_utf8),
            tls=_is_tls(server, session), authenticated_as=login,
        ))
        return "250 2.0.0 OK queued by patron-e2e-sink"


class _CountingController(Controller):
    """Counts the connections the server accepted (each one gets its own SMTP protocol object)."""

    def __init__(self, *args, on_connection=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._on_connection = on_connection

    def factory(self):
        if self._on_connection is not None:
            self._on_connection()
        return super().factory()


class SmtpSink:
    """An aiosmtpd server on 127.0.0.1 that keeps every accepted message.

    starttls:  "off" (not offered), "offered" (advertised, optional) or "required" (MAIL refused before it)
    implicit_tls: TLS from the first byte (the smtps:// scheme); needs certificates
    auth:      (user, password) to require AUTH PLAIN/LOGIN (only offered over TLS unless auth_require_tls=False)
    smtputf8:  advertise SMTPUTF8
    """

    def __init__(self, *, starttls: str = "off", implicit_tls: bool = False, auth: Optional[tuple] = None,
                 auth_require_tls: bool = True, smtputf8: bool = True, certificates: Optional[Certificates] = None,
                 host: str = "127.0.0.1", port: Optional[int] = None):
        assert starttls in ("off", "offered", "required"), starttls
        if (starttls != "off" or implicit_tls) and certificates is None:
            raise ValueError("TLS needs certificates (make_certificates)")
        self.starttls = starttls
        self.implicit_tls = implicit_tls
        self.auth = auth
        self.auth_require_tls = auth_require_tls
        self.smtputf8 = smtputf8
        self.certificates = certificates
        self.host = host
        self.port = port or _free_port(host)
        self._lock = threading.Condition()
        self._messages: list[ReceivedMessage] = []
        self.auth_attempts: list[tuple] = []  # (mechanism, login, success)
        self.connections: list[float] = []  # time.monotonic() of each accepted connection
        self.controller: Optional[Controller] = None

    # -------------------------------------------------------------------------------- lifecycle

    def start(self) -> "SmtpSink":
        kwargs = dict(enable_SMTPUTF8=self.smtputf8, decode_data=False, server_hostname="sink.patron-e2e.test",
                      ident="patron-e2e-sink", timeout=120)
        if self.starttls != "off":
            kwargs["tls_context"] = self.certificates.server_context()
            kwargs["require_starttls"] = self.starttls == "required"
        if self.auth is not None:
            kwargs["authenticator"] = self._authenticate
            kwargs["auth_required"] = True
            # aiosmtpd only knows about STARTTLS: over implicit TLS it would never offer AUTH.
            kwargs["auth_require_tls"] = self.auth_require_tls and not self.implicit_tls
        ssl_context = self.certificates.server_context() if self.implicit_tls else None
        self.controller = _CountingController(_Handler(self), hostname=self.host, port=self.port,
                                              ssl_context=ssl_context, ready_timeout=30,
                                              on_connection=self._connected, **kwargs)
        self.controller.start()
        with self._lock:
            self.connections.clear()  # the controller's own readiness probe
        return self

    def stop(self) -> None:
        if self.controller is not None:
            try:
                self.controller.stop()
            finally:
                self.controller = None

    def __enter__(self) -> "SmtpSink":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _connected(self) -> None:
        with self._lock:
            self.connections.append(time.monotonic())

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and self.auth is not None
              and auth_data.login == self.auth[0].encode() and auth_data.password == self.auth[1].encode())
        login = auth_data.login.decode("utf-8", "replace") if isinstance(auth_data, LoginPassword) else None
        with self._lock:
            self.auth_attempts.append((mechanism, login, ok))
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    # -------------------------------------------------------------------------------- URLs for Patron

    def url(self, *, user: Optional[str] = None, password: Optional[str] = None, starttls: Optional[str] = None,
            ca_file: Optional[str] = None, **params: str) -> str:
        """The smtp:// (or smtps://) URL Patron should use to reach this sink."""
        scheme = "smtps" if self.implicit_tls else "smtp"
        credentials = f"{quote(user, safe='')}:{quote(password or '', safe='')}@" if user is not None else ""
        query: dict = {}
        if starttls is None and not self.implicit_tls:
            starttls = "off" if self.starttls == "off" else "required"
        if starttls is not None:
            query["starttls"] = starttls
        if ca_file is not None:
            query["ca_file"] = ca_file
        query.update(params)
        suffix = f"?{urlencode(query)}" if query else ""
        return f"{scheme}://{credentials}{self.host}:{self.port}{suffix}"

    # -------------------------------------------------------------------------------- what arrived

    def _record(self, message: ReceivedMessage) -> None:
        with self._lock:
            self._messages.append(message)
            self._lock.notify_all()

    @property
    def messages(self) -> list[ReceivedMessage]:
        with self._lock:
            return list(self._messages)

    def count(self) -> int:
        with self._lock:
            return len(self._messages)

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()
            self.auth_attempts.clear()

    def wait_for(self, count: int, timeout: float = 30.0) -> list[ReceivedMessage]:
        """Blocks until at least `count` messages arrived; returns them all (AssertionError on timeout)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self._messages) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"the SMTP sink received {len(self._messages)} of {count} expected messages "
                                         f"within {timeout:.0f}s")
                self._lock.wait(min(remaining, 0.5))
            return list(self._messages)

    def wait_for_message_id(self, message_id: str, timeout: float = 30.0) -> ReceivedMessage:
        deadline = time.monotonic() + timeout
        while True:
            found = self.by_message_id().get(message_id)
            if found:
                return found[0]
            if time.monotonic() >= deadline:
                raise AssertionError(f"no message with Message-ID <{message_id}> within {timeout:.0f}s "
                                     f"({self.count()} others arrived)")
            with self._lock:
                self._lock.wait(0.2)

    def by_message_id(self) -> dict[str, list[ReceivedMessage]]:
        """Every received message grouped by its Message-ID (without angle brackets)."""
        grouped: dict[str, list[ReceivedMessage]] = {}
        for message in self.messages:
            grouped.setdefault(message.message_id or "", []).append(message)
        return grouped

    def to(self, address: str) -> list[ReceivedMessage]:
        return [m for m in self.messages if address in m.rcpt_tos]

    def quiet_for(self, seconds: float, expected: int) -> None:
        """The deliberate wait: asserts that no more than `expected` messages arrive within `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.count() <= expected, f"{self.count()} messages arrived, expected {expected}"
            time.sleep(0.1)
        assert self.count() <= expected, f"{self.count()} messages arrived, expected {expected}"


def _is_tls(server, session) -> bool:
    """STARTTLS sets session.ssl; with implicit TLS the transport itself is the TLS one."""
    if getattr(session, "ssl", None) is not None:
        return True
    transport = getattr(server, "transport", None)
    return transport is not None and transport.get_extra_info("ssl_object") is not None


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


"""Local servers that speak the group robots' protocols and SMTP, for sending tests.

``RobotServer(kind)`` is WeCom's, DingTalk's or Feishu's webhook on 127.0.0.1 (an ephemeral
port, a thread): it checks what those platforms check (the key or token, the signature and its
timestamp, the byte limits, the rate per robot) and answers as they do, HTTP 200 with an error
code in the body. ``MailServer`` is a real SMTP server (aiosmtpd): plain, STARTTLS or SSL with
a self-signed certificate, with a login when given one.

Both record what arrived (``arrivals``: every request; ``posted``/``messages``: what the group
or mailbox shows) and take orders for what to answer next (``answer_next``), and a robot can
hold a request in flight (``hold``) so that a test can kill the sender mid-send.

Import the fixtures a test uses: ``from platforms import wecom_robot, mail_server``. A TLS
server's certificate is trusted by pointing SSL_CERT_FILE at it (``trust``), as an office
would install its own CA.
"""
from __future__ import annotations

import base64
import email
import email.policy
import hashlib
import hmac
import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

TOKEN = "tok-5e1f0a2b"
SECRET = "SECtest0123456789"

# What each platform answers, as its documentation shows it.
OK = {
    "wecom": {"errcode": 0, "errmsg": "ok"},
    "dingtalk": {"errcode": 0, "errmsg": "ok"},
    "feishu": {"code": 0, "msg": "success", "data": {}},
}
ERRORS = {
    ("wecom", 93000): "invalid webhook url, hint: [1700000000_1_abc]",
    ("wecom", 45009): "api freq out of limit, hint: [1700000000_2_abc]",
    ("wecom", 40058): "markdown.content exceed max length 4096. invalid Request Parameter",
    ("wecom", 44004): "empty content",
    ("wecom", 40008): "invalid message type",
    ("wecom", -1): "system busy",
    ("dingtalk", 300001): "token is not exist",
    ("dingtalk", 310000): "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]",
    ("dingtalk", 130101): "send too fast, exceed 20 times per minute",
    ("dingtalk", 460101): "message too long, exceed 20000 bytes",
    ("dingtalk", -1): "system busy",
    ("feishu", 19001): "param invalid: incoming webhook access token invalid",
    ("feishu", 19021): "sign match fail or timestamp is not within one hour from current time",
    ("feishu", 19024): "Key Words Not Found",
    ("feishu", 11232): "frequency limited psm[lark.oapi.app_platform_runtime]appID[1]",
    ("feishu", 9499): "Bad Request",
}
PATHS = {"wecom": "/cgi-bin/webhook/send", "dingtalk": "/robot/send", "feishu": "/open-apis/bot/v2/hook/"}


def error_body(kind: str, code: int, text: str | None = None) -> dict:
    said = text if text is not None else ERRORS.get((kind, code), "error")
    if kind == "feishu":
        return {"code": code, "msg": said, "data": {}}
    return {"errcode": code, "errmsg": said}


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for localhost and 127.0.0.1 and its key (openssl's command line)."""
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def trust(monkeypatch: pytest.MonkeyPatch, cert: Path) -> None:
    """Make this process (and the commands it starts) trust ``cert``, and nothing else."""
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)


@dataclass
class Arrival:
    """One request as the robot received it, and what it answered."""

    path: str
    query: dict
    raw: bytes
    body: dict | None
    status: int = 0
    answer: dict | None = None

    @property
    def accepted(self) -> bool:
        return self.status == 200 and bool(self.answer) and self.answer.get("errcode", self.answer.get("code")) == 0

    @property
    def text(self) -> str:
        """What the group shows: the message's words, whatever its type."""
        body = self.body or {}
        kind = body.get("msgtype") or body.get("msg_type")
        if kind in ("markdown",):
            part = body["markdown"]
            return part.get("content") or part.get("text", "")
        if kind == "text":
            return body["text"].get("content", "")
        if kind == "interactive":
            card = body["card"]
            title = card.get("header", {}).get("title", {}).get("content", "")
            return "\n".join([title] + [e.get("text", {}).get("content", "") for e in card.get("elements", [])])
        return json.dumps(body, ensure_ascii=False)


@dataclass
class Script:
    """Answers given before the platform's own, one per request, in order."""

    queue: deque = field(default_factory=deque)

    def take(self):
        return self.queue.popleft() if self.queue else None


class RobotServer:
    """One group robot of ``kind`` on 127.0.0.1; ``url`` is its webhook address."""

    def __init__(self, kind: str, secret: str | None = None, token: str = TOKEN, keywords: tuple[str, ...] = (),
                 clock=time.time, tls: tuple[Path, Path] | None = None):
        self.kind, self.secret, self.token, self.keywords, self.clock = kind, secret, token, keywords, clock
        self.arrivals: list[Arrival] = []
        self.script = Script()
        self.lock = threading.Lock()
        self._sent_at: deque = deque()  # clock times of accepted messages
        self.blocked_until = 0.0
        self._held = threading.Event()
        self._held.set()
        self.arrived = threading.Event()  # set when a request comes in (cleared by the test)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.scheme = "http"
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        base = f"{self.scheme}://{'localhost' if self.scheme == 'https' else '127.0.0.1'}:{self.port}"
        if self.kind == "wecom":
            return f"{base}{PATHS['wecom']}?key={self.token}"
        if self.kind == "dingtalk":
            return f"{base}{PATHS['dingtalk']}?access_token={self.token}"
        return f"{base}{PATHS['feishu']}{self.token}"

    # -- what a test asks of it -------------------------------------------------------

    def answer_next(self, *answers) -> None:
        """Answers for the next requests, before the platform's own checks:
        an error code (int), ``("http", status, text)``, ``"close"`` (cut the connection
        without an answer) or ``("slow", seconds)`` (answer normally, that much later)."""
        with self.lock:
            self.script.queue.extend(answers)

    def hold(self) -> None:
        """Keep every request from now on waiting, already received, until ``release``."""
        self._held.clear()

    def release(self) -> None:
        self._held.set()

    @property
    def posted(self) -> list[Arrival]:
        """The messages the group shows, in order."""
        with self.lock:
            return [a for a in self.arrivals if a.accepted]

    def close(self) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- the platform -----------------------------------------------------------------

    def _handler(self):
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                """Quiet: the server's requests are the test's to look at, not stderr's."""

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                split = urlsplit(self.path)
                try:
                    body = json.loads(raw.decode("utf-8"))
                except ValueError:
                    body = None
                arrival = Arrival(split.path, {k: v[0] for k, v in parse_qs(split.query).items()}, raw, body)
                with robot.lock:
                    robot.arrivals.append(arrival)
                    scripted = robot.script.take()
                robot.arrived.set()
                robot._held.wait()
                if scripted == "close":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if isinstance(scripted, tuple) and scripted[0] == "slow":
                    time.sleep(scripted[1])
                    scripted = None
                if isinstance(scripted, tuple) and scripted[0] == "http":
                    status, text = scripted[1], scripted[2].encode("utf-8")
                    arrival.status = status
                    self.send_response(status)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(len(text)))
                    self.end_headers()
                    self.wfile.write(text)
                    return
                with robot.lock:
                    answer = error_body(robot.kind, scripted) if isinstance(scripted, int) else robot._judge(arrival)
                arrival.status, arrival.answer = 200, answer
                data = json.dumps(answer, ensure_ascii=False).encode("utf-8")
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    # The sender was killed while held: the group shows the message all the same.
                    self.close_connection = True

        return Handler

    def _judge(self, arrival: Arrival) -> dict:
        return {"wecom": self._wecom, "dingtalk": self._dingtalk, "feishu": self._feishu}[self.kind](arrival)

    def _rate(self, count: int, seconds: float) -> bool:
        """True when another message now would be more than ``count`` in ``seconds``."""
        now = self.clock()
        return sum(1 for t in self._sent_at if now - t < seconds) >= count

    def _accept(self) -> dict:
        self._sent_at.append(self.clock())
        return OK[self.kind]

    def _wecom(self, arrival: Arrival) -> dict:
        if arrival.path != PATHS["wecom"] or arrival.query.get("key") != self.token:
            return error_body("wecom", 93000)
        body = arrival.body
        if not isinstance(body, dict) or body.get("msgtype") not in ("text", "markdown"):
            return error_body("wecom", 40008)
        kind = body["msgtype"]
        content = (body.get(kind) or {}).get("content") or ""
        if not content:
            return error_body("wecom", 44004)
        limit = 4096 if kind == "markdown" else 2048
        if len(content.encode("utf-8")) > limit:
            return error_body("wecom", 40058, f"{kind}.content exceed max length {limit}. invalid Request Parameter")
        if self._rate(20, 60.0):
            return error_body("wecom", 45009)
        return self._accept()

    def _dingtalk(self, arrival: Arrival) -> dict:
        if arrival.path != PATHS["dingtalk"] or arrival.query.get("access_token") != self.token:
            return error_body("dingtalk", 300001)
        if self.clock() < self.blocked_until:
            return error_body("dingtalk", 130101)
        if self.secret:
            stamp, sign = arrival.query.get("timestamp", ""), arrival.query.get("sign", "")
            if not stamp.isdigit() or abs(int(stamp) - self.clock() * 1000) > 3600_000:
                return error_body("dingtalk", 310000, "invalid timestamp")
            digest = hmac.new(self.secret.encode(), f"{stamp}\n{self.secret}".encode(), hashlib.sha256).digest()
            if not hmac.compare_digest(base64.b64encode(digest).decode(), sign):
                return error_body("dingtalk", 310000)
        if len(arrival.raw) > 20000:
            return error_body("dingtalk", 460101)
        if self.keywords and not any(k in arrival.raw.decode("utf-8", "replace") for k in self.keywords):
            return error_body("dingtalk", 310000, "keywords not in content")
        if self._rate(20, 60.0):
            # DingTalk blocks a robot that goes faster for ten minutes.
            self.blocked_until = self.clock() + 600
            return error_body("dingtalk", 130101)
        return self._accept()

    def _feishu(self, arrival: Arrival) -> dict:
        if arrival.path != PATHS["feishu"] + self.token:
            return error_body("feishu", 19001)
        body = arrival.body
        if len(arrival.raw) > 20000 or not isinstance(body, dict) or "msg_type" not in body:
            return error_body("feishu", 9499)
        if self.secret:
            stamp, sign = str(body.get("timestamp", "")), str(body.get("sign", ""))
            digest = hmac.new(f"{stamp}\n{self.secret}".encode(), b"", hashlib.sha256).digest()
            if (not stamp.isdigit() or abs(int(stamp) - self.clock()) > 3600
                    or not hmac.compare_digest(base64.b64encode(digest).decode(), sign)):
                return error_body("feishu", 19021)
        if self.keywords and not any(k in arrival.raw.decode("utf-8", "replace") for k in self.keywords):
            return error_body("feishu", 19024)
        if self._rate(5, 1.0) or self._rate(100, 60.0):
            return error_body("feishu", 11232)
        return self._accept()


# -- mail -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailServer:
    """An SMTP server on 127.0.0.1: ``mode`` plain, starttls or ssl (the last two need
    ``tls``, a certificate and key); with ``user``/``password`` it wants a login."""

    def __init__(self, mode: str = "plain", tls: tuple[Path, Path] | None = None,
                 user: str | None = None, password: str | None = None):
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        self.mode, self.user, self.password = mode, user, password
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list = []
        self.replies: deque = deque()  # replies to the next DATA commands, e.g. "451 4.3.0 try later"
        server = self

        class Handler:
            async def handle_DATA(self, smtp, session, envelope):
                if server.replies:
                    return server.replies.popleft()
                server.envelopes.append(envelope)
                server.messages.append(email.message_from_bytes(envelope.original_content or envelope.content,
                                                                policy=email.policy.default))
                return "250 2.0.0 Ok: queued as 4F2A1"

        def authenticator(smtp, session, envelope, mechanism, auth_data):
            ok = (auth_data.login.decode() == user and auth_data.password.decode() == password)
            return AuthResult(success=ok, handled=False)

        kwargs: dict = {}
        context = None
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
        if mode == "starttls":
            kwargs.update(tls_context=context, require_starttls=True)
        if user:
            kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=mode == "starttls")
        self.port = free_port()
        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, server_hostname="localhost",
                                      ssl_context=context if mode == "ssl" else None, **kwargs)
        self._controller.start()

    def url(self, user: str | None = None) -> str:
        who = f"{user}@" if user else (f"{self.user}@" if self.user else "")
        host = "localhost" if self.mode != "plain" else "127.0.0.1"
        return f"{'smtps' if self.mode == 'ssl' else 'smtp'}://{who}{host}:{self.port}"

    def close(self) -> None:
        self._controller.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# -- fixtures -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def test_cert(tmp_path_factory) -> tuple[Path, Path]:
    return self_signed(tmp_path_factory.mktemp("cert"))


@pytest.fixture
def wecom_robot():
    with RobotServer("wecom") as robot:
        yield robot


@pytest.fixture
def dingtalk_robot():
    with RobotServer("dingtalk", secret=SECRET) as robot:
        yield robot


@pytest.fixture
def feishu_robot():
    with RobotServer("feishu", secret=SECRET) as robot:
        yield robot


@pytest.fixture
def mail_server():
    with MailServer() as server:
        yield server

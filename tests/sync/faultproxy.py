"""A loopback HTTP proxy for the sync tests: injects faults, throttles uploads, records traffic.

It stands between the client and the sandbox as a reverse proxy (the client's base URL points at
it). Per request, with probability ``fault_rate``, it answers 503 or 429 with Retry-After
(seconds or an HTTP date), resets the connection (before forwarding, or after the platform
processed the request, mid-answer), stalls past the client's read timeout after forwarding,
truncates the answer's body, or answers an HTML page with status 200 (in place of the platform's
answer, sometimes after forwarding); asked by name (``ODD_SUCCESSES``), a 200 holding an OperationOutcome
or an empty 200 after forwarding. ``rate`` throttles the request bodies (bytes per second).

As a satellite link (``cut_every_s`` and/or ``latency_s`` given), it forwards each request's body
as it crosses the link instead of whole: the link carries ``rate`` bytes per second upstream for all
its connections together, every answer comes one round trip (``latency_s``) after its request and
a new connection costs one more (the handshake), connections stay open between requests, and
every ``cut_every_s`` seconds every open connection is cut (the client's and the platform's side
at once, so the platform sees the body end where the cut fell). ``wire_up`` / ``wire_down`` count
the bytes that crossed the link each way (heads included).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.client
import random
import socket
import socketserver
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import format_datetime
from urllib.parse import urlsplit

from app import clock

FAULTS = ("503", "429", "reset-before", "reset-after", "stall", "truncate", "html")
#: Asked for by name only (``faults=``), after the platform processed the request: a 200 holding an
#: OperationOutcome in place of its answer, and a 200 with an empty body.
ODD_SUCCESSES = ("outcome200", "empty")
_OUTCOME_200 = (
    b'{"resourceType": "OperationOutcome", "issue": [{"severity": "information", "code": "informational",'
    b' "diagnostics": "Request forwarded"}]}'
)
_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "te", "upgrade", "content-length"}


@dataclass
class Exchange:
    method: str
    path: str
    fault: str | None
    status: int | None = None
    body_sha1: str | None = None
    location: str | None = None
    #: The request's body, kept only for a proxy given ``before`` (to answer by what a request holds).
    body: bytes = field(default=b"", repr=False)
    at: float = field(default_factory=time.monotonic)
    answered_at: float | None = None


@dataclass
class ProxyStats:
    exchanges: list[Exchange] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def faults(self) -> dict[str, int]:
        with self.lock:
            counts: dict[str, int] = {}
            for exchange in self.exchanges:
                if exchange.fault:
                    counts[exchange.fault] = counts.get(exchange.fault, 0) + 1
            return counts


class FaultProxy:
    def __init__(
        self,
        upstream: str,
        *,
        fault_rate: float = 0.0,
        seed: int = 0,
        stall_s: float = 1.5,
        rate: float | None = None,
        faults: tuple[str, ...] = FAULTS,
        cut_every_s: float | None = None,
        latency_s: float = 0.0,
        after: Callable[[Exchange, dict[str, str]], str | None] | None = None,
        before: Callable[[Exchange], tuple[int, dict[str, str], bytes] | None] | None = None,
    ) -> None:
        parts = urlsplit(upstream)
        self.upstream_host = parts.hostname or "127.0.0.1"
        self.upstream_port = parts.port or 80
        self.upstream_path = parts.path.rstrip("/")
        self.fault_rate = fault_rate
        self.rng = random.Random(seed)
        self.rng_lock = threading.Lock()
        self.stall_s = stall_s
        self.rate = rate
        self.faults = faults
        #: Called with each exchange forwarded and the platform's answer's headers (lower case), which it
        #: may change; returns a fault to make of that answer (``stall``, ``reset-after``…), or None.
        self.after = after
        #: Called with each exchange before it is forwarded; returns an answer (status, headers, body) made
        #: in the platform's place (a gateway or a tus front refusing it), or None to forward it.
        self.before = before
        self.stats = ProxyStats()
        self._block: list[bool] = []
        self._kinds: list[str] = []
        self._closing = threading.Event()
        self.cut_every_s = cut_every_s
        self.latency_s = latency_s
        self.link = cut_every_s is not None or latency_s > 0
        self.wire_up = 0
        self.wire_down = 0
        self.cuts = 0
        self._link_lock = threading.Lock()
        self._link_free_at = 0.0
        self._live: set[socket.socket] = set()
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                if proxy.link:
                    proxy._handle_link(self.request)
                else:
                    proxy._handle(self.request)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True
            block_on_close = False

        self.server = Server(("127.0.0.1", 0), Handler, bind_and_activate=False)
        if self.link:
            # A link's own buffers are small: a client cannot push megabytes ahead of what crossed it.
            self.server.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 * 1024)
        self.server.server_bind()
        self.server.server_activate()
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        self._cutter: threading.Thread | None = None
        if cut_every_s is not None:
            self._cutter = threading.Thread(target=self._cut_periodically, args=(cut_every_s,), daemon=True)
            self._cutter.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{self.upstream_path}"

    def close(self) -> None:
        self._closing.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
        if self._cutter is not None:
            self._cutter.join()
        self._cut_all()

    # -- the satellite link --------------------------------------------------------------------

    def _cut_periodically(self, period: float) -> None:
        started = time.monotonic()
        n = 1
        while not self._closing.wait(max(0.0, started + n * period - time.monotonic())):
            self.cuts += 1  # counted before the cut: a client that sees its connection cut sees it counted
            self._cut_all()
            n += 1

    def _cut_all(self) -> None:
        with self.stats.lock:
            live = list(self._live)
        for conn in live:
            with contextlib.suppress(OSError):
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                conn.shutdown(socket.SHUT_RDWR)

    def _cross(self, n: int) -> None:
        """Wait until ``n`` more bytes have crossed the link (shared by every connection)."""
        if not self.rate:
            return
        with self._link_lock:
            now = time.monotonic()
            start = max(now, self._link_free_at)
            self._link_free_at = start + n / self.rate
            until = self._link_free_at
        self._closing.wait(max(0.0, until - time.monotonic()))

    def _handle_link(self, conn: socket.socket) -> None:
        conn.settimeout(30)
        with self.stats.lock:
            self._live.add(conn)
        reader = conn.makefile("rb")
        upstream: http.client.HTTPConnection | None = None
        try:
            self._closing.wait(self.latency_s)  # the handshake
            while True:
                head = self._read_head(reader)
                if head is None:
                    return
                request_line, headers = head
                with self.stats.lock:
                    self.wire_up += len(request_line) + 4 + sum(len(k) + len(v) + 4 for k, v in headers.items())
                method, path, _ = request_line.split(" ", 2)
                length = int(headers.get("content-length", "0") or 0)
                exchange = Exchange(method, path.split("?")[0], None)
                with self.stats.lock:
                    self.stats.exchanges.append(exchange)
                upstream = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=60)
                upstream.putrequest(method, path, skip_accept_encoding=True)
                for name, value in headers.items():
                    if name != "host" and (name not in _HOP or name == "content-length"):
                        upstream.putheader(name, value)
                if "content-length" not in headers and method in ("POST", "PUT", "PATCH"):
                    upstream.putheader("Content-Length", "0")
                upstream.endheaders()
                remaining = length
                while remaining > 0:
                    piece = reader.read1(min(8192, remaining))
                    if not piece:
                        return  # cut mid-body: the platform sees its body end here
                    with self.stats.lock:
                        self.wire_up += len(piece)
                    self._cross(len(piece))
                    upstream.send(piece)
                    remaining -= len(piece)
                response = upstream.getresponse()
                payload = response.read()
                reply_headers = {k.lower(): v for k, v in response.getheaders() if k.lower() not in _HOP}
                exchange.status, exchange.location = response.status, reply_headers.get("location")
                exchange.answered_at = time.monotonic()
                upstream.close()
                upstream = None
                self._closing.wait(self.latency_s)  # the round trip
                declared = (
                    int(response.getheader("Content-Length") or len(payload)) if method == "HEAD" else len(payload)
                )
                out = (
                    self._head_bytes(status=response.status, headers=reply_headers, length=declared, keep_alive=True)
                    + payload
                )
                with self.stats.lock:
                    self.wire_down += len(out)
                conn.sendall(out)
        except OSError:
            pass
        finally:
            if upstream is not None:
                upstream.close()  # the platform's side of the cut
            with self.stats.lock:
                self._live.discard(conn)
            reader.close()
            with contextlib.suppress(OSError):
                conn.close()

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one connection ----------------------------------------------------------------------

    def _pick(self) -> str | None:
        """Exactly ``fault_rate`` of each block of 20 requests is faulted, at random places; the kinds
        come round in a shuffled cycle so that every kind is exercised."""
        with self.rng_lock:
            if not self.fault_rate:
                return None
            if not self._block:
                hits = round(self.fault_rate * 20)
                self._block = [True] * hits + [False] * (20 - hits)
                self.rng.shuffle(self._block)
            if not self._block.pop():
                return None
            if not self._kinds:
                self._kinds = list(self.faults)
                self.rng.shuffle(self._kinds)
            return self._kinds.pop()

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(30)
        reader = conn.makefile("rb")
        try:
            head = self._read_head(reader)
            if head is None:
                return
            request_line, headers = head
            method, path, _ = request_line.split(" ", 2)
            length = int(headers.get("content-length", "0") or 0)
            body = self._read_body(reader, length)
            fault = self._pick()
            exchange = Exchange(method, path.split("?")[0], fault)
            if method == "POST" and path.split("?")[0].endswith("/Binary"):
                exchange.body_sha1 = base64.b64encode(hashlib.sha1(body, usedforsecurity=False).digest()).decode()
            with self.stats.lock:
                self.stats.exchanges.append(exchange)
            if self.before is not None:
                exchange.body = body
            made = self.before(exchange) if self.before is not None else None
            if made is not None:
                exchange.status = made[0]
                self._reply(conn, *made)
                return
            if fault == "503":
                self._reply(conn, 503, {"Retry-After": self._choice(["0", "1"])}, b"")
                return
            if fault == "429":
                when = format_datetime(clock.utc_now() + timedelta(seconds=1), usegmt=True)
                self._reply(conn, 429, {"Retry-After": self._choice(["1", when])}, b"")
                return
            if fault == "reset-before":
                self._reset(conn)
                return
            if fault == "html" and self._choice([True, False]):
                self._reply(conn, 200, {"Content-Type": "text/html"}, b"<html><body>Portail Wi-Fi</body></html>")
                return
            status, reply_headers, payload = self._forward(method, path, headers, body)
            exchange.status = status
            exchange.location = reply_headers.get("location")
            if self.after is not None:
                fault = self.after(exchange, reply_headers) or fault
            if fault == "reset-after":
                head_bytes = self._head_bytes(status, reply_headers, len(payload))
                conn.sendall(head_bytes + payload[: len(payload) // 2])
                self._reset(conn)
            elif fault == "stall":
                self._closing.wait(self.stall_s)
                self._reset(conn)
            elif fault == "truncate":
                conn.sendall(self._head_bytes(status, reply_headers, len(payload)) + payload[: len(payload) // 2])
            elif fault == "html":
                self._reply(conn, 200, {"Content-Type": "text/html"}, b"<html><body>Portail Wi-Fi</body></html>")
            elif fault == "outcome200":  # a gateway's « success » that is no answer of the platform's
                self._reply(conn, 200, {"Content-Type": "application/fhir+json"}, _OUTCOME_200)
            elif fault == "empty":
                self._reply(conn, 200, {"Content-Type": "application/fhir+json"}, b"")
            else:
                conn.sendall(self._head_bytes(status, reply_headers, len(payload)) + payload)
        except OSError:
            pass
        finally:
            reader.close()
            with contextlib.suppress(OSError):
                conn.close()

    def _choice(self, options: list[object]) -> object:  # type: ignore[type-arg]
        with self.rng_lock:
            return self.rng.choice(options)

    @staticmethod
    def _read_head(reader: object) -> tuple[str, dict[str, str]] | None:
        lines: list[str] = []
        while True:
            line = reader.readline(65536)  # type: ignore[attr-defined]
            if not line:
                return None
            if line in (b"\r\n", b"\n"):
                break
            lines.append(line.decode("latin-1").rstrip("\r\n"))
        if not lines:
            return None
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        return lines[0], headers

    def _read_body(self, reader: object, length: int) -> bytes:
        chunks: list[bytes] = []
        remaining = length
        started = time.monotonic()
        received = 0
        while remaining > 0:
            chunk = reader.read(min(65536, remaining))  # type: ignore[attr-defined]
            if not chunk:
                raise OSError("client closed mid-body")
            chunks.append(chunk)
            remaining -= len(chunk)
            received += len(chunk)
            if self.rate:
                ahead = received / self.rate - (time.monotonic() - started)
                if ahead > 0:
                    time.sleep(ahead)
        return b"".join(chunks)

    def _forward(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        upstream = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=60)
        try:
            sent = {k: v for k, v in headers.items() if k not in _HOP and k != "host"}
            sent["Content-Length"] = str(len(body))
            upstream.request(method, path, body=body if body or method in ("POST", "PUT") else None, headers=sent)
            response = upstream.getresponse()
            payload = response.read()
            reply_headers = {k.lower(): v for k, v in response.getheaders() if k.lower() not in _HOP}
            return response.status, reply_headers, payload
        finally:
            upstream.close()

    @staticmethod
    def _head_bytes(status: int, headers: dict[str, str], length: int, keep_alive: bool = False) -> bytes:
        lines = [f"HTTP/1.1 {status} {http.client.responses.get(status, 'Status')}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        lines += [f"Content-Length: {length}", "Connection: keep-alive" if keep_alive else "Connection: close", "", ""]
        return "\r\n".join(lines).encode("latin-1")

    def _reply(self, conn: socket.socket, status: int, headers: dict[str, str], body: bytes) -> None:
        conn.sendall(self._head_bytes(status, headers, len(body)) + body)

    @staticmethod
    def _reset(conn: socket.socket) -> None:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

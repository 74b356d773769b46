"""The sandbox over HTTP: a standard-library threading server and the `SandboxServer` handle.

`SandboxServer` is what tests and the CLI hold: it owns the store, the simulated expert and
the HTTP server, starts them in background threads and stops them cleanly — every
connection closed and every thread joined, so pytest's warnings-as-errors stay quiet.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import re
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from app import clock
from app.crypto import DataKey
from app.urls import is_loopback
from sync.sandbox.api import Fault, Platform, Reply, Request, error_reply
from sync.sandbox.auth import TokenAuthority
from sync.sandbox.errors import FhirError
from sync.sandbox.expert import SimulatedExpert
from sync.sandbox.storage import Store, identifiers_of

log = logging.getLogger(__name__)


_TUS_UPLOAD = re.compile(r"^/fhir/tus/[A-Za-z0-9\-.]{1,64}/?$")


#: Linux's tables of TCP sockets: each connection's two ends and the user id owning each socket.
_SOCKET_TABLES = (Path("/proc/net/tcp"), Path("/proc/net/tcp6"))


def _endpoint(field: str) -> tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, int] | None:
    """An address of /proc/net/tcp{,6} (``0100007F:1F90``: 32-bit words in the host's byte order)."""
    address, _sep, port = field.partition(":")
    try:
        raw = b"".join(int(address[i : i + 8], 16).to_bytes(4, sys.byteorder) for i in range(0, len(address), 8))
        return ipaddress.ip_address(raw), int(port, 16)
    except ValueError:
        return None


def connection_owner(client: tuple[str, int], server: tuple[str, int]) -> int | None:
    """The user id owning the client's end of the TCP connection ``client`` → ``server`` on this machine,
    read from Linux's socket tables; None where they cannot tell (another system, or tables that do not
    even list the server's own end of it); -1 for a client end not listed."""
    client_end = (ipaddress.ip_address(client[0]), int(client[1]))
    server_end = (ipaddress.ip_address(server[0]), int(server[1]))
    listed = False
    for table in _SOCKET_TABLES:
        with contextlib.suppress(OSError):
            for line in table.read_text("ascii", "replace").splitlines()[1:]:
                fields = line.split()
                if len(fields) <= 7:
                    continue
                ends = (_endpoint(fields[1]), _endpoint(fields[2]))
                if ends == (client_end, server_end):
                    return int(fields[7])
                listed = listed or ends == (server_end, client_end)
    return -1 if listed else None


class _TooLarge(Exception):
    pass


class _CutShort(Exception):
    """The connection ended before the body's declared end."""


class Served(Protocol):
    """What the HTTP layer serves: the FHIR platform, or the PSC-like provider (sync/sandbox/psc.py)."""

    max_binary_bytes: int

    def handle(self, request: Request) -> Reply: ...

    def too_large(self, size: int) -> FhirError: ...


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # Keep-alive, as the client's requests.Session expects.
    server: _HTTPServer
    #: Whether the connection comes from this account's programs (``_HTTPServer.own_account``).
    _own_account: bool | None = None

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The Date header on the app's clock (app/clock.py): the sandbox stands for a platform whose clock
        agrees with the workstation's, a test run on a later day (tests/conftest.py ``--shift-days``) too."""
        return super().date_time_string(clock.utc_now().timestamp() if timestamp is None else timestamp)

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_OPTIONS(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.client_address[0], *args)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own refusals (bad request line, unknown method) as OperationOutcomes, not HTML."""
        self.close_connection = True
        diagnostics = message or self.responses.get(code, ("Erreur",))[0]
        self._send(error_reply(FhirError.one(code, f"HTTP {code} : {diagnostics}", code="exception")))

    def _dispatch(self) -> None:
        platform = self.server.platform
        url = urlsplit(self.path)
        headers = {key.lower(): value for key, value in self.headers.items()}
        if not self.server.host_allowed(headers.get("host")):
            # A web page whose name was rebound to 127.0.0.1 sends its own name: refuse before anything.
            self.close_connection = True
            words = "En-tête Host refusé : ce bac à sable ne répond qu'à son adresse de boucle locale"
            self._send(error_reply(FhirError.one(421, words, code="security")))
            return
        if self._own_account is None:  # once a connection: its owner does not change
            self._own_account = self.server.own_account(self.client_address)
        if not self._own_account:
            # Another account of this machine: loopback is shared by every user (found from outside: a
            # sandbox without a token served its patients to any local account).
            self.close_connection = True
            words = "Ce bac à sable ne répond qu'aux programmes du compte qui l'a lancé sur ce poste"
            self._send(error_reply(FhirError.one(403, words, code="security")))
            return
        # (The PSC-like provider served by this class too takes no uploads.)
        if (
            self.command == "PATCH"
            and _TUS_UPLOAD.match(url.path)
            and isinstance(platform, Platform)
            and platform.resumable
        ):
            self._tus_patch(platform, url.path, url.query, headers)
            return
        raw_binary = (
            url.path.rstrip("/").endswith("/fhir/Binary")
            and self.command == "POST"
            and not (headers.get("content-type", "").startswith(("application/fhir+json", "application/json")))
        )
        # Base64 makes a JSON Binary a third bigger than its bytes.
        limit = platform.max_binary_bytes if raw_binary else platform.max_binary_bytes * 4 // 3 + 1_000_000
        try:
            body = self._read_body(headers, limit)
        except _TooLarge as too_large:
            self._send(error_reply(platform.too_large(int(str(too_large)))))
            return
        except _CutShort:
            # A body cut on the way (a satellite link dropping the connection) is no request: a real
            # platform's front discards it, nothing stored (a truncated photo would count as an upload).
            self.close_connection = True
            return
        except ValueError as error:
            self.close_connection = True
            self._send(error_reply(FhirError.one(400, f"Requête HTTP mal formée : {error}", code="structure")))
            return
        request = Request(self.command, url.path, parse_qsl(url.query, keep_blank_values=True), headers, body)
        self._send(platform.handle(request))

    def _tus_patch(self, platform: Platform, path: str, query: str, headers: dict[str, str]) -> None:
        """A tus PATCH: its body is read as it arrives, so that what a cut connection carried is kept."""
        try:
            declared = int(headers.get("content-length", ""))
        except ValueError:
            declared = -1
        if declared < 0 or "chunked" in headers.get("transfer-encoding", "").lower():
            self.close_connection = True
            self._send(error_reply(FhirError.one(400, "PATCH tus : Content-Length exigé", code="structure")))
            return
        left = [declared]
        self.connection.settimeout(30.0)  # a client gone silent frees the upload for its next attempt

        def read(size: int) -> bytes:
            try:
                piece = self.rfile.read(min(size, left[0])) if left[0] > 0 else b""
            except OSError:
                piece = b""
            left[0] -= len(piece)
            if not piece:
                left[0] = 0
                self.close_connection = True
            return piece

        request = Request("PATCH", path, parse_qsl(query, keep_blank_values=True), headers, b"", read)
        reply = platform.handle(request)
        if left[0] > 0:  # refused before its body was read: the connection cannot carry another request
            self.close_connection = True
        self.connection.settimeout(None)
        with contextlib.suppress(OSError):
            self._send(reply)

    def _read_body(self, headers: dict[str, str], limit: int) -> bytes:
        """The request body; over `limit`, drain it (so the 413 is read, not a reset) and raise."""
        if "chunked" in headers.get("transfer-encoding", "").lower():
            chunks, size = [], 0
            while True:
                line = self.rfile.readline(1024)
                if not line:
                    raise _CutShort(size)
                length = int(line.split(b";")[0].strip() or b"0", 16)
                if length == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunk = self.rfile.read(length)
                if len(chunk) < length:
                    raise _CutShort(size + len(chunk))
                self.rfile.readline(8)
                size += length
                if size <= limit:
                    chunks.append(chunk)
            if size > limit:
                raise _TooLarge(size)
            return b"".join(chunks)
        length = int(headers.get("content-length", "0") or "0")
        if length < 0:
            raise ValueError("Content-Length négatif")
        if length > limit:
            remaining = length
            while remaining > 0:
                chunk = self.rfile.read(min(remaining, 1 << 20))
                if not chunk:  # The client gave up sending.
                    break
                remaining -= len(chunk)
            raise _TooLarge(length)
        body = self.rfile.read(length) if length else b""
        if len(body) < length:  # The connection ended mid-body (a cut link): no request to serve.
            raise _CutShort(len(body))
        return body

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header(
            "Content-Type",
            reply.content_type
            if ";" in reply.content_type or not reply.content_type.endswith("json")
            else f"{reply.content_type}; charset=utf-8",
        )
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if getattr(self, "command", None) != "HEAD":
            self.wfile.write(reply.body)


class _HTTPServer(ThreadingHTTPServer):
    # Non-daemon threads, joined by server_close(): nothing outlives stop().
    daemon_threads = False
    block_on_close = True

    def __init__(self, address: tuple[str, int], platform: Served, check_host: bool) -> None:
        self.platform = platform
        self.check_host = check_host
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def host_allowed(self, host: str | None) -> bool:
        """Whether a request's Host header names this server on loopback (always true when not checking)."""
        if not self.check_host:
            return True
        if not host:
            return False
        port = int(self.server_address[1])
        name, sep, given_port = host.strip().rpartition(":")
        if not sep or name.endswith(":") or (name.startswith("[") != name.endswith("]")):
            name, given_port = host.strip(), "80"
        if not given_port.isdigit() or int(given_port) != port:
            return False
        return is_loopback(name.removeprefix("[").removesuffix("]"))

    def own_account(self, client: Any) -> bool:
        """Whether a connection comes from a program of the account running this server (always true when
        not on loopback, where a token guards it, and where no socket table tells: another system than Linux)."""
        if not self.check_host or not hasattr(os, "getuid"):
            return True
        owner = connection_owner(
            (str(client[0]), int(client[1])), (str(self.server_address[0]), int(self.server_address[1]))
        )
        return owner is None or owner == os.getuid()

    def close_idle_connections(self) -> None:
        """Wake handler threads parked on a kept-alive connection so they can be joined."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class SandboxServer:
    """The sandbox platform: FHIR API on loopback, a store, simulated expert.

    Use as a context manager or call `start()` / `stop()`. `base_url` is the FHIR base. The
    counting API (`count`, `resources`, `binary_uploads`) reads the store directly so tests
    can check exactly-once delivery on the platform side. With `run_expert=False` the expert
    only moves when a test calls `server.expert.step()`.

    With a data `key`, the store lives in `data_dir`, sealed under it (it survives a restart);
    without one, nothing is written anywhere: the store is in memory and `data_dir` is unused.
    Bound to a loopback address, it answers only requests whose Host header names loopback and
    its port (a web page cannot reach it through DNS rebinding). With `token`, every FHIR request
    needs `Authorization: Bearer <token>`; `oauth_clients` / `oauth_users` ({} to switch the
    token endpoint off) are the OAuth accounts, demo ones when None. With `resumable` (the default)
    it offers tus 1.0 uploads at `<base>/tus` (sync/sandbox/tus.py); without, only `POST Binary`.
    """

    def __init__(
        self,
        data_dir: Path | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        answer_after_s: float = 30.0,
        question_rate: float = 0.0,
        seed: int | None = None,
        *,
        token: str | None = None,
        max_binary_bytes: int = 20 * 1024 * 1024,
        overload_rate: float = 0.0,
        max_concurrent: int | None = None,
        retry_after_s: int = 1,
        run_expert: bool = True,
        check_magic: bool = True,
        token_lifetime_s: float = 3600.0,
        oauth_clients: dict[str, str] | None = None,
        oauth_users: dict[str, str] | None = None,
        key: DataKey | None = None,
        national: bool = False,
        resumable: bool = True,
        psc: Any = None,
    ) -> None:
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self.host, self._port, self.key = host, port, key
        self.answer_after_s, self.question_rate, self.seed = answer_after_s, question_rate, seed
        self.run_expert = run_expert
        self.auth = TokenAuthority(token, oauth_clients, oauth_users, lifetime_s=token_lifetime_s)
        if psc is not None:  # A platform behind Pro Santé Connect also takes the access tokens it issued.
            self.auth.external = psc.professional_of
        self._platform_options: dict[str, Any] = {
            "max_binary_bytes": max_binary_bytes,
            "overload_rate": overload_rate,
            "max_concurrent": max_concurrent,
            "retry_after_s": retry_after_s,
            "check_magic": check_magic,
            "seed": seed,
            "national": national,
            "resumable": resumable,
        }
        self._store: Store | None = None
        self._expert: SimulatedExpert | None = None
        self._platform: Platform | None = None
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- life ---------------------------------------------------------------------------------------

    def start(self) -> SandboxServer:
        """Open the store, bind the socket, start serving and (unless told not to) the expert."""
        if self._httpd is not None:
            raise RuntimeError("sandbox already started")
        self._store = Store(self.data_dir if self.key is not None else None, self.key)
        self._expert = SimulatedExpert(
            self._store,
            self.answer_after_s,
            self.question_rate,
            self.seed,
            training=not self._platform_options["national"],
        )
        self._platform = Platform(self._store, self.auth, self._expert.wake, **self._platform_options)
        try:
            self._httpd = _HTTPServer((self.host, self._port), self._platform, is_loopback(self.host))
        except OSError:
            self._store.close()
            self._store = None
            raise
        self._platform.base_url = self._expert.base_url = self.base_url
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, name="sandbox-http", daemon=True
        )
        self._thread.start()
        if self.run_expert:
            self._expert.start()
        return self

    def stop(self) -> None:
        """Stop serving, join every thread, close the store. Safe to call twice."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.close_idle_connections()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._expert is not None:
            self._expert.stop()
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    # -- where --------------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The bound port (the real one when started with port=0)."""
        if self._httpd is None:
            return self._port
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """The FHIR base, e.g. http://127.0.0.1:PORT/fhir."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/fhir"

    @property
    def token_url(self) -> str:
        """The OAuth 2.0 token endpoint."""
        return self.base_url.removesuffix("/fhir") + "/oauth/token"

    # -- parts --------------------------------------------------------------------------------------

    @property
    def store(self) -> Store:
        """The open store (only while started)."""
        if self._store is None:
            raise RuntimeError("sandbox not started")
        return self._store

    @property
    def expert(self) -> SimulatedExpert:
        """The simulated expert; `expert.step()` advances every case now."""
        if self._expert is None:
            raise RuntimeError("sandbox not started")
        return self._expert

    @property
    def platform(self) -> Platform:
        """The FHIR API object (fault injection, request counter)."""
        if self._platform is None:
            raise RuntimeError("sandbox not started")
        return self._platform

    # -- counting API for tests -----------------------------------------------------------------------

    def resources(self, resource_type: str) -> list[dict[str, Any]]:
        """Current versions of every stored resource of a type."""
        return self.store.all(resource_type)

    def read(self, resource_type: str, resource_id: str) -> dict[str, Any] | None:
        """One resource's current version, or None."""
        return self.store.read(resource_type, resource_id)

    def history(self, resource_type: str, resource_id: str) -> list[dict[str, Any]]:
        """Every version of a resource, oldest first."""
        return self.store.history(resource_type, resource_id)

    def count(self, resource_type: str, **filters: Any) -> int:
        """How many resources of a type match every filter.

        `identifier="system|value"` (or a bare value) matches an identifier; other keywords are
        element paths with `__` between levels, lists matching when any item does:
        `count("Task", status="completed")`, `count("Media", basedOn__reference="ServiceRequest/1")`.
        """
        return sum(1 for r in self.resources(resource_type) if all(_matches(r, k, v) for k, v in filters.items()))

    @property
    def binary_uploads(self) -> int:
        """Binaries created by `POST Binary` (the platform's own PDFs excluded), across restarts."""
        return self.store.count_binaries("upload")

    def binary_bytes(self, binary_id: str) -> bytes:
        """The stored bytes of a Binary."""
        return self.store.binary_bytes(binary_id)

    # -- knobs for the client's tests -----------------------------------------------------------------

    def inject_fault(
        self, status: int = 503, count: int = 1, retry_after: str | None = "1", html: bool = False
    ) -> None:
        """Answer the next `count` requests with `status` (an OperationOutcome, or an HTML page)."""
        for _ in range(count):
            self.platform.faults.append(Fault(status, retry_after, html))

    def revoke_tokens(self, static: bool = True) -> None:
        """Invalidate every issued token (and the static token unless `static=False`)."""
        self.auth.revoke_tokens(static)

    def expire_tokens(self) -> None:
        """Expire every issued access token; refresh tokens keep working."""
        self.auth.expire_tokens()


def _matches(resource: Any, key: str, wanted: Any) -> bool:
    if key == "identifier":
        system, _, value = str(wanted).rpartition("|")
        return any((not system or s == system) and v == value for s, v in identifiers_of(resource))
    values: list[Any] = [resource]
    for part in key.split("__"):
        step: list[Any] = []
        for value in values:
            item = value.get(part) if isinstance(value, dict) else None
            step.extend(item if isinstance(item, list) else [item] if item is not None else [])
        values = step
    return wanted in values

"""Which addresses the platform and its sign-in may have: HTTPS, or plain HTTP on this machine only.

A bearer token, a client secret and patient photos go to these addresses; over plain HTTP anyone on
the way reads them. Loopback is the exception (the training sandbox, a local test platform): the
bytes never leave the machine.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
from typing import Any
from urllib.parse import SplitResult, urlsplit

from app import messages as M
from app.errors import TeleavisError, UsageError

M.add(
    {
        "url.insecure": {
            "fr": "Adresse refusée pour {key} : « {url} ». Seule une adresse https:// est admise (http:// "
            "seulement vers cette machine : localhost, 127.0.0.1, ::1), pour que le jeton et les "
            "photos ne circulent jamais en clair.",
            "en": "Address refused for {key}: “{url}”. Only an https:// address is accepted (http:// only to "
            "this machine: localhost, 127.0.0.1, ::1), so that the token and the photos never travel "
            "in clear.",
        },
        "url.ambiguous": {
            "fr": "Adresse refusée pour {key} : « {url} ». Une adresse ne doit contenir ni espace, ni barre "
            "oblique inverse « \\ », ni nom d'utilisateur avant « @ » : recopiez l'adresse exacte donnée par la "
            "plateforme.",
            "en": "Address refused for {key}: “{url}”. An address must contain no space, no backslash “\\” and "
            "no user name before “@”: copy the exact address the platform gave.",
        },
        "url.proxy_scheme": {
            "fr": "Adresse refusée pour proxy : elle doit commencer par http:// ou https://, par exemple "
            "« http://proxy:3128 » (avec un identifiant : « http://utilisateur:mot-de-passe@proxy:3128 »).",
            "en": "Address refused for proxy: it must start with http:// or https://, for example "
            "“http://proxy:3128” (with a user name: “http://user:password@proxy:3128”).",
        },
        "url.proxy_unusable": {
            "fr": "Le proxy enregistré (réglage proxy) est inutilisable : rien n'est envoyé sans lui. Retapez-le "
            "dans Réglages > Plateforme, par exemple « http://proxy:3128 » (avec un identifiant : "
            "« http://utilisateur:mot-de-passe@proxy:3128 »), ou videz-le s'il n'en faut pas.",
            "en": "The saved proxy (setting proxy) cannot be used: nothing is sent without it. Type it again in "
            "Settings > Platform, for example “http://proxy:3128” (with a user name: "
            "“http://user:password@proxy:3128”), or clear it if none is needed.",
        },
        "url.insecure_short": {
            "fr": "adresse http:// refusée hors de cette machine : https:// exigé",
            "en": "http:// address refused off this machine: https:// required",
        },
    }
)

#: Settings whose value is an address a secret or patient data is sent to.
SECURE_URL_SETTINGS = ("platform.url", "platform.token_url")
#: The same rule for the Pro Santé Connect issuer, set with ``config set`` only (the window's platform form
#: checks the two above, which it edits).
SECURE_URL_CONFIG_ONLY = ("platform.oidc_issuer",)


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1), as written in a URL or Host."""
    name = host.strip().lower().removeprefix("[").removesuffix("]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


#: Never in a platform's address: a backslash, a space or a control character (read differently by
#: different URL parsers), nor a user name before an ``@`` (the token goes in a header, never in the URL).
_AMBIGUOUS = re.compile(r"[\\\s\x00-\x1f\x7f]")


def ambiguous_url(url: str) -> bool:
    """True when URL parsers may read ``url``'s host differently (backslash, space, control, user name)."""
    text = url.strip()
    try:
        return bool(_AMBIGUOUS.search(text)) or "@" in urlsplit(text).netloc
    except ValueError:
        return False


def _host_port(host: str | None, port: int | None) -> tuple[str, int | None]:
    """A host as the connection names it: lower case, no brackets, a non-ASCII name in its ASCII
    (IDNA) form, which urllib3 gives and ``urlsplit`` does not."""
    name = (host or "").lower().removeprefix("[").removesuffix("]")
    with contextlib.suppress(UnicodeError):  # (a name IDNA cannot write: compared as it is)
        name = name.encode("idna").decode("ascii")
    return name, port


def is_secure_url(url: str) -> bool:
    """An ``https://`` URL with a host, or an ``http://`` one to loopback.

    Found from outside: ``http://192.0.2.2:8765\\@127.0.0.1/fhir`` was taken for loopback (the standard
    library reads the host after the ``@``), while ``requests`` connected to 192.0.2.2 in clear, token and
    INS included. So the address must be plain (no backslash, space, control character or user name),
    and the parser that connects (urllib3's) must read the same scheme, host and port."""
    text = url.strip()
    if ambiguous_url(text):
        return False
    try:
        parts = urlsplit(text)
        host = parts.hostname
        port = parts.port
    except ValueError:
        return False
    if not host:
        return False
    from urllib3.exceptions import LocationParseError
    from urllib3.util import parse_url

    try:
        connects = parse_url(text)
    except LocationParseError:
        return False
    if (connects.scheme or "").lower() != parts.scheme.lower() or _host_port(connects.host, connects.port) != (
        _host_port(host, port)
    ):
        return False
    scheme = parts.scheme.lower()
    return scheme == "https" or (scheme == "http" and is_loopback(host))


def session_proxies(proxy: str | None) -> dict[str, Any]:
    """The ``requests`` proxies for the site's proxy: HTTPS only. Plain HTTP goes to this machine only
    (:func:`is_secure_url`), where no proxy is needed; found from outside: through the proxy, the token
    sent to a local test platform crossed the network in clear. The proxy as :func:`proxy_in_use` reads
    it (``TeleavisError`` when it cannot be used: never a connection without it)."""
    usable = proxy_in_use(proxy or "")
    return {"https": usable} if usable else {}


def _proxy_parts(url: str) -> SplitResult | None:
    """A proxy address split, read as the HTTP library reads it: ``http://`` when it names no scheme
    (``user:password@proxy:3128`` is a user and a password, not a scheme ``user``)."""
    text = url.strip()
    try:
        return urlsplit(text if "://" in text else f"http://{text}")
    except ValueError:
        return None


def proxy_has_userinfo(url: str) -> bool:
    """Whether a proxy address carries a user name or a password (``http://user:password@proxy:3128``),
    with or without its scheme, however badly written: either may be a secret (a token as the user
    name), and nothing else in a proxy's address has an ``@``."""
    return "@" in url


def redact_proxy(url: str) -> str:
    """A proxy address fit to show: its password replaced by ``***`` (a user name alone, and an address
    too odd to split, wholly)."""
    if not proxy_has_userinfo(url):
        return url
    parts = _proxy_parts(url)
    if parts is None or "@" not in parts.netloc:
        return "***"
    userinfo, _, host = parts.netloc.rpartition("@")
    shown = f"{parts.username}:***" if ":" in userinfo else "***"
    return parts._replace(netloc=f"{shown}@{host}").geturl()


def check_proxy(url: str, *, usage: bool = False) -> None:
    """Raise (``UsageError`` when ``usage``, else ``TeleavisError``) unless ``url`` is empty or an
    ``http://`` / ``https://`` proxy address with a host. The message never quotes the address: it may
    hold a password."""
    text = url.strip()
    if not text:
        return
    try:
        parts = urlsplit(text)
        good = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        good = False
    if not good:
        error = UsageError if usage else TeleavisError
        raise error(M.tr("url.proxy_scheme"))


def proxy_in_use(stored: str) -> str:
    """The proxy to connect through, from the setting as stored ("" for none).

    Since :func:`check_proxy`, a proxy names ``http://`` or ``https://``; an older version kept it as
    typed. Without its scheme, ``requests`` read ``user:password@proxy:3128`` as the scheme ``user``
    (and ``proxy:3128`` as the scheme ``proxy``) and refused every request, while a user name alone
    or a dotted host got ``http://``: such a proxy is read as ``http://`` (what the form now asks for),
    whole, its password with it. One that is still not a proxy address raises ``TeleavisError``
    (never quoting it): connecting without the site's proxy is not the route it asked for."""
    text = stored.strip()
    if not text:
        return ""
    usable = text if "://" in text else f"http://{text}"
    try:
        check_proxy(usable)
    except TeleavisError:
        raise TeleavisError(M.tr("url.proxy_unusable")) from None
    return usable


def shown_proxy(stored: str) -> str:
    """The proxy as a form shows it: read as :func:`proxy_in_use` reads it, its password (a user name
    alone: the user name) masked as ``config get`` masks them (:func:`redact_proxy`)."""
    text = stored.strip()
    if text and "://" not in text:
        text = f"http://{text}"
    return redact_proxy(text)


def check_secure_url(key: str, url: str, *, usage: bool = False) -> None:
    """Raise (``UsageError`` when ``usage``, else ``TeleavisError``) unless ``url`` is empty or secure."""
    if url and not is_secure_url(url):
        error = UsageError if usage else TeleavisError
        raise error(M.tr("url.ambiguous" if ambiguous_url(url) else "url.insecure", key=key, url=url))


def same_host(before: str, after: str) -> bool:
    """Whether two addresses reach the same server (scheme, host and port, as the connection reads them):
    what a secret kept for the one may be sent to the other. An empty or unreadable one reaches none."""
    try:
        first, second = urlsplit(before.strip()), urlsplit(after.strip())
        # The port the scheme means when none is written: ``:443`` written or not, the same server.
        defaults = {"https": 443, "http": 80}
        ends = [
            (part.scheme.lower(), *_host_port(part.hostname, part.port or defaults.get(part.scheme.lower())))
            for part in (first, second)
        ]
    except ValueError:
        return False
    return bool(first.hostname) and ends[0] == ends[1]

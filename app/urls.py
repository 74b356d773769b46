"""Which addresses the platform and its sign-in may have: HTTPS, or plain HTTP on this machine only.

A bearer token, a client secret and patient photos go to these addresses; over plain HTTP anyone on
the way reads them. Loopback is the exception (the training sandbox, a local test platform): the
bytes never leave the machine.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

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


def is_secure_url(url: str) -> bool:
    """An ``https://`` URL with a host, or an ``http://`` one to loopback."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return False
    if not host:
        return False
    scheme = parts.scheme.lower()
    return scheme == "https" or (scheme == "http" and is_loopback(host))


def proxy_password(url: str) -> str | None:
    """The password in a proxy URL (``http://user:password@proxy:3128``), or None."""
    try:
        return urlsplit(url.strip()).password
    except ValueError:
        return None


def redact_proxy(url: str) -> str:
    """A proxy URL fit to show: its password replaced by ``***``."""
    parts = urlsplit(url.strip())
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=f"{parts.username}:***@{host}").geturl()


def check_secure_url(key: str, url: str, *, usage: bool = False) -> None:
    """Raise (``UsageError`` when ``usage``, else ``TeleavisError``) unless ``url`` is empty or secure."""
    if url and not is_secure_url(url):
        error = UsageError if usage else TeleavisError
        raise error(M.tr("url.insecure", key=key, url=url))

"""Which keyring may hold the data key: only the operating system's own secret stores.

``keyring`` picks whatever backend is installed with the highest priority, and some store secrets
in a plain or weakly obfuscated file (``keyrings.alt``'s ``PlaintextKeyring``, its "encrypted"
file keyring asking for a password on the terminal, third-party plugins). The data key in such a
file is no better than the data in clear. So only the backends below are used; anything else is
refused, the passphrase protects the key instead, and ``teleavis doctor`` says why.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

#: The OS secret stores: GNOME/freedesktop Secret Service (through D-Bus or libsecret), KDE Wallet,
#: the macOS Keychain and Windows' Credential Locker. Named by module and class, as ``keyring`` does.
SECURE_BACKENDS: set[str] = {
    "keyring.backends.SecretService.Keyring",
    "keyring.backends.libsecret.Keyring",
    "keyring.backends.kwallet.DBusKeyring",
    "keyring.backends.kwallet.DBusKeyringKWallet4",
    "keyring.backends.macOS.Keyring",
    "keyring.backends.Windows.WinVaultKeyring",
}


def backend_name(backend: object) -> str:
    kind = type(backend)
    return f"{kind.__module__}.{kind.__qualname__}"


@dataclass(frozen=True)
class KeyringChoice:
    """The backend Teleavis uses (``None``: none is acceptable) and what was there."""

    backend: Any
    installed: str  # what ``keyring`` offered (a chainer lists its members)
    refused: tuple[str, ...]  # backends present but not trusted (plain files and the like)

    @property
    def usable(self) -> bool:
        return self.backend is not None

    @property
    def name(self) -> str:
        return type(self.backend).__name__ if self.backend is not None else ""


def _viable(backend: object) -> bool:
    try:
        return float(getattr(backend, "priority", 0)) > 0
    except Exception:  # noqa: BLE001 - a backend whose priority check fails is not viable
        return False


def choose() -> KeyringChoice:
    """The OS secret store to use, looked for in what ``keyring`` offers (also inside a chainer)."""
    try:
        import keyring
        from keyring.backends.chainer import ChainerBackend

        offered = keyring.get_keyring()
    except Exception:  # noqa: BLE001 - no keyring at all is the same as no secure one
        return KeyringChoice(None, "", ())
    members = list(offered.backends) if isinstance(offered, ChainerBackend) else [offered]
    refused: list[str] = []
    chosen = None
    for member in members:
        name = backend_name(member)
        if name.startswith(("keyring.backends.fail.", "keyring.backends.null.")):
            continue
        if name in SECURE_BACKENDS and _viable(member):
            chosen = chosen or member
        else:
            refused.append(name)
    if refused:
        log.info("keyring backends not trusted with the data key: %s", ", ".join(refused))
    installed = ", ".join(backend_name(m) for m in members) or backend_name(offered)
    return KeyringChoice(chosen, installed, tuple(refused))

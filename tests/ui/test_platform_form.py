"""The platform form (first-start wizard and settings): HTTPS only, and training data erased for a real platform."""

from __future__ import annotations

from pathlib import Path

from app.store import Store
from sync import training


def test_the_form_refuses_plain_http_and_erases_training_data_for_a_real_platform(
    qtbot: object, store: Store, teleavis_home: Path
) -> None:
    from ui.setup_forms import PlatformForm

    training.ensure_sandbox(store)
    assert (teleavis_home / "sandbox").is_dir()
    form = PlatformForm(store)
    qtbot.addWidget(form)  # type: ignore[attr-defined]
    form.real.setChecked(True)
    form.url.setText("http://plateforme.example/fhir")
    assert form.save() is False
    assert "https://" in form.result.text()
    assert store.settings.get("platform.url") == ""
    assert (teleavis_home / "sandbox").is_dir(), "nothing changed: the training data stays"

    form.url.setText("https://plateforme.example/fhir")
    form.token_url.setText("http://plateforme.example/token")
    assert form.save() is False and "platform.token_url" in form.result.text()

    form.token_url.setText("")
    assert form.save() is True and form.changed
    assert store.settings.get("platform.url") == "https://plateforme.example/fhir"
    assert not (teleavis_home / "sandbox").exists()
    assert training.ensure_sandbox(store) == "https://plateforme.example/fhir"


def test_the_form_refuses_a_proxy_without_its_scheme(qtbot: object, store: Store) -> None:
    """Found from outside: ``user:password@proxy:3128`` was taken for an address with the scheme
    ``user`` and no password, so shown and accepted as no secret. http:// or https:// is asked."""
    from ui.setup_forms import PlatformForm

    form = PlatformForm(store)
    qtbot.addWidget(form)  # type: ignore[attr-defined]
    form.real.setChecked(True)
    form.url.setText("https://plateforme.example/fhir")
    form.proxy.setText("cart7:S3cretPW@proxy.example:3128")
    assert form.save() is False
    assert "http:// ou https://" in form.result.text() and "S3cretPW" not in form.result.text()
    assert store.settings.get("proxy") == ""
    form.proxy.setText("http://cart7:S3cretPW@proxy.example:3128")
    assert form.save() is True
    assert store.settings.get("proxy") == "http://cart7:S3cretPW@proxy.example:3128"


def test_the_form_never_shows_a_proxy_password_and_keeps_one_kept_without_its_scheme(
    qtbot: object, store: Store
) -> None:
    """Found from outside: the proxy field showed the stored proxy as is, its password in clear on
    the screen (``cart7:S3cretPW@proxy:3128``, kept without its scheme by an older version, as much
    as a new ``http://…``). It shows the password masked; left so, the stored proxy is kept, with the
    http:// it is used with; edited with the mask left in, it is refused rather than saved as « *** »."""
    from ui.setup_forms import PlatformForm

    store.settings.set("platform.url", "https://plateforme.example/fhir")
    store.settings.set("training", "off")
    store.settings.set("proxy", "cart7:S3cretPW@proxy.example:3128")
    form = PlatformForm(store)
    qtbot.addWidget(form)  # type: ignore[attr-defined]
    assert "S3cretPW" not in form.proxy.text()
    assert form.proxy.text() == "http://cart7:***@proxy.example:3128"
    assert form.save() is True
    assert store.settings.get("proxy") == "http://cart7:S3cretPW@proxy.example:3128"

    form = PlatformForm(store)
    qtbot.addWidget(form)  # type: ignore[attr-defined]
    assert form.proxy.text() == "http://cart7:***@proxy.example:3128"
    form.proxy.setText("http://cart7:***@proxy2.example:3128")
    assert form.save() is False and "mot de passe du proxy" in form.result.text()
    assert store.settings.get("proxy") == "http://cart7:S3cretPW@proxy.example:3128"
    form.proxy.setText("http://cart7:N3wPW@proxy2.example:3128")
    assert form.save() is True
    assert store.settings.get("proxy") == "http://cart7:N3wPW@proxy2.example:3128"

    # A user name alone may be a token: masked whole.
    store.settings.set("proxy", "http://a1b2c3d4e5@proxy.example:3128")
    form = PlatformForm(store)
    qtbot.addWidget(form)  # type: ignore[attr-defined]
    assert form.proxy.text() == "http://***@proxy.example:3128"
    assert form.save() is True and store.settings.get("proxy") == "http://a1b2c3d4e5@proxy.example:3128"


def test_a_token_renewed_while_the_settings_are_open_is_not_written_back(qtbot: object, store: Store) -> None:
    """Found in review: the form wrote back every field as shown when it opened, so an access token renewed
    by the sending meanwhile (sync/auth.py keeps each new one) was replaced by the old, spent one at the
    save of an unrelated change. A field left as it was shown is not written."""
    from ui.setup_forms import PlatformForm

    store.settings.set("platform.url", "https://plateforme.example/fhir")
    store.settings.set("platform.token", "spent-token")
    store.settings.set("training", "off")
    form = PlatformForm(store)
    qtbot.addWidget(form)  # type: ignore[attr-defined]
    assert form.token.text() == "spent-token"
    store.settings.set("platform.token", "renewed-token")  # the sending renews it meanwhile
    form.client_id.setText("cart-7")
    assert form.save() is True
    assert store.settings.get("platform.client_id") == "cart-7"
    assert store.settings.get("platform.token") == "renewed-token"

    form = PlatformForm(store)  # a token typed anew is kept, as before
    qtbot.addWidget(form)  # type: ignore[attr-defined]
    form.token.setText("typed-token")
    assert form.save() is True
    assert store.settings.get("platform.token") == "typed-token"

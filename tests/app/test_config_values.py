"""``config set`` refuses, at once and saying why, a value that can never work: found in review, each was
accepted and the fault found only later, by a sync or ``doctor``, far from the one who typed it."""

from __future__ import annotations

from pathlib import Path

import certifi
import pytest

from app.i18n import set_language
from app.store import Store
from tests.support.cli import SITE, run_inprocess, write_json


@pytest.fixture(autouse=True)
def _site(tmp_path: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0


def _ca_bundle(teleavis_home: Path) -> object:
    with Store.open(teleavis_home) as store:
        return store.settings.get("platform.ca_bundle")


def test_a_ca_bundle_missing_unreadable_or_not_pem_is_refused_at_once(
    tmp_path: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    good = certifi.where()  # a real bundle of certificates
    assert run_inprocess(capsys, "config", "set", "platform.ca_bundle", good).code == 0
    text = tmp_path / "notes.txt"
    text.write_text("pas un certificat\n", encoding="utf-8")
    key_only = tmp_path / "cle.pem"
    key_only.write_text("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n")
    broken = tmp_path / "abime.pem"
    broken.write_text("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n")
    cases = {
        str(tmp_path / "absent.pem"): "introuvable",
        str(tmp_path): "n'est pas un fichier",
        str(text): "PEM",
        str(key_only): "PEM",
        str(broken): "PEM",
    }
    for path, said in cases.items():
        refused = run_inprocess(capsys, "config", "set", "platform.ca_bundle", path)
        assert refused.code == 2, (path, refused.err)
        assert said in refused.err and "rien n'a été enregistré" in refused.err, refused.err
        assert _ca_bundle(teleavis_home) == good  # kept as it was
    set_language("en")
    try:
        english = run_inprocess(capsys, "config", "set", "platform.ca_bundle", str(tmp_path / "absent.pem"))
    finally:
        set_language("fr")
    assert english.code == 2 and "cannot be found" in english.err and "nothing was saved" in english.err
    # A path given relative to where the command runs is kept whole: the window starts elsewhere.
    monkeypatch.chdir(Path(good).parent)
    assert run_inprocess(capsys, "config", "set", "platform.ca_bundle", Path(good).name).code == 0
    assert _ca_bundle(teleavis_home) == good
    assert run_inprocess(capsys, "config", "set", "platform.ca_bundle", "").code == 0  # cleared
    assert _ca_bundle(teleavis_home) == ""


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("platform.timeout_s", "-5"),  # the connection test said « réponse illisible (portail d'accès…) »
        ("platform.timeout_s", "nan"),
        ("platform.timeout_s", "inf"),
        ("platform.timeout_s", "0.001"),
        ("lock.minutes", "-1"),
        ("backup.every_hours", "-1"),
        ("retention.archive_days", "-3"),
        ("retention.purge_years", "-1"),
        ("sandbox.answer_after_s", "-1"),
        ("sandbox.question_rate", "7"),
    ],
)
def test_a_number_that_can_never_work_is_refused(
    teleavis_home: Path, capsys: pytest.CaptureFixture[str], key: str, value: str
) -> None:
    with Store.open(teleavis_home) as store:
        before = store.settings.get(key)
    refused = run_inprocess(capsys, "config", "set", key, value)
    assert refused.code == 2, refused.err
    assert key in refused.err and "Rien n'a été enregistré" in refused.err, refused.err
    with Store.open(teleavis_home) as store:
        assert store.settings.get(key) == before


@pytest.mark.parametrize(
    ("key", "value"),
    [("platform.timeout_s", "90"), ("lock.minutes", "0"), ("backup.every_hours", "0"), ("retention.purge_years", "0")],
)
def test_a_number_in_range_or_zero_to_turn_off_is_taken(
    capsys: pytest.CaptureFixture[str], key: str, value: str
) -> None:
    assert run_inprocess(capsys, "config", "set", key, value).code == 0


@pytest.mark.parametrize("key", ["backup.folder", "watch.folder"])
def test_a_folder_is_kept_with_its_whole_path_and_one_not_there_is_said(
    tmp_path: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    """Found in review: a folder given relative to where the command ran was kept so, and the window, started
    elsewhere, looked for it there (no backup made, nothing said); a folder not there was taken silently. The
    whole path is kept; one not there now (a drive not plugged in) is kept, and said."""
    (tmp_path / "sauvegardes").mkdir()
    monkeypatch.chdir(tmp_path)
    done = run_inprocess(capsys, "config", "set", key, "sauvegardes")
    assert done.code == 0 and "introuvable" not in done.err
    with Store.open(teleavis_home) as store:
        assert store.settings.get(key) == str(tmp_path / "sauvegardes")
    absent = run_inprocess(capsys, "config", "set", key, str(tmp_path / "cle-usb"))
    assert absent.code == 0 and "introuvable" in absent.err and str(tmp_path / "cle-usb") in absent.err
    assert run_inprocess(capsys, "config", "set", key, "").code == 0
    with Store.open(teleavis_home) as store:
        assert store.settings.get(key) == ""


def test_a_value_of_the_wrong_kind_says_what_is_expected(capsys: pytest.CaptureFixture[str]) -> None:
    # « Valeur de type incorrect pour « lock.minutes ». » left the technician guessing what to type.
    for key, text, words in (
        ("lock.minutes", "cinq", "un nombre entier"),
        ("platform.timeout_s", "trente", "un nombre"),
        ("watch.delete_originals", "peut-être", "true ou false"),
    ):
        result = run_inprocess(capsys, "config", "set", key, text)
        assert result.code == 2, result.err
        assert f"« {key} »" in result.err and words in result.err and "« " + text + " »" in result.err, result.err
    set_language("en")
    try:
        english = run_inprocess(capsys, "config", "set", "lock.minutes", "five")
    finally:
        set_language("fr")
    assert english.code == 2 and "a whole number" in english.err and "“five”" in english.err, english.err


def test_a_poll_interval_too_short_says_nothing_was_saved(capsys: pytest.CaptureFixture[str]) -> None:
    # Every other refused value says « Rien n'a été enregistré » ; this one alone left it to be guessed.
    result = run_inprocess(capsys, "config", "set", "sync.interval_s", "5")
    assert result.code == 2 and "au moins 10" in result.err and "Rien n'a été enregistré" in result.err, result.err


@pytest.mark.parametrize(("key", "value"), [("platform.timeout_s", "0"), ("lock.minutes", "300")])
def test_a_refused_number_is_quoted_as_typed(capsys: pytest.CaptureFixture[str], key: str, value: str) -> None:
    # Found by a newcomer: « config set platform.timeout_s 0 » answered « 0.0 ne peut pas fonctionner », a
    # number she had not typed.
    refused = run_inprocess(capsys, "config", "set", key, value)
    assert refused.code == 2, refused.err
    assert f": {value} ne peut pas fonctionner" in refused.err, refused.err


def test_a_camera_resolution_no_photo_could_be_sent_at_is_refused(
    teleavis_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found from outside (tester A, session 36): ``camera.resolution 640x480`` was taken, and every photo
    taken after it was « Image trop petite (640×480) : il faut au moins 800×600 », the case blocked; « abc »,
    « 1920X1080 » were taken too and asked the camera nothing, and « 1280x² » kept the camera from ever
    opening (« ² » is a digit to ``isdigit``, no number to ``int``). The window offers sizes of its list only."""
    for typed in ("640x480", "abc", "1920X1080", "1280x²", "1280x", "x720", "0x0"):
        refused = run_inprocess(capsys, "config", "set", "camera.resolution", typed)
        assert refused.code == 2, (typed, refused.err)
        assert "800x600" in refused.err and "Rien n'a été enregistré" in refused.err, refused.err
    for typed in ("1920x1080", "800x600", ""):
        assert run_inprocess(capsys, "config", "set", "camera.resolution", typed).code == 0, typed
    assert run_inprocess(capsys, "config", "set", "camera.resolution", "2592x1944").code == 0
    with Store.open(teleavis_home) as store:
        assert store.settings.get("camera.resolution") == "2592x1944"


def test_a_camera_resolution_saved_before_it_was_checked_asks_the_largest_size() -> None:
    from capture.camera import FULL_RESOLUTION, open_camera

    assert open_camera("0", "1280x²").resolution == FULL_RESOLUTION
    assert open_camera("0", "1920x1080").resolution == (1920, 1080)

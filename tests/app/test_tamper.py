"""What someone with write access to the data directory, but without the key, can no longer do
unseen (issue 13, items 6–8): move or swap sealed items, rewrite settings, cut the audit log."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.errors import DataAltered
from app.store import Store
from sync.sandbox import SandboxServer
from tests.sync.sync_helpers import make_case, setup_site


def teleavis(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.main", *args], capture_output=True, text=True, timeout=120, check=False
    )


def _raw(home: Path) -> sqlite3.Connection:
    return sqlite3.connect(home / "teleavis.db", isolation_level=None)


def _altered_entries(store: Store) -> int:
    return int(store.conn.execute("SELECT COUNT(*) FROM audit WHERE action='altered'").fetchone()[0])


# -- 13.7: items bound to their case ----------------------------------------------------------------


def test_an_image_row_moved_to_another_case_is_refused_with_an_audit_entry(teleavis_home: Path) -> None:
    with Store.open(teleavis_home) as store:
        source = make_case(store)
        target = make_case(store)
        moved = store.get_case(source).images[0].id
    with _raw(teleavis_home) as raw:
        raw.execute("UPDATE images SET case_id=?, position=99 WHERE id=?", (target, moved))
    with Store.open(teleavis_home) as store:
        with pytest.raises(DataAltered) as refused:
            store.get_case(target)
        assert "Données altérées" in refused.value.message
        assert _altered_entries(store) == 1
        # The case is not validated or sent either: every path reads its images through the store.
        with pytest.raises(DataAltered):
            list(store.images(target))
        # And the case it left says so too (its sealed list of images no longer matches).
        with pytest.raises(DataAltered):
            store.get_case(source)


@pytest.mark.parametrize(("column", "value"), [("priority", "routine"), ("specialty", "wound-care")])
def test_a_priority_or_specialty_rewritten_in_the_database_is_refused(
    teleavis_home: Path, column: str, value: str
) -> None:
    """Found from outside (an attacker's pass): the clear columns went out as the case's, an urgent
    dermatology request sent as a routine wound-care one, nothing said. They are sealed with the
    content too, and compared when the case is read."""
    from dataclasses import replace

    with Store.open(teleavis_home) as store:
        case_id = make_case(store, queue=False)
        case = store.get_case(case_id)
        store.update_case(replace(case, priority="urgent"))
        assert (store.get_case(case_id).priority, store.get_case(case_id).specialty) == ("urgent", "dermatology")
    with _raw(teleavis_home) as raw:
        raw.execute(f"UPDATE cases SET {column}=? WHERE id=?", (value, case_id))  # noqa: S608
    with Store.open(teleavis_home) as store:
        with pytest.raises(DataAltered):
            store.get_case(case_id)
        assert _altered_entries(store) == 1


def test_a_case_sealed_before_its_specialty_was_opens_as_it_is(teleavis_home: Path) -> None:
    """Cases sealed by the version before hold no specialty or priority in their content."""
    from app import contexts

    with Store.open(teleavis_home) as store:
        case_id = make_case(store, queue=False)
        row = store.conn.execute("SELECT content FROM cases WHERE id=?", (case_id,)).fetchone()
        content = store.open_json(row[0], contexts.case_content(case_id), case_id)
        del content["specialty"], content["priority"]
        with store.conn:
            store.conn.execute(
                "UPDATE cases SET content=? WHERE id=?", (store._seal_json(content, f"case:{case_id}:content"), case_id)
            )
        assert store.get_case(case_id).specialty == "dermatology"


def test_a_case_altered_stops_no_other_case_sharing_a_photo_with_it(teleavis_home: Path) -> None:
    """Found in review: a healthy case whose photo is also in another patient's case could no longer be
    checked or sent once that other case was altered (its checklist opened the other case)."""
    from tests.sync.sync_helpers import jpeg

    photo = jpeg(seed=5)
    with Store.open(teleavis_home) as store:
        healthy = make_case(store, queue=False, image_bytes=[photo, jpeg(seed=6)])
        other = make_case(store, queue=False, image_bytes=[photo, jpeg(seed=7)])
        other_case = store.get_case(other)
        other_case.patient.family, other_case.patient.ins, other_case.patient.local_id = "BERNARD", None, "B-1"
        store.update_case(other_case)
        assert [f.code for f in store.checklist(store.get_case(healthy))].count("image.elsewhere") == 1
    with _raw(teleavis_home) as raw:
        (sealed,) = raw.execute("SELECT content FROM cases WHERE id=?", (healthy,)).fetchone()
        raw.execute("UPDATE cases SET content=? WHERE id=?", (sealed, other))  # another case's sealed content
    with Store.open(teleavis_home) as store:
        with pytest.raises(DataAltered):
            store.get_case(other)
        findings = store.checklist(store.get_case(healthy))
        assert "image.elsewhere" not in [f.code for f in findings]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("quality", '[{"check": "resolution", "level": "ok", "message": "Bonne"}]'),
        ("captured_at", "2026-12-01T10:00:00+00:00"),
        ("modality", "OP"),
        ("width", 9000),
        ("content_type", "image/png"),
    ],
)
def test_an_image_verdict_size_or_date_rewritten_in_the_database_is_refused(
    teleavis_home: Path, column: str, value: object
) -> None:
    """Found from outside (an attacker's pass): an unusable photo's verdict rewritten « ok » in the
    database let the case be sent, and a capture date moved went to the expert as the photo's date
    (how a lesion evolved), nothing said. They are kept, digested, inside the sealed labels."""
    with Store.open(teleavis_home) as store:
        case_id = make_case(store, queue=False)
        assert len(store.get_case(case_id).images) == 2
    with _raw(teleavis_home) as raw:
        sql = f"UPDATE images SET {column}=? WHERE id=(SELECT id FROM images WHERE case_id=? LIMIT 1)"  # noqa: S608
        raw.execute(sql, (value, case_id))
    with Store.open(teleavis_home) as store:
        with pytest.raises(DataAltered):
            store.get_case(case_id)
        assert _altered_entries(store) == 1


def test_image_labels_sealed_before_the_digest_was_kept_open_as_they_are(teleavis_home: Path) -> None:
    """Labels sealed by the version before carry no digest of the clear columns: read as they are, and
    a label saved since carries it."""
    with Store.open(teleavis_home) as store:
        case_id = make_case(store, queue=False)
        image = store.get_case(case_id).images[0]
        row = store.conn.execute("SELECT * FROM images WHERE id=?", (image.id,)).fetchone()
        context = store._meta_context(case_id, row)
        meta = store.open_json(row["meta"], context, case_id)
        del meta["fixed"]
        with store.conn:
            store.conn.execute(
                "UPDATE images SET meta=? WHERE id=?",
                (store.key.seal(json.dumps(meta).encode(), context), image.id),
            )
        assert store.get_case(case_id).images[0].quality == image.quality
        image.note = "Bord inférieur"
        store.update_image_labels(case_id, image)
        row = store.conn.execute("SELECT * FROM images WHERE id=?", (image.id,)).fetchone()
        assert "fixed" in store.open_json(row["meta"], context, case_id)
        assert store.get_case(case_id).images[0].note == "Bord inférieur"


def test_two_images_whose_blobs_are_swapped_are_refused(teleavis_home: Path) -> None:
    with Store.open(teleavis_home) as store:
        first = store.get_case(make_case(store))
        second = store.get_case(make_case(store))
        a, b = first.images[0], second.images[0]
    with _raw(teleavis_home) as raw:
        for mine, other in ((a, b), (b, a)):
            raw.execute(
                "UPDATE images SET blob=?, thumb_blob=?, sha1=?, size=? WHERE id=?",
                (other.blob, other.thumb_blob, other.sha1, other.size, mine.id),
            )
    with Store.open(teleavis_home) as store:
        for case in (first, second):
            with pytest.raises(DataAltered):
                store.get_case(case.id)
        assert _altered_entries(store) == 2


def test_a_blob_file_replaced_by_another_images_content_is_refused(teleavis_home: Path) -> None:
    with Store.open(teleavis_home) as store:
        first = store.get_case(make_case(store))
        second = store.get_case(make_case(store))
        a, b = first.images[0], second.images[0]
        path_a, path_b = store.objects._path(a.blob), store.objects._path(b.blob)
    path_a.write_bytes(path_b.read_bytes())
    with Store.open(teleavis_home) as store:
        image = store.get_case(first.id).images[0]
        # Said altered (another file put in its place), and recorded so, never « damaged » only.
        with pytest.raises(DataAltered, match="altérées"):
            store.image_bytes(image)
        assert _altered_entries(store) == 1
        with pytest.raises(DataAltered):  # read by itself too (a thumbnail, an answer's attachment)
            store.objects.get(a.blob)


def test_a_message_moved_to_another_case_is_refused(teleavis_home: Path) -> None:
    from app.outbox import Outbox

    with Store.open(teleavis_home) as store:
        source = make_case(store)
        target = make_case(store)
        message_id = Outbox(store).queue_reply(source, "Voici la photo demandée", [], None)
    with _raw(teleavis_home) as raw:
        raw.execute("UPDATE messages SET case_id=? WHERE id=?", (target, message_id))
    with Store.open(teleavis_home) as store, pytest.raises(DataAltered):
        Outbox(store).messages(target)


@pytest.mark.parametrize(("column", "value"), [("direction", "from-expert"), ("in_response_to", "q-other")])
def test_a_reply_shown_as_the_experts_words_is_refused(teleavis_home: Path, column: str, value: str) -> None:
    """Found from outside (an attacker's pass): the direction in clear, flipped, showed the requester's
    own reply in the thread as the expert's words. It is sealed in the message's body too."""
    from app.outbox import Outbox

    with Store.open(teleavis_home) as store:
        case_id = make_case(store)
        message_id = Outbox(store).queue_reply(case_id, "Voici la photo demandée", [], "q-1")
        assert [m.direction for m in Outbox(store).messages(case_id)] == ["to-expert"]
    with _raw(teleavis_home) as raw:
        raw.execute(f"UPDATE messages SET {column}=? WHERE id=?", (value, message_id))  # noqa: S608
    with Store.open(teleavis_home) as store:
        with pytest.raises(DataAltered):
            Outbox(store).messages(case_id)
        assert _altered_entries(store) == 1


def test_an_image_row_deleted_or_added_outside_teleavis_is_refused(teleavis_home: Path) -> None:
    with Store.open(teleavis_home) as store:
        case_id = make_case(store)
        other = make_case(store, seed=5)
        image = store.get_case(case_id).images[0]
    with _raw(teleavis_home) as raw:
        raw.execute("DELETE FROM images WHERE id=?", (image.id,))
    with Store.open(teleavis_home) as store:
        with pytest.raises(DataAltered):
            store.get_case(case_id)
        # An edit does not make the altered list the new truth either.
        with pytest.raises(DataAltered):
            store.delete_image(
                case_id, store.conn.execute("SELECT id FROM images WHERE case_id=? LIMIT 1", (case_id,)).fetchone()[0]
            )
        assert store.get_case(other).images  # the others are untouched


def test_images_added_retaken_and_deleted_through_the_store_keep_their_case_whole(teleavis_home: Path) -> None:
    from app.store import NewImage
    from tests.sync.sync_helpers import image_records, jpeg

    with Store.open(teleavis_home) as store:
        case_id = make_case(store, queue=False)  # (a queued case's images are no longer replaced)
        first = store.get_case(case_id).images[0]
        record = image_records("dermatology", 1)[0]
        store.add_images(case_id, [NewImage(record, jpeg(seed=9))])
        store.replace_image(case_id, first.id, NewImage(image_records("dermatology", 1)[0], jpeg(seed=10)))
        store.delete_image(case_id, record.id)
        images = store.get_case(case_id).images
        assert record.id not in [i.id for i in images] and first.id not in [i.id for i in images]
        assert _altered_entries(store) == 0


def test_data_sealed_before_the_binding_still_opens_after_migration(teleavis_home: Path) -> None:
    from app import contexts
    from app.db import MIGRATIONS, connect, migrate
    from app.keystore import KeyStore
    from app.outbox import Outbox
    from app.settings import Settings

    # A data directory at schema 3, its labels and messages sealed under the old contexts.
    teleavis_home.mkdir(parents=True)
    key = KeyStore(teleavis_home).create()
    conn = connect(teleavis_home / "teleavis.db")
    migrate(conn, teleavis_home / "teleavis.db", MIGRATIONS[:3])
    old = Store(teleavis_home, key, conn)
    old.settings = Settings(conn, key)
    case_id = make_case(old, queue=False)  # (the store of today queues with columns schema 3 lacks)
    image = old.get_case(case_id).images[0]
    conn.execute(
        "UPDATE images SET meta=? WHERE id=?",
        (
            key.seal(
                b'{"body_site": "dos", "eye": null, "view": "", "note": "n", "device": ""}',
                contexts.legacy_image_meta(image.id),
            ),
            image.id,
        ),
    )
    conn.execute(
        "INSERT INTO messages(id, case_id, direction, created_at, body, state) VALUES (?,?,?,?,?,?)",
        (
            "m1",
            case_id,
            "to-expert",
            "2026-01-01T00:00:00Z",
            key.seal(b'{"text": "bonjour", "image_ids": []}', contexts.legacy_message_body("m1")),
            "queued",
        ),
    )
    conn.execute("INSERT INTO settings(key, value, encrypted) VALUES ('platform.url', '\"https://p.example\"', 0)")
    conn.execute(
        "INSERT INTO settings(key, value, encrypted) VALUES (?, ?, 1)",
        ("platform.token", key.seal(b'"s3cret"', contexts.setting("platform.token"))),
    )
    conn.close()

    with Store.open(teleavis_home) as store:
        assert store.get_case(case_id).images[0].body_site == "dos"
        assert [m.text for m in Outbox(store).messages(case_id)] == ["bonjour"]
        assert store.settings.get("platform.url") == "https://p.example"
        assert store.settings.get("platform.token") == "s3cret"
        assert _altered_entries(store) == 0


# -- 13.8: settings authenticated --------------------------------------------------------------------


def test_a_setting_rewritten_in_the_database_is_refused(teleavis_home: Path) -> None:
    with Store.open(teleavis_home) as store:
        store.settings.set("platform.url", "https://plateforme.example")
        store.settings.set("platform.token", "jeton")
    with _raw(teleavis_home) as raw:
        raw.execute("UPDATE settings SET value='\"https://attacker.example\"' WHERE key='platform.url'")
        # A secret replaced by a clear value of the attacker's choosing.
        raw.execute("UPDATE settings SET value='\"x\"', encrypted=0 WHERE key='platform.token'")
    with Store.open(teleavis_home) as store:
        for name in ("platform.url", "platform.token"):
            with pytest.raises(DataAltered) as refused:
                store.settings.get(name)
            assert name in refused.value.message
        assert sorted(store.settings.verify_all()) == ["platform.token", "platform.url"]


def test_sync_stops_when_the_platform_address_was_rewritten(teleavis_home: Path, tmp_path: Path) -> None:
    with (
        SandboxServer(tmp_path / "real", token="good", run_expert=False) as real,
        SandboxServer(tmp_path / "attacker", run_expert=False) as attacker,
    ):
        with Store.open(teleavis_home) as store:
            setup_site(store)
            store.settings.set("platform.url", real.base_url)
            store.settings.set("platform.token", "good")
            make_case(store)
        with _raw(teleavis_home) as raw:
            raw.execute("UPDATE settings SET value=? WHERE key='platform.url'", (f'"{attacker.base_url}"',))
        done = teleavis("sync", "--once")
        assert done.returncode == 1, done.stderr
        assert "Données altérées" in done.stderr and "platform.url" in done.stderr
        assert "Traceback" not in done.stderr
        assert attacker.count("Task") == 0 and attacker.binary_uploads == 0
        assert real.count("Task") == 0


# -- 13.6: the audit log's head, kept outside the database -------------------------------------------


def _cut_audit(home: Path, keep: int) -> None:
    with _raw(home) as raw:
        raw.execute("DROP TRIGGER audit_no_delete")
        raw.execute("DELETE FROM audit WHERE seq > ?", (keep,))


def test_audit_rows_cut_from_the_end_no_longer_verify(teleavis_home: Path) -> None:
    from app import audit

    with Store.open(teleavis_home) as store:
        case_id = make_case(store)
        store.get_case(case_id, audit_view=True)
        store.get_case(case_id, audit_view=True)
        rows = audit.verify(store.conn, store.key).rows
        assert rows >= 3 and audit.verify(store.conn, store.key).ok
    _cut_audit(teleavis_home, rows - 2)
    with Store.open(teleavis_home) as store:
        check = audit.verify(store.conn, store.key)
        assert not check.ok
        assert check.head_lost == rows
        assert "supprimées" in check.problem()
    done = teleavis("audit", "verify")
    assert done.returncode == 1
    assert "altéré" in done.stdout + done.stderr


def test_an_audit_log_wiped_whole_no_longer_verifies(teleavis_home: Path) -> None:
    from app import audit

    with Store.open(teleavis_home) as store:
        case_id = make_case(store)
    _cut_audit(teleavis_home, 0)
    with Store.open(teleavis_home) as store:
        check = audit.verify(store.conn, store.key)
        assert not check.ok and check.head_lost is not None
        assert check.uncreated == (case_id,)
    # And with the head file removed too: the missing head, and the case without its creation, show.
    (teleavis_home / audit.HEAD_FILE).unlink()
    with Store.open(teleavis_home) as store:
        store.get_case(case_id, audit_view=True)  # an append does not make up a new head
        check = audit.verify(store.conn, store.key)
        assert check.head_lost == -1 and check.uncreated == (case_id,)
        assert not (teleavis_home / audit.HEAD_FILE).exists()


def test_a_case_without_its_created_entry_is_reported(teleavis_home: Path) -> None:
    from app import audit

    with Store.open(teleavis_home) as store:
        case_id = make_case(store)
    with _raw(teleavis_home) as raw:
        columns = [r[1] for r in raw.execute("PRAGMA table_info(cases)") if r[1] != "id"]
        raw.execute(
            f"INSERT INTO cases(id, {', '.join(columns)}) "  # noqa: S608 - the schema's own names
            f"SELECT 'ffffffff-0000-0000-0000-000000000000', {', '.join(columns)} FROM cases WHERE id=?",
            (case_id,),
        )
    with Store.open(teleavis_home) as store:
        check = audit.verify(store.conn, store.key)
        assert check.uncreated == ("ffffffff-0000-0000-0000-000000000000",)
        assert "ffffffff" in check.problem()


def test_the_head_is_carried_in_a_backup_and_restored_with_it(teleavis_home: Path, tmp_path: Path) -> None:
    from app import audit
    from app.backup import restore_backup, write_backup
    from tests.conftest import PASSPHRASE

    with Store.open(teleavis_home) as store:
        make_case(store)
        head = audit.log_head(store.conn)
        write_backup(store, tmp_path / "b.tvbak")
    other = tmp_path / "elsewhere"
    info = restore_backup(tmp_path / "b.tvbak", other, PASSPHRASE)
    assert info.audit_ok
    with Store.open(other) as store:
        recorded = audit.read_head(other / audit.HEAD_FILE, store.key)
        assert recorded is not None and recorded.seq == head.seq + 1  # + the "restored" entry
        assert audit.verify(store.conn, store.key).ok


def test_sync_sets_an_altered_case_aside_and_sends_the_others(teleavis_home: Path, tmp_path: Path) -> None:
    from app.model import CaseState
    from app.outbox import Outbox

    with SandboxServer(tmp_path / "platform", run_expert=False) as platform:
        with Store.open(teleavis_home) as store:
            setup_site(store)
            store.settings.set("platform.url", platform.base_url)
            good = make_case(store, seed=1)
            source = make_case(store, seed=2)
            altered = make_case(store, seed=3)
            moved = store.get_case(source).images[0].id
            Outbox(store).queue_reply(source, "réponse", [], None)
        with _raw(teleavis_home) as raw:
            raw.execute("UPDATE images SET case_id=? WHERE id=?", (altered, moved))
            raw.execute("UPDATE messages SET case_id=?", (altered,))
        done = teleavis("sync", "--once", "--json")
        assert done.returncode == 0, done.stderr
        assert good in json.loads(done.stdout)["sent"] and altered not in json.loads(done.stdout)["sent"]
        with Store.open(teleavis_home) as store:
            assert store.state(altered) == CaseState.NEEDS_ATTENTION
            assert store.state(source) == CaseState.NEEDS_ATTENTION  # it lost an image
            assert Outbox(store).queued_replies() == []
        # Nothing of the altered cases reached the platform: only the good case did.
        assert platform.count("Task") == 1


def test_a_case_read_while_another_window_adds_an_image_is_never_taken_for_altered(teleavis_home: Path) -> None:
    """Found when a full run loaded the machine: a case's image rows and its sealed list were read one
    after the other, each seeing the latest commit; an image added from another window in between made
    the case read as altered (« Données altérées… restaurez la dernière sauvegarde »)."""
    from app.model import CaseImage
    from app.store import NewImage

    with Store.open(teleavis_home) as store:
        setup_site(store)
        case_id = make_case(store, images=2, queue=False)
    with Store.open(teleavis_home) as reader, Store.open(teleavis_home) as writer:
        added: list[bool] = []

        def another_window_adds_meanwhile(statement: str) -> None:
            # Just as the reader asks for the sealed list, after its image rows: the other window commits.
            if "images_seal FROM cases" in statement and not added:
                added.append(True)
                record = CaseImage(body_site="dos", view="far", content_type="image/jpeg", width=10, height=10)
                writer.add_images(case_id, [NewImage(record, b"\xff\xd8 image", None)])

        reader.conn.set_trace_callback(another_window_adds_meanwhile)
        seen = reader.get_case(case_id)
        reader.conn.set_trace_callback(None)
    assert added and len(seen.images) == 2  # the state before the other window's image, whole
    with Store.open(teleavis_home) as store:
        assert len(store.get_case(case_id).images) == 3


def test_images_added_at_once_from_two_windows_are_all_kept_and_the_case_still_opens(teleavis_home: Path) -> None:
    """Two imports at the same moment (the window imports several files in parallel; a command may run
    beside it): each must build the case's sealed list from the other's, or one image is lost from
    the list and the whole case then reads as altered."""
    import os
    import threading

    from app.model import CaseImage
    from app.store import NewImage

    with Store.open(teleavis_home) as store:
        setup_site(store)
        case_id = make_case(store, images=2, queue=False)
    rounds, errors = 6, []

    def add(tag: int, barrier: threading.Barrier) -> None:
        with Store.open(teleavis_home) as mine:
            for n in range(rounds):
                data = os.urandom(600_000)  # big enough that writing its file takes a while
                record = CaseImage(body_site="dos", view="far", content_type="image/jpeg", width=10, height=10)
                barrier.wait()
                try:
                    mine.add_images(case_id, [NewImage(record, data, None)], actor=f"fenêtre {tag}.{n}")
                except Exception as exc:  # reported below, with the round
                    errors.append(exc)

    barrier = threading.Barrier(2)
    threads = [threading.Thread(target=add, args=(tag, barrier)) for tag in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    with Store.open(teleavis_home) as store:
        assert len(store.get_case(case_id).images) == 2 + 2 * rounds


# -- what binds an image to its copy on the platform (found from outside: an attacker's pass) -----------


@pytest.mark.parametrize(
    ("column", "value"),
    [("binary_id", "bin-of-the-other-patient"), ("upload_url", "http://127.0.0.1:1/tus/other"), ("copy_sent", "{}")],
)
def test_an_images_platform_copy_taken_from_another_patients_image_is_refused(
    teleavis_home: Path, column: str, value: str
) -> None:
    """The Binary id (or the resumable upload's address, or the copy sent) of an image was in clear and
    bound to nothing: copied onto another patient's image, that case went out naming the first
    patient's photo on the platform. Each image row carries a keyed tag (``images.binary_tag``)."""
    from app.outbox import Outbox

    with Store.open(teleavis_home) as store:
        first = store.get_case(make_case(store, seed=1))
        second = store.get_case(make_case(store, seed=2))
        Outbox(store).record_binary(first.id, first.images[0].id, "bin-1")
        Outbox(store).record_upload(first.id, first.images[1].id, "http://127.0.0.1:1/tus/1")
        assert store.get_case(first.id).images[0].binary_id == "bin-1"  # its own changes keep it whole
        target = second.images[0].id
    with _raw(teleavis_home) as raw:
        raw.execute(f"UPDATE images SET {column}=? WHERE id=?", (value, target))  # noqa: S608
    with Store.open(teleavis_home) as store:
        with pytest.raises(DataAltered):
            store.get_case(second.id)
        assert _altered_entries(store) == 1
        store.get_case(first.id)  # the other case stays whole


# -- the states that make an alert (found from outside: an attacker's pass) ------------------------------


def _answered_with_question(store: Store) -> tuple[str, str]:
    """A sent case with the expert's answer and a question, both read: (case id, the question's id)."""
    from app.db import transaction
    from app.model import Answer
    from app.outbox import Outbox

    case_id = make_case(store)
    with transaction(store.conn) as conn:
        store.set_answer(conn, case_id, Answer(conclusion="Lésion bénigne", expert="Dr Expert"))
        Outbox(store).add_expert_message(conn, case_id, "comm-1", "Depuis quand ?", "2026-01-01", "v1")
    question = next(m.id for m in Outbox(store).messages(case_id) if m.direction == "from-expert")
    assert store.mark_read(case_id)
    return case_id, question


def test_an_experts_question_marked_withdrawn_in_the_database_is_still_shown_as_a_question(
    teleavis_home: Path,
) -> None:
    """A question set « withdrawn » in clear was never shown to be answered, and the requester never
    knew: its state carries a keyed tag (``messages.state_tag``); one that does not hold shows it."""
    from app.outbox import Outbox

    with Store.open(teleavis_home) as store:
        case_id, question = _answered_with_question(store)
    with _raw(teleavis_home) as raw:
        raw.execute("UPDATE messages SET state='withdrawn' WHERE id=?", (question,))
    with Store.open(teleavis_home) as store:
        shown = next(m for m in Outbox(store).messages(case_id) if m.id == question)
        assert not shown.withdrawn
        assert _altered_entries(store) == 1
        for _ in range(3):  # read again at each refresh of its case, each pass of the sync (its own store)
            with store.clone() as sync_store:
                Outbox(sync_store).messages(case_id)
        assert _altered_entries(store) == 1, "recorded once, not at every read"


def test_news_marked_read_in_the_database_is_shown_unread(teleavis_home: Path) -> None:
    """An answer that came, then its case's unread mark cleared in clear: the requester never saw the
    alert. A case is read only under a keyed tag of the news it was read with (``cases.read_tag``)."""
    from app.db import transaction
    from app.model import Answer

    with Store.open(teleavis_home) as store:
        case_id, _ = _answered_with_question(store)
        other = make_case(store, seed=3)
        assert store.unread_count() == 0 and not any(row.unread for row in store.list_cases())  # read as shown
        with transaction(store.conn) as conn:
            store.set_answer(conn, case_id, Answer(conclusion="Exérèse à prévoir", expert="Dr Expert"), event="amended")
        assert store.unread_count() == 1
    with _raw(teleavis_home) as raw:
        raw.execute("UPDATE cases SET unread=0 WHERE id=?", (case_id,))
    with Store.open(teleavis_home) as store:
        rows = {row.id: row.unread for row in store.list_cases()}
        assert rows == {case_id: True, other: False}
        assert store.platform_info(case_id)["unread"]
        assert store.recheck_read_marks() == 1  # the sync's pass puts the mark back, so the count says it too
        assert store.unread_count() == 1
        assert _altered_entries(store) == 1
        assert store.recheck_read_marks() == 0


def test_a_reply_marked_sent_in_the_database_is_set_aside_as_not_sent(teleavis_home: Path) -> None:
    """A reply still to go, set « sent » in clear, never went and seemed gone: its state's tag no longer
    holds, so it is said not sent (refused, with the words of an alteration), for the user to send again."""
    from app.outbox import Outbox

    with Store.open(teleavis_home) as store:
        case_id = make_case(store)
        reply = Outbox(store).queue_reply(case_id, "Depuis trois semaines", [], None)
    with _raw(teleavis_home) as raw:
        raw.execute("UPDATE messages SET state='sent' WHERE id=?", (reply,))
    with Store.open(teleavis_home) as store:
        assert Outbox(store).queued_replies() == []
        assert store.conn.execute("SELECT state FROM messages WHERE id=?", (reply,)).fetchone()[0] == "refused"
        assert "altérées" in (store.platform_info(case_id)["last_error"] or "")
        assert _altered_entries(store) == 1


def test_the_worklist_of_read_answers_is_drawn_before_the_key_is_fetched(
    teleavis_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window draws the worklist before it fetches the data key from the OS keyring (a prompt, a
    slow keyring, a lock at start): checking the read marks' tags must not fetch it first. The marks
    are checked once the key is there (the sync's pass puts back unread what does not hold)."""
    from tests.support.keyring import memory_keyring

    monkeypatch.delenv("TELEAVIS_PASSPHRASE")
    with memory_keyring():
        with Store.open(teleavis_home) as store:
            case_id, _ = _answered_with_question(store)
        with Store.open(teleavis_home, defer_key=True) as store:
            assert [(row.id, row.unread) for row in store.list_cases()] == [(case_id, False)]
            assert not store.key.loaded
            store.key.ensure()
            assert [row.unread for row in store.list_cases()] == [False]


def test_a_read_mark_holds_whatever_order_sqlite_lists_the_experts_messages_in(teleavis_home: Path) -> None:
    """Found in review: the read mark's tag took the expert's messages in the order ``group_concat`` gave
    them, which SQLite does not promise; another order would have shown every read case with two
    questions unread and recorded it as altered."""
    from app.db import read_tag

    with Store.open(teleavis_home) as store:
        one_order = read_tag(store.key, "case-1", None, "m-1:answered m-2:open")
        assert read_tag(store.key, "case-1", None, "m-2:open m-1:answered") == one_order
        assert read_tag(store.key, "case-1", None, "m-1:open m-2:open") != one_order, "the states still count"

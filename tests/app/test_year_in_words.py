"""``acts export --year deux`` (a year typed in words, or « 2026. ») answered argparse's « valeur invalide :
'deux' », which says neither what is expected nor in which form; 0 or 99999 got the plain sentence."""

from __future__ import annotations

from tests.support.cli import run_process


def test_a_year_that_is_no_number_is_said_as_an_out_of_range_one() -> None:
    for typed in ("deux", "2026."):
        refused = run_process("acts", "export", "--year", typed)
        assert refused.code == 2, refused
        assert f"Année invalide : {typed} (attendu : 2000 à 2100)" in refused.err, refused.err
        assert "valeur invalide" not in refused.err
    english = run_process("acts", "export", "--year", "two", env={"LANG": "en_US.UTF-8"})
    assert english.code == 2 and "two" in english.err and "2000" in english.err, english.err

"""What Teleavis says of an expert's message beside its words (app.case_record.expert_text): a file it cannot
show is named by its title, one with no name is said in words, never as « ? »."""

from __future__ import annotations

import pytest

from app.case_record import Message, message_words


@pytest.mark.parametrize("words", ["Depuis quand ?", ""])
def test_a_file_kept_before_as_a_question_mark_is_said_unnamed_as_one_received_now(words: str) -> None:
    """Messages kept before the unnamed file was said in words hold « ? » as its title: they read the same as one
    received now (found in review: no test held it, the « ? » could come back unseen)."""
    before = Message(id="q1", direction="from-expert", text="", words=words, attached=["?"])
    now = Message(id="q2", direction="from-expert", text="", words=words, attached=[""])
    for lang in ("fr", "en"):
        said = message_words(before, lang)
        assert said == message_words(now, lang)
        assert "?»" not in said.replace(" ", "") and "“?”" not in said, said
        assert said.startswith(words)
    assert "un fichier sans nom" in message_words(before, "fr") and "a file with no name" in message_words(before, "en")


def test_an_unnamed_file_beside_a_named_one_is_said_to_have_no_name() -> None:
    """Found left open: two files were said « L'expert a joint « photo.jpg, un élément sans nom » », the
    words for the unnamed one read inside the quotes as part of a file's name. They are counted, each
    named one quoted alone, the unnamed one said outside the quotes, in French typography."""
    message = Message(id="q1", direction="from-expert", text="", words="", attached=["photo.jpg", "?"])
    assert message_words(message, "fr") == (
        "(L'expert a joint 2 fichiers qui ne peuvent pas être affichés ici\u00a0: « photo.jpg » et un fichier "
        "sans nom. Consultez-les sur la plateforme.)".replace("« ", "«\u00a0").replace(" »", "\u00a0»")
    )
    assert message_words(message, "en") == (
        "(The expert attached 2 files that cannot be shown here: “photo.jpg” and a file with no name. "
        "See them on the platform.)"
    )


@pytest.mark.parametrize(
    ("attached", "words", "fr", "en"),
    [
        (
            ["a.jpg", "b.pdf", "", "?"],
            "",
            "(L'expert a joint 4 fichiers qui ne peuvent pas être affichés ici\u00a0: «\u00a0a.jpg\u00a0», "
            "«\u00a0b.pdf\u00a0» et 2 fichiers sans nom. Consultez-les sur la plateforme.)",
            "(The expert attached 4 files that cannot be shown here: “a.jpg”, “b.pdf” and 2 files with no name. "
            "See them on the platform.)",
        ),
        (
            ["", "?"],
            "Voici.",
            "Voici.\n\n(L'expert a aussi joint 2 fichiers sans nom qui ne peuvent pas être affichés ici\u00a0: "
            "consultez-les sur la plateforme.)",
            "Voici.\n\n(The expert also attached 2 files with no name that cannot be shown here: see them on the "
            "platform.)",
        ),
        (
            ["photo.jpg"],
            "",
            "(L'expert a joint «\u00a0photo.jpg\u00a0», qui ne peut pas être affiché ici\u00a0: consultez-le sur "
            "la plateforme.)",
            "(The expert attached “photo.jpg”, which cannot be shown here: see it on the platform.)",
        ),
    ],
)
def test_files_the_expert_joined_are_said_as_a_nurse_reads_them(
    attached: list[str], words: str, fr: str, en: str
) -> None:
    message = Message(id="q1", direction="from-expert", text="", words=words, attached=attached)
    assert message_words(message, "fr") == fr
    assert message_words(message, "en") == en


@pytest.mark.parametrize(
    "kept",
    [
        "(L'expert a joint « photo.jpg, un élément sans nom », qui ne peut pas être affiché ici : consultez-le sur la "
        "plateforme.)",
        "Voici.\n\n(L'expert a aussi joint « photo.jpg », qui ne peut pas être affiché ici : consultez-le sur la "
        "plateforme.)",
        "(L'expert a joint un élément qui ne peut pas être affiché ici : consultez-le sur la plateforme.)",
    ],
)
def test_a_message_kept_in_the_words_of_before_is_read_in_todays(kept: str) -> None:
    """Messages kept before Teleavis's words were kept apart hold them in the wording of then (plain spaces):
    still told apart from the expert's words, and said in today's."""
    from app.case_record import expert_parts, expert_text

    words, attached, unreadable = expert_parts(kept)
    assert not unreadable and words in ("", "Voici.")
    said = expert_text(words, attached, unreadable, "fr")
    assert "\u00a0:" in said and " :" not in said, said

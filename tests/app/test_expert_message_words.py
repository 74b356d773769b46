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
    assert "un élément" in message_words(before, "fr") and "something" in message_words(before, "en")


def test_an_unnamed_file_beside_a_named_one_is_said_to_have_no_name() -> None:
    message = Message(id="q1", direction="from-expert", text="", words="", attached=["photo.jpg", "?"])
    assert "photo.jpg, un élément sans nom" in message_words(message, "fr")
    assert "photo.jpg, an item with no name" in message_words(message, "en")

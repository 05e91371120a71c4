"""Shared views: user text reaches Streamlit's Markdown only escaped."""

import pytest

from knn_ui.views import literal


@pytest.mark.parametrize(
    "text",
    ["**bold**", ":red[x]", ":material/home:", "$x^2$", "<b>x</b>", "[a](javascript:1)", "`c`"],
)
def test_every_markdown_character_is_escaped(text):
    escaped = literal(text)
    # Each special character is preceded by a backslash; dropping them gives the text back.
    assert escaped.replace("\\", "") == text.replace("\\", "")
    for i, char in enumerate(escaped):
        if char in "*:[]$<>`()" and (i == 0 or escaped[i - 1] != "\\"):
            pytest.fail(f"unescaped {char!r} in {escaped!r}")


def test_plain_words_stay_as_they_are():
    assert literal("red and blue got 2 votes each") == "red and blue got 2 votes each"

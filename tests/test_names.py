from __future__ import annotations

import pytest

from kg.names import normalize, slug


@pytest.mark.parametrize(
    "name, expected",
    [("The Kremlin", "kremlin"), ("U.S.", "us"), ("  Co-operation   in Europe ", "cooperation in europe"), ("ＯＳＣＥ", "osce")],
)
def test_normalize_follows_the_scoring_rules(name, expected):
    assert normalize(name) == expected


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Vladimir Putin", "vladimir-putin"),
        ("Recep Tayyip Erdoğan", "recep-tayyip-erdogan"),
        ("Emmanuel  Macron!", "emmanuel-macron"),
        ("Владимир Путин", "владимир-путин"),
    ],
)
def test_slug_is_readable_and_stable(name, expected):
    assert slug(name) == expected


def test_slug_of_a_name_without_letters_is_a_stable_hash():
    assert slug("🙂🙂") == slug("🙂🙂")
    assert slug("🙂🙂").startswith("x-") and slug("🙂🙂") != slug("🙃")


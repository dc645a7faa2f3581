from __future__ import annotations

import pytest

from kg.names import name_words, normalize, slug, without_particle


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



@pytest.mark.parametrize("word, expected", [
    ("al-Burhan", "Burhan"), ("el-Sisi", "Sisi"), ("Al-Assad", "Assad"),
    ("Jae-myung", "Jae-myung"), ("Putin", "Putin"), ("al-", "al-"),
])
def test_without_particle_drops_only_an_article_joined_to_a_surname(word, expected):
    assert without_particle(word) == expected


def test_name_words_are_the_words_and_the_surname_without_its_article():
    assert name_words("Abdel Fattah al-Burhan") == {"Abdel", "Fattah", "al-Burhan", "Burhan"}

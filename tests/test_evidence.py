"""Tests of the article's own evidence about its names (index/entities/_evidence.py).

The fixtures are written for these tests: items are ``[kind, start, end, name]`` as
:func:`searchlib.index.entities._normalise.resolve` stages them.
"""

from __future__ import annotations

import random
import re

from searchlib.index.entities import extract_entities
from searchlib.index.entities._evidence import (
    _BEFORE_NAME,
    _BEFORE_NOUNS,
    attributive_people,
    before_name_ends,
    companies,
    drop_things,
    drop_words,
    headline_names,
    vote_kinds,
)


def staged(paragraphs: list[str], *marks: tuple) -> list[list[list]]:
    """Items for (paragraph, kind, surface[, name]) marks, at each surface's occurrences."""
    out: list[list[list]] = [[] for _ in paragraphs]
    for p, kind, surface, *name in marks:
        for m in re.finditer(re.escape(surface), paragraphs[p]):
            out[p].append([kind, m.start(), m.end(), name[0] if name else surface])
    for items in out:
        items.sort(key=lambda item: item[1])
    return out


def names(items: list[list[list]]) -> list[list[tuple[str, str]]]:
    return [[(item[0], item[3]) for item in out] for out in items]


def test_software_with_a_cue_and_its_lone_words_are_dropped() -> None:
    paras = ["Zorlix Linux, a community operating system, was announced by Ada Quist.",
             "Brimo Stream is an upstream distribution. Brimo said Stream would ship.",
             "The Kestrel project released Kestrel 2.1 on Monday."]
    items = staged(paras, (0, "org", "Zorlix Linux"), (0, "person", "Ada Quist"),
                   (1, "org", "Brimo Stream"), (1, "person", "Brimo"),
                   (1, "person", "Stream"), (2, "org", "Kestrel"))
    drop_things(paras, items)
    assert names(items) == [[("person", "Ada Quist")], [], []]


def test_a_storm_and_an_animal_are_no_people() -> None:
    paras = ["Hurricane Velmora hit the coast. Velmora moved north.",
             "Male Pirrot penguins outnumber females."]
    items = staged(paras, (0, "person", "Velmora"), (1, "person", "Pirrot"))
    drop_things(paras, items)
    assert names(items) == [[], []]


def test_the_acronym_of_a_product_goes_with_it() -> None:
    paras = ["It is a rebuild of Quorra Enterprise Linux (QEL).", "QEL is paid for."]
    items = staged(paras, (0, "org", "Quorra Enterprise Linux"), (0, "org", "QEL"),
                   (1, "org", "QEL"))
    drop_things(paras, items)
    assert names(items) == [[], []]


def test_known_names_and_descriptions_of_people_are_kept() -> None:
    # Facebook is a known organisation; "a fan of the video game" describes a person.
    paras = ["The Facebook app was updated.", "Tom Vasko, a fan of the video game, spoke."]
    items = staged(paras, (0, "org", "Facebook"), (1, "person", "Tom Vasko"))
    drop_things(paras, items)
    assert names(items) == [[("org", "Facebook")], [("person", "Tom Vasko")]]


def test_common_words_also_written_in_lower_case_are_dropped() -> None:
    paras = ["The Solar masses were measured.", "Its solar wind is weak, Doris Day said.",
             "Day sang."]
    items = staged(paras, (0, "org", "Solar"), (1, "person", "Doris Day"),
                   (2, "person", "Day"))
    drop_words(paras, items)
    # "Day" is a common word, but a word of a person the article names in full.
    assert names(items) == [[], [("person", "Doris Day")], [("person", "Day")]]


def test_a_name_before_administration_is_a_person() -> None:
    paras = ["The Pellham administration said it would act."]
    items = staged(paras, (0, "org", "Pellham"))
    attributive_people(paras, items)
    assert names(items) == [[("person", "Pellham")]]


def test_a_person_before_a_corporate_suffix_or_called_a_group_is_an_org() -> None:
    paras = ["Quimby and Quimby Co said profits rose. Quimby said more.",
             "A charity called Vaska Samiti met. Henry Gorsky Co also met, said Henry Gorsky.",
             "Nira Veld, a non-profit organisation, helps. Nira Veld grew."]
    items = staged(paras, (0, "person", "Quimby"), (1, "person", "Vaska Samiti"),
                   (1, "person", "Henry Gorsky"), (2, "person", "Nira Veld"))
    companies(paras, items)
    assert names(items) == [[("org", "Quimby")] * 3,
                            [("org", "Vaska Samiti"), ("person", "Henry Gorsky"),
                             ("person", "Henry Gorsky")],
                            [("org", "Nira Veld")] * 2]


def test_headline_names_need_the_body() -> None:
    paras = ["TELLIX INSTRUMENTS <TLX> SAYS HARGROVE QUITS", "Tellix Instruments Inc said."]
    items = staged(paras, (0, "org", "TELLIX", "Tellix"), (0, "person", "HARGROVE", "Hargrove"),
                   (1, "org", "Tellix Instruments"))
    headline_names(paras, items)
    assert names(items) == [[("org", "Tellix Instruments")], [("org", "Tellix Instruments")]]
    assert items[0][0][1:3] == [0, len("TELLIX INSTRUMENTS")]


def test_known_names_in_headlines_stay() -> None:
    paras = ["JAPAN SAYS YEN TOO HIGH", "The yen rose."]
    items = staged(paras, (0, "place", "JAPAN", "Japan"))
    headline_names(paras, items)
    assert names(items) == [[("place", "Japan")], []]


def test_a_one_word_name_takes_its_majority_kind() -> None:
    paras = ["He lives in Vorsk.", "Vorsk is calm.", "Vorsk said more."]
    items = staged(paras, (0, "org", "Vorsk"), (1, "place", "Vorsk"), (2, "org", "Vorsk"))
    vote_kinds(paras, items)  # "in Vorsk" counts for a place: 2 against 1
    assert names(items) == [[("place", "Vorsk")]] * 3


def test_evidence_runs_in_every_extractor() -> None:
    found = extract_entities(["Hurricane Velmora hit the coast.", "Velmora moved north."],
                             extractor="rules")
    assert found == [[], []]


def test_the_lower_cased_scan_finds_what_the_case_blind_pattern_finds():
    rng = random.Random(5)
    pieces = [*_BEFORE_NOUNS, "Storms", "xhurricane", "_app", "Ap", " ", ", ", ",", "-", "\n",
              "Dorian", "9", "ſoftware", "İ", "K", "\u212aomet"]
    for _ in range(5000):
        text = "".join(
            "".join(c.upper() if rng.random() < 0.3 else c for c in rng.choice(pieces))
            for _ in range(rng.randint(0, 12)))
        assert before_name_ends(text) == [m.end() for m in _BEFORE_NAME.finditer(text)], text

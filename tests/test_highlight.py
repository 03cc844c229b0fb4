"""Highlight spans from query terms."""

from __future__ import annotations

from searchlib.index._schema import build_schema

from searchlib._highlight import _merge, mark, match_spans, tokens
from tests.shared import SHARED, run

SCHEMA = build_schema()
TEXT = SCHEMA["text"].analyzer
NAMES = SCHEMA["person"].analyzer


def test_stemmed_terms_are_marked_in_the_original_text():
    text = "Officials visited; the visit was short."
    spans = match_spans(text, {("text", "visit")}, TEXT)
    assert [text[a:b] for a, b in spans] == ["visited", "visit"]


def test_entity_terms_mark_mentions_whose_name_has_the_word():
    text = "Qin spoke to Blinken."
    mentions = [("person", 0, 3, "Qin Gang"), ("person", 13, 20, "Antony Blinken")]
    spans = match_spans(text, {("person", "gang")}, TEXT, mentions, NAMES)
    assert spans == [(0, 3)]


def test_other_fields_are_not_marked_and_spans_merge():
    assert match_spans("Taiwan", {("source", "taiwan")}, TEXT) == []
    assert mark("abcdef", [(0, 2), (4, 6)]) == "<b>ab</b>cd<b>ef</b>"


def test_a_phrase_marks_its_occurrences_only():
    text = "The Foreign Minister said the foreign ministry would reply; ministry staff agreed."
    spans = match_spans(text, {("text", ("foreign", "ministri"))}, TEXT)
    assert [text[a:b] for a, b in spans] == ["foreign ministry"]


def test_an_entity_phrase_marks_mentions_holding_the_whole_sequence():
    text = "Qin Gang and Gang Li met."
    mentions = [("person", 0, 8, "Qin Gang"), ("person", 13, 20, "Gang Li")]
    spans = match_spans(text, {("person", ("qin", "gang"))}, TEXT, mentions, NAMES)
    assert spans == [(0, 8)]


def test_mark_escapes_every_character_of_the_text():
    text = 'AT&T said <img src=x onerror=alert(1)> "Taiwan"'
    start = text.index("Taiwan")
    assert mark(text, [(start, start + 6)]) == (
        "AT&amp;T said &lt;img src=x onerror=alert(1)&gt; &quot;<b>Taiwan</b>&quot;")
    assert mark("<b>", [(0, 3)]) == "<b>&lt;b&gt;</b>"


def test_markup_in_a_paragraph_comes_back_escaped(tmp_path, runner):
    import html
    import json
    import re

    import searchlib

    evil = 'AT&T said <img src=x onerror=alert(1)> Taiwan <script>alert("x")</script>'
    with searchlib.Index.create(tmp_path / "ix") as ix:
        ix.add_articles([searchlib.Article("Markup", [evil], id="m1")])
        hit = ix.search("Taiwan").hits[0]
    assert hit.text == evil
    # the only tags left are the <b> marks, and unescaping gives the text back
    assert re.findall(r"<[^>]*>", hit.highlight) == ["<b>", "</b>"]
    assert html.unescape(hit.highlight.replace("<b>", "").replace("</b>", "")) == evil
    assert [evil[a:b] for a, b in hit.spans] == ["Taiwan"]
    data = json.loads(run(runner, "search", "Taiwan", "--format", "json",
                          "--index", str(tmp_path / "ix")).output)
    out = data["hits"][0]
    assert out["spans"] == hit.spans and out["highlight"] == hit.highlight
    assert "<img" not in out["highlight"] and "<img" not in out["snippet_highlight"]
    # the terminal shows the text as written, from the spans
    text = run(runner, "search", "Taiwan", "--index", str(tmp_path / "ix")).output
    assert evil in text and "&lt;" not in text


def _analysed(text: str) -> list[tuple[str, int, int]]:
    return [(t.text, t.startchar, t.endchar) for t in TEXT(text, chars=True, mode="index")]


def test_remembered_words_give_the_analyzers_own_tokens():
    odd = ["U.S. output rose 3.5 pct in the year's first quarter; it's ministries'",
           "Ünïcode wörds ÇA VA, naïve café — e-mail x*y 1,000.25 ...", "", "the of and",
           "Visiting visits VISITED visit", "a*b** **", "İstanbul ǅemal ß STRASSE"]
    for text in odd + odd:  # the second time from memory
        assert tokens(text, TEXT) == _analysed(text)
    # Real news text: every paragraph of the first Reuters file.
    sgm = SHARED / "corpus" / "reuters21578" / "reut2-000.sgm.gz"
    if sgm.exists():
        import gzip
        body = gzip.open(sgm, "rt", encoding="latin-1").read()
        for text in body.split("\n     ")[:3000]:
            assert tokens(text, TEXT) == _analysed(text)


def test_an_analyzer_of_other_filters_is_run_as_it_is():
    text = "Qin \x1f Gang"  # the name analyzer's gap filter: positions, not words
    assert tokens(text, NAMES) == [(t.text, t.startchar, t.endchar)
                                   for t in NAMES(text, chars=True, mode="index")]


def _reference_spans(found: list[tuple[str, int, int]], words: set[str],
                     phrases: set[tuple[str, ...]]) -> list[tuple[int, int]]:
    """The spans from the tokens Whoosh's analyzer *found*, one token at a time."""
    spans = [(start, end) for term, start, end in found if term in words]
    terms = [term for term, _, _ in found]
    for phrase in phrases:
        for i in range(len(found) - len(phrase) + 1):
            if tuple(terms[i:i + len(phrase)]) == phrase:
                spans.append((found[i][1], found[i + len(phrase) - 1][2]))
    return _merge(spans)  # overlapping spans become one, as they always did


def test_one_highlighter_marks_what_the_analyzer_finds_in_every_paragraph():
    import random

    from searchlib._highlight import Highlighter

    rng = random.Random(3)
    texts = ["U.S. output rose 3.5 pct in the year's first quarter; it's ministries'",
             "Ünïcode wörds ÇA VA, naïve café — e-mail x*y 1,000.25 ...", "",
             "Visiting visits VISITED visit", "İstanbul ǅemal ß STRASSE", "the of and"]
    sgm = SHARED / "corpus" / "reuters21578" / "reut2-000.sgm.gz"
    if sgm.exists():
        import gzip
        lines = gzip.open(sgm, "rt", encoding="latin-1").read().splitlines()[:6000]
        texts += [" ".join(lines[i:i + 4]) for i in range(0, len(lines), 4)]  # about a paragraph
    analysed = {text: _analysed(text) for text in texts}
    vocabulary = sorted({term for found in analysed.values() for term, _, _ in found})
    for _ in range(40):  # queries: a few words and phrases, each over every paragraph
        words = set(rng.sample(vocabulary, 3))
        phrases = {tuple(rng.sample(vocabulary, 2))}
        for text in rng.sample(texts, 5):  # and words and phrases that some paragraphs hold
            found = [term for term, _, _ in analysed[text]]
            if len(found) > 3:
                i = rng.randrange(len(found) - 2)
                phrases.add(tuple(found[i:i + rng.choice([2, 3])]))
                words.add(rng.choice(found))
        terms = {("text", w) for w in words} | {("title", p) for p in phrases}
        marker = Highlighter(terms | {("source", "reuters")}, TEXT, NAMES)
        for text in texts:
            assert marker.spans(text) == _reference_spans(analysed[text], words, phrases), text

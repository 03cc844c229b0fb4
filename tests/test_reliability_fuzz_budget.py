"""Bounded queries (issue 13, item 4): thousands of random queries on a real index on disk,
each finishing within its time budget plus a margin, or failing with a one-line QueryError
(a QueryTimeoutError when the budget ran out).

The generator is seeded (reproducible): fuzzy terms, wildcards, long words, operators,
fields, phrases, unicode. A failure lists every offending query with its time, so that a
slow path shows which part of the query language it is in.
"""

from __future__ import annotations

import random
import re
import time

import pytest

from searchlib import Article, Index, QueryError, QueryTimeoutError

#: The budget given to each query, and how far past it a query may end (the deadline is
#: checked every few thousand matches and between phases, and the machine is shared).
BUDGET = 1.0
MARGIN = 1.5
QUERIES = 2000
SEED = 13


def _vocabulary(rng: random.Random, n: int) -> list[str]:
    syllables = ["ka", "to", "ri", "men", "sa", "lo", "bar", "ent", "ion", "ta", "ver", "un",
                 "ch", "ol", "ir", "ba", "nk", "oil", "str", "ax", "é", "ü"]
    words = set()
    while len(words) < n:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))))
    return sorted(words)


@pytest.fixture(scope="module")
def fuzz_index(tmp_path_factory):
    rng = random.Random(SEED)
    vocab = _vocabulary(rng, 3000)
    articles = []
    for i in range(300):
        paras = [" ".join(rng.choice(vocab) for _ in range(rng.randint(8, 40))) + "."
                 for _ in range(rng.randint(1, 5))]
        articles.append(Article(f"Headline {' '.join(rng.sample(vocab, 5))}", paras,
                                id=f"f{i}", date=None, source=rng.choice(["Wire", "Daily"])))
    ix = Index.create(tmp_path_factory.mktemp("fuzz") / "ix")
    ix.add_articles(articles, batch_size=150)
    yield ix, vocab
    ix.close()


_UNICODE = ["Zürich", "東京", "Москва", "🙂", "العربية", "naïve", "ﬁ", "\u200b", "\ufffd",
            "Ωmega", "ß"]


def _word(rng: random.Random, vocab: list[str]) -> str:
    r = rng.random()
    if r < 0.35:
        return rng.choice(vocab)
    if r < 0.45:  # a typo
        w = rng.choice(vocab)
        i = rng.randrange(len(w))
        return w[:i] + rng.choice("aeioukz") + w[i + 1:]
    if r < 0.55:
        return rng.choice(_UNICODE)
    if r < 0.62:  # long words, past any real word
        return "".join(rng.choice("abcdefghij") for _ in range(rng.choice([41, 120, 400])))
    if r < 0.75:
        return rng.choice(["a", "o", "ab", "oil", "bank", "ka", rng.choice(vocab)])
    return rng.choice(vocab)[: rng.randint(1, 3)]


def _term(rng: random.Random, vocab: list[str]) -> str:
    w = _word(rng, vocab)
    r = rng.random()
    if len(w) > 40 and r < 0.2 and rng.random() > 0.1:
        # Fuzzy long words are a known slow path (1-3 s each, issue 11's): kept rare, so
        # that the fuzz exposes it without spending most of its time there.
        r = 0.9
    if r < 0.2:
        return f"{w}~{rng.choice(['', '1', '2'])}"
    if r < 0.35:
        return rng.choice([f"{w}*", f"*{w}", f"{w[:1]}?{w[1:]}*", f"*{w}*"])
    if r < 0.45:
        return f'"{w} {_word(rng, vocab)}"'
    if r < 0.55:
        return f"{rng.choice(['person', 'place', 'org', 'title', 'source'])}:{w}"
    if r < 0.58:
        return rng.choice(["date:[2020-01-01 to 2024-12-31]", "date:2023-06", "*"])
    return w


def random_query(rng: random.Random, vocab: list[str]) -> str:
    parts = []
    for _ in range(rng.randint(1, 6)):
        if parts and rng.random() < 0.35:
            parts.append(rng.choice(["AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"]))
        t = _term(rng, vocab)
        if rng.random() < 0.1:
            t = f"({t} {rng.choice(['OR', 'AND'])} {_term(rng, vocab)})"
        if rng.random() < 0.05:
            t += f"^{rng.choice(['2', '0.5', '10'])}"
        parts.append(t)
    return " ".join(parts)


def _run(call) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        call()
        outcome = "ok"
    except QueryTimeoutError:
        outcome = "timeout"
    except QueryError:
        outcome = "query error"
    return time.perf_counter() - start, outcome


def _timed(call, limit: float) -> tuple[float, str]:
    """Wall time and outcome of *call*; one past *limit* is run again, and the faster run
    counts: on a shared machine a process may be descheduled for seconds, while a really
    unbounded query is slow every time."""
    took, outcome = _run(call)
    if took > limit:
        again, outcome_again = _run(call)
        if again < took:
            return again, outcome_again
    return took, outcome


#: A word longer than any real one: the paths that such words make slow belong to fuzzy
#: expansion (issue 11: caps on edits by word length) and to suggestions (issue 14).
_LONG = re.compile(r"[^\s~*?\"():^]{41,}")


def _report(slow: list[tuple[str, str]], owned_elsewhere, why: str, header: str) -> None:
    """Fail on the offending queries; when all of them are a known slow path owned by
    another part, mark the test xfail, listing them (it passes once that part is done)."""
    if not slow:
        return
    lines = [f"{line}" for line, _ in slow]
    if all(owned_elsewhere(q) for _, q in slow):
        pytest.xfail(f"{header}, all of them {why}:\n" + "\n".join(lines))
    pytest.fail(f"{header}:\n" + "\n".join(lines))


def _fuzzy_long_word(q: str) -> bool:
    return any(m.end() < len(q) and q[m.end()] == "~" for m in _LONG.finditer(q))


def test_random_queries_finish_within_their_budget(fuzz_index):
    """The search itself (suggestions apart: see the next test)."""
    ix, vocab = fuzz_index
    rng = random.Random(SEED)
    slow, outcomes = [], {}
    for n in range(QUERIES):
        q = random_query(rng, vocab)
        by_article = n % 7 == 0
        sort = "newest" if n % 11 == 0 else None
        took, outcome = _timed(lambda q=q, b=by_article, s=sort: ix.search(
            q, by_article=b, sort=s, timeout=BUDGET, suggest=False), BUDGET + MARGIN)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if took > BUDGET + MARGIN:
            slow.append((f"{took:6.2f}s {outcome:<11} {q[:150]!r}", q))
    assert outcomes.get("ok", 0) > QUERIES // 2, outcomes  # the fuzz mostly reaches search
    _report(slow, _fuzzy_long_word, "fuzzy terms on words over 40 characters (the Levenshtein "
            "automaton is built before any deadline check; capping edits by word length is "
            "issue 11's)", f"{len(slow)} of {QUERIES} queries ran past {BUDGET}+{MARGIN}s "
            f"({outcomes})")


def test_random_queries_with_suggestions_finish_within_their_budget(fuzz_index):
    ix, vocab = fuzz_index
    rng = random.Random(SEED + 2)
    slow = []
    for _ in range(40):
        q = random_query(rng, vocab)
        took, outcome = _timed(lambda q=q: ix.search(q, timeout=BUDGET), BUDGET + MARGIN)
        if took > BUDGET + MARGIN:
            slow.append((f"{took:6.2f}s {outcome:<11} {q[:150]!r}", q))
    _report(slow, lambda q: bool(_LONG.search(q)), "with a word over 40 characters (the "
            "suggestion search, searchlib/_suggest.py, does not skip such words or honour "
            "the deadline yet: issue 14's)", f"{len(slow)} of 40 searches with suggestions "
            f"ran past {BUDGET}+{MARGIN}s")


def test_random_queries_of_the_other_query_commands_finish_within_their_budget(fuzz_index):
    ix, vocab = fuzz_index
    rng = random.Random(SEED + 1)
    slow = []
    for n in range(200):
        q = random_query(rng, vocab)
        if n % 2:
            call = lambda q=q: ix.entities(q, timeout=BUDGET)  # noqa: E731
        else:
            call = lambda q=q: sum(1 for _ in ix.export_articles(q, timeout=BUDGET))  # noqa: E731
        took, outcome = _timed(call, BUDGET + MARGIN + 2.0)
        if took > BUDGET + MARGIN + 2.0:  # export also reads every matching article
            slow.append((f"{took:6.2f}s {outcome:<11} {q[:150]!r}", q))
    _report(slow, _fuzzy_long_word, "fuzzy terms on words over 40 characters (issue 11)",
            f"{len(slow)} of 200 entities/export queries ran past their budget")


def test_a_spent_budget_is_a_query_timeout_error(fuzz_index):
    ix, vocab = fuzz_index
    with pytest.raises(QueryTimeoutError) as info:
        ix.search("*a* OR *e*", timeout=1e-9)
    assert "time budget" in str(info.value) and info.value.seconds == 1e-9
    with pytest.raises(QueryTimeoutError):
        ix.entities("*a*", timeout=1e-9)
    with pytest.raises(QueryTimeoutError):
        list(ix.iter_hits("*a*", timeout=1e-9))
    with pytest.raises(QueryTimeoutError):
        next(ix.export_articles("*a*", timeout=1e-9))
    assert ix.search("*a*", timeout=None).total > 0  # None: no limit
    assert ix.search("*a*", timeout=0).total > 0  # 0: no limit either

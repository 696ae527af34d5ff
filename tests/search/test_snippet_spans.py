"""find_spans reads ASCII text with a regex per matcher: it must agree, span for span, with the
index's analyzer read word by word (the path non-ASCII text takes)."""

from __future__ import annotations

import random

from uncover.search.query import analyzer
from uncover.search.snippets import Span, find_spans


def _by_words(text: str, matchers: list[tuple[tuple[str, ...], bool]]) -> list[tuple[int, int, int]]:
    toks = analyzer().pre_tokenize(text).tokens
    words = [t.text for t in toks]
    out = []
    for leaf, (tokens, prefix) in enumerate(matchers):
        n = len(tokens)
        for i in range(len(words) - n + 1):
            head, last = words[i : i + n - 1], words[i + n - 1]
            if head == list(tokens[:-1]) and (last.startswith(tokens[-1]) if prefix else last == tokens[-1]):
                out.append((toks[i].char_offset_from, toks[i + n - 1].char_offset_to, leaf))
    return sorted(out, key=lambda s: (s[0], s[1]))


def _spans(spans: list[Span]) -> list[tuple[int, int, int]]:
    return [(s.start, s.end, s.leaf) for s in spans]


def test_dropped_long_words_join_a_phrase_and_never_match_a_prefix():
    long = "x" * 45
    text = f"Opt {long} out. Opt{long} opted"  # the analyzer sees: opt out opted
    assert _spans(find_spans(text, [(("opt", "out"), False)])) == [(0, 53, 0)]
    assert _spans(find_spans(text, [(("opt",), True)])) == [(0, 3, 0), (104, 109, 0)]
    assert _spans(find_spans(text, [(("out", "opt"), True)])) == [(50, 109, 0)]
    assert _spans(find_spans(text, [(("a", "a"), False)])) == []


def test_ascii_spans_match_the_analyzer_word_by_word():
    rng = random.Random(7)
    words = ["a", "ab", "abc", "b", "ba", "x1", "9", "A", "Ab", "aB"]
    seps = [" ", "-", "\n", "  ", ", ", "_", "'", ".", "\t"]
    for _ in range(3000):
        parts = []
        for _ in range(rng.randint(0, 20)):
            r = rng.random()
            parts.append(rng.choice(words) if r < 0.85 else "a" * rng.randint(38, 42) if r < 0.95 else "ab" + "b" * rng.randint(35, 40))
            parts.append(rng.choice(seps))
        text = rng.choice(["", " "]) + "".join(parts)
        matchers = [
            (tuple(rng.choice(["a", "ab", "b", "ba", "x1", "9", "abc"]) for _ in range(rng.randint(1, 3))), rng.random() < 0.4)
            for _ in range(rng.randint(1, 3))
        ]
        assert _spans(find_spans(text, matchers)) == _by_words(text, matchers), (text, matchers)

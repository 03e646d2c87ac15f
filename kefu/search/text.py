"""Chinese text for the full-text index: normalise, segment, plan queries, highlight. No Django here.

Both the index and the query go through `normalise` (Traditional to Simplified with OpenCC, full-width
to half-width, lower case), so 發票 finds 发票 and ＫＦ finds kf.

A document is indexed as the words of rjieba's cut-for-search (with a customer-service dictionary, so
起鼓, 退款, 补发 stay whole) *plus* every two-character window of each Chinese run. The windows make any
two-character query match whatever the segmenter did with the document (新装木地板一周内起鼓 is cut
...内起/鼓 without the dictionary); the words make a document that holds the query as a word rank
higher. Single characters are not indexed: a one-character query falls back to a substring match.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import opencc
import rjieba

# "tw2s" is "t2s" plus Taiwan variants (看著 -> 看着).
_T2S = opencc.OpenCC("tw2s")
# Our own segmenter instance: the domain words must not change how other apps segment.
_JIEBA = rjieba.Jieba()
# Runs of Chinese characters, or of ASCII letters and digits: the only token shapes there are, so the
# tokens need no quoting in an FTS5 or tsquery expression.
_RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
DICTIONARY = Path(__file__).with_name("dictionary.txt")
# A document's tokens are capped so that one enormous message cannot bloat the index row.
MAX_TOKENS = 20000


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {0x3000: " "}
    for code in range(0xFF01, 0xFF5F):
        table[code] = chr(code - 0xFEE0)
    return table


_FOLD = _fold_table()


@lru_cache(maxsize=1)
def _load_dictionary() -> None:
    """Domain words the general dictionary splits (起鼓, 补发, 工单号...), one per line, # comments."""
    for line in DICTIONARY.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            _JIEBA.add_word(word, None, None)


def normalise(text: str) -> str:
    """Simplified, half-width, lower case. OpenCC may change the length of a phrase (rarely)."""
    return _T2S.convert((text or "").translate(_FOLD).lower())


def _chinese_words(run: str) -> list[str]:
    _load_dictionary()
    return [w for w in _JIEBA.cut_for_search(run) if len(w) > 1]


def _bigrams(run: str) -> list[str]:
    return [run[i:i + 2] for i in range(len(run) - 1)]


def index_tokens(text: str) -> list[str]:
    """The tokens a document is indexed under, in order (repeats kept: they count for ranking)."""
    tokens: list[str] = []
    for run in _RUNS.findall(normalise(text)):
        if _CJK.match(run):
            tokens.extend(_chinese_words(run))
            tokens.extend(_bigrams(run))
        else:
            tokens.append(run)
        if len(tokens) >= MAX_TOKENS:
            break
    return tokens[:MAX_TOKENS]


def index_text(*parts: str) -> str:
    """The space-separated token string stored in the index."""
    return " ".join(index_tokens(" ".join(p for p in parts if p)))


@lru_cache(maxsize=65536)
def _part_tokens(text: str) -> tuple[str, ...]:
    return tuple(index_tokens(text))


def index_text_many(parts: list[str]) -> str:
    """index_text(*parts), with each part's tokens remembered: a rebuild meets the same canned replies,
    subjects and greetings again and again. Tokens never cross a space, so joining the parts' tokens
    equals tokenising the joined text (up to the same MAX_TOKENS cap)."""
    tokens: list[str] = []
    for part in parts:
        if part:
            tokens.extend(_part_tokens(part) if len(part) <= 500 else index_tokens(part))
            if len(tokens) >= MAX_TOKENS:
                break
    return " ".join(tokens[:MAX_TOKENS])


@dataclass(frozen=True)
class Term:
    """One word of a query: it matches the word itself, or all of its two-character windows."""

    word: str
    windows: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    terms: tuple[Term, ...]  # every term must match (AND)
    substring: str = ""  # set when the query is too short for the index (one character)
    highlight: tuple[str, ...] = ()  # what to mark in the text shown

    @property
    def empty(self) -> bool:
        return not self.terms and not self.substring


def plan_query(query: str) -> Plan:
    """How to run a search typed by a person."""
    text = normalise(query).strip()
    terms: list[Term] = []
    singles: list[str] = []
    for run in _RUNS.findall(text):
        if not _CJK.match(run):
            terms.append(Term(run, ()))
            continue
        if len(run) == 1:
            singles.append(run)
            continue
        # The query's own words; windows cover words the segmenter cut differently in the document.
        # Single characters between words (的, 了) are dropped: the words around them carry the query.
        _load_dictionary()
        words = [w for w in _JIEBA.cut(run) if len(w) > 1] or [run]
        terms.extend(Term(w, tuple(_bigrams(w)) if len(w) > 2 else ()) for w in words)
    if not terms:
        single = "".join(singles) or text
        return Plan((), substring=single[:50], highlight=(single,) if single else ())
    return Plan(tuple(terms), highlight=tuple(sorted({t.word for t in terms}, key=len, reverse=True)))


def fts5_expression(plan: Plan, *, title_only: bool = False) -> str:
    """SQLite FTS5 MATCH expression (tokens are letters, digits and CJK only, so quoting is safe)."""
    parts = []
    for term in plan.terms:
        if term.windows:
            windows = " AND ".join(f'"{w}"' for w in term.windows)
            parts.append(f'("{term.word}" OR ({windows}))')
        else:
            parts.append(f'"{term.word}"')
    expression = " AND ".join(parts)
    return f"{{title}} : ({expression})" if title_only else expression


def tsquery_expression(plan: Plan, *, title_only: bool = False) -> str:
    """PostgreSQL to_tsquery('simple', ...) text for the same plan (the title has weight A)."""
    weight = ":A" if title_only else ""
    parts = []
    for term in plan.terms:
        if term.windows:
            windows = " & ".join(f"'{w}'{weight}" for w in term.windows)
            parts.append(f"('{term.word}'{weight} | ({windows}))")
        else:
            parts.append(f"'{term.word}'{weight}")
    return " & ".join(parts)


def highlight(text: str, words: tuple[str, ...] | list[str], *, limit: int | None = None) -> str:
    """HTML-escaped text with every occurrence of the words wrapped in <mark>.

    The match runs on the normalised text (so 發票 marks 发票) and the marks are placed on the original
    characters; when OpenCC changed the length, the normalised text is shown instead.
    """
    text = text or ""
    folded = normalise(text)
    shown = text if len(folded) == len(text) else folded
    spans = _spans(folded, words)
    if limit is not None and len(shown) > limit:
        start = max(0, (spans[0][0] if spans else 0) - limit // 3)
        end = start + limit
        spans = [(a - start, min(b, end) - start) for a, b in spans if a >= start and a < end]
        prefix, suffix = ("…" if start else ""), ("…" if end < len(shown) else "")
        shown = shown[start:end]
    else:
        prefix = suffix = ""
    out, pos = [], 0
    for a, b in spans:
        out.append(html.escape(shown[pos:a]))
        out.append(f"<mark>{html.escape(shown[a:b])}</mark>")
        pos = b
    out.append(html.escape(shown[pos:]))
    return prefix + "".join(out) + suffix


def _spans(folded: str, words) -> list[tuple[int, int]]:
    marks = [False] * len(folded)
    for word in words:
        word = normalise(word)
        if not word:
            continue
        start = folded.find(word)
        while start != -1:
            for i in range(start, start + len(word)):
                marks[i] = True
            start = folded.find(word, start + 1)
    spans, i = [], 0
    while i < len(marks):
        if marks[i]:
            j = i
            while j < len(marks) and marks[j]:
                j += 1
            spans.append((i, j))
            i = j
        else:
            i += 1
    return spans


def first_match(texts: list[str], words) -> str | None:
    """The first text that contains one of the words (for a snippet under a result)."""
    for text in texts:
        folded = normalise(text)
        if any(normalise(w) in folded for w in words if w):
            return text
    return None

"""Text normalisation with a map back to the original offsets.

Matching runs on a *compact* form of each turn: Traditional characters converted to
Simplified (OpenCC), full-width folded to half-width, ASCII lower-cased, and every
separator (whitespace, punctuation, zero-width characters, emoji) removed, so that
``不 知 道``, ``不-知-道`` and ``不\u200b知道`` all read ``不知道``. Evidence must point at
what the agent really wrote, so the compact string keeps a sparse map back to the
original offsets (one breakpoint per removed run, resolved with bisect only for hits).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

import opencc

# OpenCC converts phrase by phrase; it is fast (~2 us a turn) but may in theory change the
# length, which would break offsets, so a per-character conversion is the fallback.
# "tw2s" is "t2s" plus Taiwan variants; plain "t2s" leaves 看著 unconverted.
_T2S = opencc.OpenCC("tw2s")

# Separators an evader may slip between characters. Sentence punctuation is "strong":
# a match that crosses it is only believed when every gap of the match is separated
# (不。知。道), otherwise "对不，知道吗" would read as 不知道.
_STRONG = "，。！？；：,.!?;:\n\r、…"
_SEPARATOR_CLASS = (
    r"\s\u00a0\u00ad\u180e\u200b-\u200f\u2028-\u202f\u205f-\u206f\ufeff\ufe00-\ufe0f"
    r"!-/:-@\[-`{-~"  # ASCII punctuation and symbols
    r"\u00a1-\u00bf\u00d7\u00f7\u2010-\u2027\u2030-\u205e"  # Latin-1 and general punctuation
    r"\u2190-\u23ff\u2460-\u27bf\u2900-\u2bff\u3000-\u3003\u3008-\u3020\u3030\u30fb"
    r"\ufe10-\ufe6f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\uffe0-\uffee"
    r"\U0001f000-\U0001faff\U000e0000-\U000e007f"  # emoji, pictographs, tags
)
_SEPARATORS = re.compile(f"[{_SEPARATOR_CLASS}]+")
_STRONG_SET = frozenset(_STRONG)


def _fold_table() -> dict[int, str]:
    """Full-width to half-width and ASCII upper to lower, as one translate table."""
    table: dict[int, str] = {0x3000: " "}
    for code in range(0xFF01, 0xFF5F):
        table[code] = chr(code - 0xFEE0)
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code + 32)
    for code in range(0xFF21, 0xFF3B):  # full-width capitals fold straight to lower case
        table[code] = chr(code - 0xFEE0 + 32)
    return table


_FOLD = _fold_table()


@dataclass(frozen=True, slots=True)
class Normalised:
    """A turn's compact text and the way back to the original offsets.

    ``breaks[i]`` is a compact index from which ``shifts[i]`` characters have been
    removed before it; ``strong`` holds compact indices preceded by strong punctuation
    and ``gaps`` those preceded by any separator.
    """

    original: str
    text: str
    breaks: tuple[int, ...] = ()
    shifts: tuple[int, ...] = ()
    gaps: frozenset[int] = frozenset()
    strong: frozenset[int] = frozenset()

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a compact half-open range to the original text's half-open range."""
        if not self.breaks:
            return start, end
        return start + self._shift(start), (end - 1) + self._shift(end - 1) + 1

    def _shift(self, index: int) -> int:
        pos = bisect_right(self.breaks, index)
        return self.shifts[pos - 1] if pos else 0

    def crosses_boundary(self, start: int, end: int) -> bool:
        """True when a match crosses sentence punctuation that is not a spaced-out evasion."""
        if not self.gaps:
            return False
        inner = range(start + 1, end)
        if not any(i in self.strong for i in inner):
            return False
        return not all(i in self.gaps for i in inner)


def _simplify(text: str) -> str:
    converted = _T2S.convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(_t2s_char(ch) for ch in text)


@lru_cache(maxsize=65536)
def _t2s_char(ch: str) -> str:
    converted = _T2S.convert(ch)
    return converted if len(converted) == 1 else ch


@lru_cache(maxsize=131072)
def normalise(original: str) -> Normalised:
    """Normalise one turn; cached because chat text repeats (好的, 在的亲, 谢谢)."""
    folded = original.translate(_FOLD) if original.isascii() else _simplify(original).translate(_FOLD)
    folded = _fold_compatibility(folded)
    if _SEPARATORS.search(folded) is None:
        return Normalised(original, folded)
    return _compact(original, folded)


def _fold_compatibility(text: str) -> str:
    """Circled or styled letters (ⓑ, 𝐚) are an evasion too; NFKC only when it keeps the length."""
    if text.isascii():
        return text
    folded = unicodedata.normalize("NFKC", text)
    return folded if len(folded) == len(text) else text


def _compact(original: str, folded: str) -> Normalised:
    pieces: list[str] = []
    breaks: list[int] = []
    shifts: list[int] = []
    gaps: set[int] = set()
    strong: set[int] = set()
    removed = 0
    last = 0
    for match in _SEPARATORS.finditer(folded):
        pieces.append(folded[last : match.start()])
        compact_at = match.start() - removed
        removed += match.end() - match.start()
        breaks.append(compact_at)
        shifts.append(removed)
        gaps.add(compact_at)
        if any(ch in _STRONG_SET for ch in match.group()):
            strong.add(compact_at)
        last = match.end()
    pieces.append(folded[last:])
    return Normalised(original, "".join(pieces), tuple(breaks), tuple(shifts), frozenset(gaps), frozenset(strong))

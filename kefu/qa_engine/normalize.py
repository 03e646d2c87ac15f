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
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

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
_SPLIT = re.compile(f"([{_SEPARATOR_CLASS}]+)")  # split keeps the runs between the pieces
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


class Normalised(NamedTuple):  # a NamedTuple: built for every turn, and 4x cheaper than a frozen dataclass
    """A turn's compact text and the way back to the original offsets.

    ``breaks[i]`` is a compact index before which the separator run ``runs[i]`` was
    removed; ``shifts[i]`` is the total removed up to and including that run.
    """

    original: str
    text: str
    breaks: tuple[int, ...] = ()
    shifts: tuple[int, ...] = ()
    runs: tuple[str, ...] = ()

    @property
    def gaps(self) -> tuple[int, ...]:
        """Compact indices preceded by a separator (few per turn, so a tuple is enough)."""
        return self.breaks

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
        if not self.breaks:
            return False
        inside = [i for i, at in enumerate(self.breaks) if start < at < end]
        if not any(_STRONG_SET.intersection(self.runs[i]) for i in inside):
            return False
        return len(inside) < end - start - 1


def _traditional_pattern() -> re.Pattern[str]:
    """Characters OpenCC would change, so that Simplified text (most chat) skips the call."""
    blocks = [(0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00)]
    chars = [chr(c) for low, high in blocks for c in range(low, high)]
    converted = _T2S.convert("\n".join(chars)).split("\n")
    changed = "".join(ch for ch, new in zip(chars, converted, strict=True) if ch != new)
    return re.compile(f"[{re.escape(changed)}]")


_TRADITIONAL = _traditional_pattern()
# Only these characters change under the fold table; the translate call is slow, so skip it.
_NEEDS_FOLD = re.compile("[A-Z\u3000\uff01-\uff5e]")


def _simplify(text: str) -> str:
    if _TRADITIONAL.search(text) is None:
        return text
    converted = _T2S.convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(_t2s_char(ch) for ch in text)


@lru_cache(maxsize=65536)
def _t2s_char(ch: str) -> str:
    converted = _T2S.convert(ch)
    return converted if len(converted) == 1 else ch


def normalise_uncached(original: str) -> Normalised:
    """Normalise one turn (the engine's per-turn records cache the result they need)."""
    folded = original if original.isascii() else _fold_compatibility(_simplify(original))
    if _NEEDS_FOLD.search(folded) is not None:
        folded = folded.translate(_FOLD)
    parts = _SPLIT.split(folded)
    if len(parts) == 1:
        return Normalised(original, folded)
    return _compact(original, parts)


# Cached because chat text repeats (好的, 在的亲, 谢谢).
normalise = lru_cache(maxsize=131072)(normalise_uncached)


def _fold_compatibility(text: str) -> str:
    """Circled or styled letters (ⓑ, 𝐚) are an evasion too; NFKC only when it keeps the length."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    folded = unicodedata.normalize("NFKC", text)
    return folded if len(folded) == len(text) else text


def _compact(original: str, parts: list[str]) -> Normalised:
    """From the text split at its separator runs (one C pass: pieces and runs alternate), without
    a Python loop: ``breaks[i]`` is the compact length before run ``i``, ``shifts[i]`` the length
    of runs 0..i."""
    pieces, runs = parts[0::2], parts[1::2]
    breaks = tuple(accumulate(map(len, pieces[:-1])))
    shifts = tuple(accumulate(map(len, runs)))
    return Normalised(original, "".join(pieces), breaks, shifts, tuple(runs))

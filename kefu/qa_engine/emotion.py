"""Customer emotion: a small character n-gram classifier shipped with the package.

The weights in ``data/emotion_zh.json.gz`` are learned by ``eval/qa/train_emotion.py`` from public
review and Weibo corpora; nothing is downloaded. Scoring a turn is a few dictionary look-ups
(about 40 for a short chat turn), so it stays far below the reply box's 2 ms budget.
"""

from __future__ import annotations

import gzip
import json
import math
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import ahocorasick

DATA_DIR = Path(__file__).parent / "data"


def features(compact: str) -> list[str]:
    """Character 1-, 2- and 3-grams of a compact turn, with ^ and $ marking its edges."""
    padded = f"^{compact}$"
    grams = list(compact)
    grams.extend(padded[i:i + 2] for i in range(len(padded) - 1))
    grams.extend(padded[i:i + 3] for i in range(len(padded) - 2))
    return grams


class EmotionModel:
    """P(negative) for a compact text, and the n-gram that pushed it most (the evidence).

    The n-grams are found by one Aho-Corasick pass over ``^text$`` (C speed), which yields
    exactly the features of :func:`features`, repeats included.
    """

    def __init__(self, bias: float, weights: dict[str, float], scaling: str = "none") -> None:
        self.bias = bias
        self.weights = weights
        self.sqrt = scaling == "sqrt"
        self._automaton = ahocorasick.Automaton()
        for gram, weight in weights.items():
            self._automaton.add_word(gram, (len(gram), weight))
        self._automaton.make_automaton()

    def score(self, compact: str) -> tuple[float, tuple[int, int] | None]:
        if not compact:
            return 0.0, None
        total, best, best_end, best_size = 0.0, 0.0, 0, 0
        for end, (size, weight) in self._automaton.iter(f"^{compact}$"):
            total += weight
            if weight > best:
                best, best_end, best_size = weight, end, size
        if self.sqrt:
            n = len(compact)
            total /= math.sqrt(3 * n + 1)  # the number of 1-, 2- and 3-grams with edges
        z = max(-30.0, min(30.0, self.bias + total))
        span = None
        if best_size:
            # back from the padded text to the compact one, without the ^ and $ marks
            start, end = max(0, best_end - best_size), min(len(compact), best_end)
            span = (start, end) if end > start else None
        return 1.0 / (1.0 + math.exp(-z)), span


@lru_cache(maxsize=4)
def load_model(name: str = "emotion_zh") -> EmotionModel:
    """Load a bundled model once per process (about 60,000 weights, read in a few tens of ms).

    Shipped gzipped (the JSON is 2.6 MB, a quarter of that compressed)."""
    data = json.loads(gzip.decompress((DATA_DIR / f"{name}.json.gz").read_bytes()).decode("utf-8"))
    return EmotionModel(float(data["bias"]), data["weights"], data.get("scaling", "none"))


# ---- the conversation around a customer turn ----

class TurnContext(NamedTuple):
    """What the engine knows of one customer turn when judging it in its conversation."""

    index: int
    text: str  # compact
    original: str
    seconds_unanswered: float | None  # since the customer's previous turn, with no agent reply between

    @property
    def bigrams(self) -> frozenset[str]:
        return _bigrams(self.text)


def context_reason(turn: TurnContext, earlier: list[TurnContext], flagged: dict[int, str],
                   wait_seconds: float, probability: float = 1.0, episode_probability: float = 0.0
                   ) -> tuple[str, str] | None:
    """Why a borderline turn reads as negative in its conversation: (level, reason) or None.

    - it continues an unhappy episode (the customer's previous turn was negative);
    - it repeats an earlier question (the customer had to ask again);
    - it comes after a long wait for an answer.
    """
    if earlier and earlier[-1].index in flagged and probability >= episode_probability:
        return flagged[earlier[-1].index], "延续不满"
    if len(turn.text) >= 4 and any(_similar(turn.text, e.text) for e in earlier if len(e.text) >= 4):
        return "焦虑", "重复提问"
    if turn.seconds_unanswered is not None and turn.seconds_unanswered >= wait_seconds:
        return "焦虑", "久等未回复"
    return None


def _similar(a: str, b: str) -> bool:
    if a == b:
        return True
    if not 0.6 <= len(a) / len(b) <= 1.67:  # Jaccard >= 0.6 is impossible across such lengths
        return False
    grams_a, grams_b = _bigrams(a), _bigrams(b)
    shared = len(grams_a & grams_b)
    return shared / (len(grams_a) + len(grams_b) - shared) >= 0.6


@lru_cache(maxsize=65536)
def _bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i:i + 2] for i in range(len(text) - 1))

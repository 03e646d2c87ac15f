"""Customer emotion: a small character n-gram classifier shipped with the package.

The weights in ``data/emotion_zh.json`` are learned by ``eval/qa/train_emotion.py`` from public
review and Weibo corpora; nothing is downloaded. Scoring a turn is a few dictionary look-ups
(about 40 for a short chat turn), so it stays far below the reply box's 2 ms budget.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"


def features(compact: str) -> list[str]:
    """Character 1-, 2- and 3-grams of a compact turn, with ^ and $ marking its edges."""
    padded = f"^{compact}$"
    grams = list(compact)
    grams.extend(padded[i:i + 2] for i in range(len(padded) - 1))
    grams.extend(padded[i:i + 3] for i in range(len(padded) - 2))
    return grams


class EmotionModel:
    """P(negative) for a compact text, and the n-gram that pushed it most (the evidence)."""

    def __init__(self, bias: float, weights: dict[str, float], scaling: str = "none") -> None:
        self.bias = bias
        self.weights = weights
        self.sqrt = scaling == "sqrt"

    def score(self, compact: str) -> tuple[float, tuple[int, int] | None]:
        if not compact:
            return 0.0, None
        get = self.weights.get
        total, best, best_span = 0.0, 0.0, None
        n = len(compact)
        count = 0
        for size in (1, 2, 3):
            padded = compact if size == 1 else f"^{compact}$"
            for i in range(len(padded) - size + 1):
                count += 1
                w = get(padded[i:i + size])
                if w is None:
                    continue
                total += w
                if w > best:
                    start = i if size == 1 else max(0, i - 1)
                    end = min(n, (i + size) if size == 1 else i + size - 1)
                    if end > start:
                        best, best_span = w, (start, end)
        z = self.bias + (total / math.sqrt(count) if self.sqrt else total)
        z = max(-30.0, min(30.0, z))
        return 1.0 / (1.0 + math.exp(-z)), best_span


@lru_cache(maxsize=4)
def load_model(name: str = "emotion_zh") -> EmotionModel:
    """Load a bundled model once per process (about 60,000 weights, read in a few tens of ms)."""
    data = json.loads((DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return EmotionModel(float(data["bias"]), data["weights"], data.get("scaling", "none"))

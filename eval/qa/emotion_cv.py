"""Choose the in-domain fine-tuning of the emotion classifier by cross-validation on the ECD **train** split.

Usage (from the repository root):
    python eval/qa/emotion_cv.py [--base kefu/qa_engine/data/emotion_zh.json.gz] [--folds 5]
        [--weights 1,2,4] [--epochs 3] [--priors 0.001] [--offsets -1,-0.5,0,0.5]

The train split's dialogues are cut into folds (crc32 of the dialogue id). For each setting, a
model fine-tuned on the other folds (eval/qa/train_emotion.py ``finetune``) judges the held fold
through the whole engine (NEG01 with its pack thresholds, NEG02, the conversation context), so
every train turn is judged by a model that never saw it. ``offset`` is added to the model's bias.
The ECD **test** split is never read here.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "eval" / "qa"))

import train_emotion  # noqa: E402

from kefu.qa_engine import Engine, load_pack, matcher  # noqa: E402
from kefu.qa_engine.emotion import EmotionModel  # noqa: E402


def read_model(path: Path) -> tuple[float, dict[str, float]]:
    data = json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))
    return float(data["bias"]), data["weights"]


def engine_with(model: EmotionModel, thresholds: tuple[float, float, float] | None = None) -> Engine:
    """The default pack's engine, its emotion rule scoring with ``model`` and, if given, NEG01's
    (min_probability, context_probability, lexicon_probability) replaced."""
    matcher.load_model = lambda name="emotion_zh": model
    pack = load_pack("default")
    if thresholds:
        keys = ("min_probability", "context_probability", "lexicon_probability")
        rules = tuple(dataclasses.replace(r, params={**r.params, **dict(zip(keys, thresholds, strict=True))})
                      if r.code == "NEG01" else r for r in pack.rules)
        pack = dataclasses.replace(pack, rules=rules)
    return Engine(pack)


def judged(engine: Engine, dialogues: list[dict]) -> set[tuple[str, int]]:
    found = set()
    for dialogue in dialogues:
        for finding in engine.inspect(dialogue).findings:
            if finding.category == "customer_negative":
                found.add((dialogue["id"], finding.turn))
    return found


def split_dialogues(path: Path, split: str) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [d for d in rows if d.get("split") == split]


def gold_turns(path: Path) -> set[tuple[str, int]]:
    gold = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line) if line.strip() else None
        if row and "customer_negative" in row["labels"]:
            gold.add((row["id"], int(row["turn"])))
    return gold


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="the stage-1 model (train_emotion.py --stage1-out)")
    parser.add_argument("--dialogues", type=Path, default=train_emotion.DEFAULT_DIALOGUES)
    parser.add_argument("--labels", type=Path, default=train_emotion.DEFAULT_LABELS)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--weights", default="1")
    parser.add_argument("--agent-weights", default="0,0.5")
    parser.add_argument("--epochs", default="3")
    parser.add_argument("--priors", default="0.001")
    parser.add_argument("--rates", default=str(train_emotion.RATE))
    parser.add_argument("--offsets", default="-1,-0.5,0,0.5")
    parser.add_argument("--written", default="0,1", help="0/1: without/with the written chat turns (every fold)")
    parser.add_argument("--thresholds", default="", help="NEG01 min/context/lexicon probability triplets, "
                        "';'-separated (empty: the pack's)")
    parser.add_argument("--scales", default="1", help="multiply the weights and bias (a temperature) before the offset")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=1, help="fold partitions (pooled counts over all of them)")
    parser.add_argument("--show", action="store_true", help="print the out-of-fold errors of the last setting")
    args = parser.parse_args(argv)
    bias, weights = read_model(args.base)
    dialogues = split_dialogues(args.dialogues, "train")
    rows = train_emotion.ecd_rows(args.dialogues, args.labels, "train")
    gold = gold_turns(args.labels)
    partitions = [{d["id"]: zlib.crc32(f"{r or ''}{d['id']}".encode()) % args.folds for d in dialogues}
                  for r in range(args.repeats)]
    customer = {(d["id"], i) for d in dialogues for i, t in enumerate(d["turns"]) if t["role"] == "customer"}
    gold &= customer
    floats = lambda text: [float(x) for x in text.split(",")]  # noqa: E731
    print(f"ECD train: {len(dialogues)} dialogues, {sum(r[3] == 'customer' for r in rows)} customer turns, {len(gold)} negative; {args.folds} folds")
    engine = engine_with(EmotionModel(bias, weights))
    found = judged(engine, dialogues)
    print(f"no fine-tuning: {_scores(gold, found)}")
    written = train_emotion.written_rows()
    for weight, agent, extra in ((w, a, x) for w in floats(args.weights) for a in floats(args.agent_weights)
                                 for x in floats(args.written)):
        for epochs in floats(args.epochs):
            for prior in floats(args.priors):
                for rate in floats(args.rates):
                    tuned = []
                    for fold in partitions:
                        for k in range(args.folds):
                            docs = train_emotion.domain_docs([r for r in rows if fold[r[0]] != k] + (written if extra else []),
                                                      weight, agent)
                            model = train_emotion.finetune(bias, weights, docs, int(epochs), args.seed, prior, rate)
                            tuned.append((fold, k, model))
                    grid = [tuple(floats(t)) for t in args.thresholds.split(";") if t] or [None]
                    for scale, offset, limits in ((a, c, t) for a in floats(args.scales)
                                                  for c in floats(args.offsets) for t in grid):
                        found = set()
                        for fold, k, (b, w) in tuned:
                            engine = engine_with(EmotionModel(scale * b + offset, _scaled(w, scale)), limits)
                            found |= {(id(fold), key) for key in judged(engine, [d for d in dialogues if fold[d["id"]] == k])}
                        print(f"weight {weight} agent {agent} written {int(extra)} epochs {int(epochs)} prior {prior} rate {rate} scale {scale} offset {offset} thresholds {limits}: "
                              f"{_scores({(id(f), key) for f in partitions for key in gold}, found)}", flush=True)
    if args.show:
        texts = {(d["id"], i): t["text"] for d in dialogues for i, t in enumerate(d["turns"])}
        found = {key for _, key in found if _ == id(partitions[0])}
        for key in sorted(found - gold):
            print(f"FP {key[0]} t{key[1]}: {texts[key]}")
        for key in sorted(gold - found):
            print(f"FN {key[0]} t{key[1]}: {texts[key]}")
    return 0


def _scaled(weights: dict[str, float], scale: float) -> dict[str, float]:
    return weights if scale == 1 else {f: w * scale for f, w in weights.items()}


def _scores(gold: set, found: set) -> str:
    tp, fp, fn = len(gold & found), len(found - gold), len(gold - found)
    p, r = tp / max(1, tp + fp), tp / max(1, tp + fn)
    return f"TP {tp} FP {fp} FN {fn} precision {p:.2f} recall {r:.2f} F1 {2 * p * r / max(1e-9, p + r):.2f}"


if __name__ == "__main__":
    sys.exit(main())

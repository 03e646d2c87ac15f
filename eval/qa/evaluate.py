"""Precision and recall of the default pack against the hand labels of the ECD sample.

Usage (from the repository root):
    python eval/qa/evaluate.py [DIALOGUES.jsonl] [--labels eval/qa/ecd_labels.jsonl] [--pack default] [--show]
    python eval/qa/evaluate.py --sentiment ../shared/datasets/sentiment/waimai_10k.csv

``--sentiment`` measures only the customer_negative detector on a review corpus with
positive/negative labels: out of domain (reviews, not chat turns) but never used for tuning.

The dialogues stay outside the repository; ``--show`` prints the disagreeing turns to the
terminal for review (never write them into the repository).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import zlib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kefu.qa_engine import Engine, load_pack  # noqa: E402
from kefu.qa_engine.normalize import normalise  # noqa: E402

# ../shared next to the repository (main checkout) or two levels up (a worktree under wt/)
DEFAULT_DIALOGUES = next((p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()),
                         ROOT.parent / "shared") / "datasets" / "dialogues" / "ecd_taobao_sample.jsonl"
DEFAULT_LABELS = ROOT / "eval" / "qa" / "ecd_labels.jsonl"
EVALUATED = ("forbidden_phrase", "insult", "filler_word", "impolite_address", "customer_negative", "escalation_risk")

Key = tuple[str, int]


def read_labels(path: Path) -> dict[str, set[Key]]:
    gold: dict[str, set[Key]] = defaultdict(set)
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            for label in row["labels"]:
                gold[label].add((row["id"], int(row["turn"])))
        except (ValueError, KeyError, TypeError) as exc:
            raise SystemExit(f"{path}: line {number}: {exc}") from exc
    return gold


def predict(engine: Engine, dialogues: list[dict]) -> dict[str, set[Key]]:
    found: dict[str, set[Key]] = defaultdict(set)
    for dialogue in dialogues:
        for finding in engine.inspect(dialogue).findings:
            found[finding.category].add((dialogue["id"], finding.turn))
    return found


def scores(gold: set[Key], found: set[Key]) -> tuple[int, int, int, float | None, float | None]:
    tp, fp, fn = len(gold & found), len(found - gold), len(gold - found)
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return tp, fp, fn, precision, recall


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def report(gold: dict[str, set[Key]], found: dict[str, set[Key]]) -> str:
    lines = ["| category | labelled | flagged | TP | FP | FN | precision | recall |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for category in EVALUATED:
        tp, fp, fn, precision, recall = scores(gold[category], found[category])
        lines.append(f"| {category} | {len(gold[category])} | {len(found[category])} | {tp} | {fp} | {fn} "
                     f"| {_fmt(precision)} | {_fmt(recall)} |")
    return "\n".join(lines)


def show(dialogues: list[dict], gold: dict[str, set[Key]], found: dict[str, set[Key]]) -> None:
    turns = {(d["id"], i): t["text"] for d in dialogues for i, t in enumerate(d["turns"])}
    for category in EVALUATED:
        for kind, keys in (("FP", found[category] - gold[category]), ("FN", gold[category] - found[category])):
            for key in sorted(keys):
                print(f"{category} {kind} {key[0]} t{key[1]}: {turns.get(key, '?')}")


def split_report(dialogues: list[dict], gold: dict[str, set[Key]], found: dict[str, set[Key]]) -> str:
    """The same table per ECD split, so a reader can compare train and test."""
    parts = []
    for split in sorted({d.get("split", "?") for d in dialogues}):
        ids = {d["id"] for d in dialogues if d.get("split", "?") == split}
        keep = {c: {k for k in keys if k[0] in ids} for c, keys in gold.items()}
        seen = {c: {k for k in keys if k[0] in ids} for c, keys in found.items()}
        parts.append(f"split {split} ({len(ids)} dialogues)\n" + report(defaultdict(set, keep), defaultdict(set, seen)))
    return "\n\n".join(parts)


# The clue_emotion2020 labels read as polarity (surprise is left out), as in eval/qa/train_emotion.py.
LABELS = {"negative": True, "positive": False, "anger": True, "disgust": True, "sadness": True, "fear": True,
          "happiness": False, "like": False}


def held_out(text: str) -> bool:
    """The one text in ten that eval/qa/train_emotion.py keeps out of training (same rule)."""
    return zlib.crc32(normalise(text.strip()).text[:160].encode()) % 10 == 0


def sentiment(engine: Engine, path: Path, only_held_out: bool = False) -> str:
    """Precision/recall of customer_negative on a labelled review corpus (label,text CSV)."""
    tp = fp = fn = tn = 0
    with path.open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            if row["label"] not in LABELS or (only_held_out and not held_out(row["text"])):
                continue
            flagged = any(f.category == "customer_negative" for f in engine.check(row["text"], role="customer"))
            negative = LABELS[row["label"]]
            tp += flagged and negative
            fp += flagged and not negative
            fn += negative and not flagged
            tn += not negative and not flagged
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = 2 * precision * recall / (precision + recall) if precision and recall else None
    return (f"{path.name}{' (held-out tenth)' if only_held_out else ''}: {tp + fp + fn + tn} texts, {tp + fn} negative; "
            f"customer_negative flagged {tp + fp}: TP {tp} FP {fp} FN {fn}, precision {_fmt(precision)}, "
            f"recall {_fmt(recall)}, F1 {_fmt(f1)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dialogues", nargs="?", type=Path, default=DEFAULT_DIALOGUES)
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--pack", default="default")
    parser.add_argument("--show", action="store_true", help="print disagreements (for review only)")
    parser.add_argument("--splits", action="store_true", help="also report the train and test splits")
    parser.add_argument("--only", choices=("train", "test"), help="only this ECD split (tune with train only)")
    parser.add_argument("--sentiment", type=Path, action="append", help="review CSV (label,text) to check")
    parser.add_argument("--held-out", action="store_true", help="with --sentiment: only the tenth kept out of training")
    args = parser.parse_args(argv)
    if args.sentiment:
        engine = Engine(load_pack(args.pack))
        for path in args.sentiment:
            print(sentiment(engine, path, args.held_out))
        return 0
    dialogues = [json.loads(line) for line in args.dialogues.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.only:
        dialogues = [d for d in dialogues if d.get("split") == args.only]
    gold, found = read_labels(args.labels), predict(Engine(load_pack(args.pack)), dialogues)
    if args.only:
        ids = {d["id"] for d in dialogues}
        gold = defaultdict(set, {c: {k for k in keys if k[0] in ids} for c, keys in gold.items()})
    print(f"{len(dialogues)} dialogues, {sum(len(d['turns']) for d in dialogues)} turns, pack {args.pack}")
    print(report(gold, found))
    if args.splits:
        print()
        print(split_report(dialogues, gold, found))
    if args.show:
        show(dialogues, gold, found)
    return 0


if __name__ == "__main__":
    sys.exit(main())

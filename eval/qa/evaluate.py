"""Precision and recall of the default pack against the hand labels of the ECD sample.

Usage (from the repository root):
    python eval/qa/evaluate.py [DIALOGUES.jsonl] [--labels eval/qa/ecd_labels.jsonl] [--pack default] [--show]

The dialogues stay outside the repository; ``--show`` prints the disagreeing turns to the
terminal for review (never write them into the repository).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kefu.qa_engine import Engine, load_pack  # noqa: E402

DEFAULT_DIALOGUES = ROOT.parent / "shared" / "datasets" / "dialogues" / "ecd_taobao_sample.jsonl"
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dialogues", nargs="?", type=Path, default=DEFAULT_DIALOGUES)
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--pack", default="default")
    parser.add_argument("--show", action="store_true", help="print disagreements (for review only)")
    args = parser.parse_args(argv)
    dialogues = [json.loads(line) for line in args.dialogues.read_text(encoding="utf-8").splitlines() if line.strip()]
    gold, found = read_labels(args.labels), predict(Engine(load_pack(args.pack)), dialogues)
    print(f"{len(dialogues)} dialogues, {sum(len(d['turns']) for d in dialogues)} turns, pack {args.pack}")
    print(report(gold, found))
    if args.show:
        show(dialogues, gold, found)
    return 0


if __name__ == "__main__":
    sys.exit(main())

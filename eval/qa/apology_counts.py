"""How many APO01 (missing apology/empathy) findings the engine raises per ECD conversation.

Usage (from the repository root):
    python eval/qa/apology_counts.py [DIALOGUES.jsonl] [--pack default] [--rule APO01] [--show]

There are no apology labels, so this reports volume, not precision: the distribution of
findings per conversation and how many negative customer turns (customer_negative or
escalation_risk) they answer for. ``--show`` lists the flagged dialogue ids and turns for
review on the terminal only (never write dialogue text into the repository).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kefu.qa_engine import Engine, load_pack  # noqa: E402

DEFAULT_DIALOGUES = ROOT.parent / "shared" / "datasets" / "dialogues" / "ecd_taobao_sample.jsonl"
TRIGGERS = ("customer_negative", "escalation_risk")


def count(engine: Engine, dialogues: list[dict], rule: str, show: bool) -> str:
    per_convo: Counter[int] = Counter()
    negative_turns = with_negative = 0
    for dialogue in dialogues:
        findings = engine.inspect(dialogue).findings
        flagged = [f.turn for f in findings if f.rule == rule]
        negatives = {f.turn for f in findings if f.category in TRIGGERS}
        per_convo[len(flagged)] += 1
        negative_turns += len(negatives)
        with_negative += bool(negatives)
        if show and flagged:
            print(f"{dialogue['id']}: negative turns {sorted(negatives)}, {rule} at {flagged}")
    total = sum(n * c for n, c in per_convo.items())
    convos = sum(per_convo.values())
    histogram = ", ".join(f"{n}: {per_convo[n]}" for n in sorted(per_convo))
    return (f"{convos} dialogues, {with_negative} with a negative customer turn ({negative_turns} turns)\n"
            f"{rule}: {total} findings, {total / convos:.2f} per dialogue, "
            f"{total / max(with_negative, 1):.2f} per dialogue with a negative turn, "
            f"max {max(per_convo)}, dialogues flagged {convos - per_convo[0]}\n"
            f"findings per dialogue -> dialogues: {histogram}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dialogues", nargs="?", type=Path, default=DEFAULT_DIALOGUES)
    parser.add_argument("--pack", default="default")
    parser.add_argument("--rule", default="APO01")
    parser.add_argument("--show", action="store_true", help="list flagged ids and turns (review only)")
    args = parser.parse_args(argv)
    lines = args.dialogues.read_text(encoding="utf-8").splitlines()
    dialogues = [json.loads(line) for line in lines if line.strip()]
    print(count(Engine(load_pack(args.pack)), dialogues, args.rule, args.show))
    return 0


if __name__ == "__main__":
    sys.exit(main())

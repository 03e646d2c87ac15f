"""What the customer-emotion classifier costs per customer turn (issue 12, item 3).

    python bench/qa_emotion_cost.py [--dialogues PATH] [--other MODEL.json.gz] [--repeat 5]

Takes the distinct customer turns of the ECD sample (read from ../shared, never copied) and
prints, in CPU microseconds per turn with no cache (best of ``--repeat``):
- the classifier's score alone (one Aho-Corasick pass, ``EmotionModel.score``);
- ``Engine.check(text, role="customer")`` with a fresh engine (every rule of a customer turn);
for the shipped model and, with ``--other``, for another model file (for instance the stage-1 model
that ``eval/qa/train_emotion.py --stage1-out`` writes), measured in the same run. Then the
latency of ``check`` on one utterance (p50, p99, max; target < 2 ms).
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kefu.qa_engine import Engine, load_pack, matcher  # noqa: E402
from kefu.qa_engine.emotion import DATA_DIR, EmotionModel  # noqa: E402
from kefu.qa_engine.normalize import normalise  # noqa: E402

DEFAULT_DIALOGUES = next((p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()),
                         ROOT.parent / "shared") / "datasets" / "dialogues" / "ecd_taobao_sample.jsonl"


def read_model(path: Path) -> EmotionModel:
    data = json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))
    return EmotionModel(float(data["bias"]), data["weights"], data.get("scaling", "none"))


def cpu_per_item(prepare, work, items: list[str], repeat: int) -> float:
    """Best CPU time per item of ``work(state, items)`` over ``repeat`` runs, ``prepare()`` untimed."""
    best = float("inf")
    for _ in range(repeat):
        state = prepare()
        started = time.process_time()
        work(state, items)
        best = min(best, time.process_time() - started)
    return best / len(items) * 1e6


def fresh_engine() -> Engine:
    engine = Engine(load_pack("default"))
    engine.check("预热", role="customer")  # builds the customer automaton, outside the timing
    return engine


def measure(name: str, model: EmotionModel, turns: list[str], repeat: int) -> None:
    compact = [normalise(t).text for t in turns]
    score = cpu_per_item(lambda: None, lambda _, items: [model.score(t) for t in items], compact, repeat)
    matcher.load_model = lambda _name="emotion_zh": model
    check = cpu_per_item(fresh_engine, lambda engine, items: [engine.check(t, role="customer") for t in items],
                         turns, repeat)
    print(f"{name}: {len(model.weights):,} n-grams; classifier score {score:.1f} us/turn; "
          f"check(role=customer), all per-turn rules, no cache: {check:.1f} us/turn")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dialogues", type=Path, default=DEFAULT_DIALOGUES)
    parser.add_argument("--other", type=Path, help="another model file to compare with, in the same run")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    dialogues = [json.loads(line) for line in args.dialogues.read_text(encoding="utf-8").splitlines() if line.strip()]
    turns = sorted({t["text"] for d in dialogues for t in d["turns"] if t["role"] == "customer"})
    print(f"{len(turns)} distinct customer turns, mean {statistics.mean(map(len, turns)):.1f} characters")
    original = matcher.load_model
    models = [("shipped", read_model(DATA_DIR / "emotion_zh.json.gz"))]
    if args.other:
        models.append((args.other.name, read_model(args.other)))
    for name, model in models * 2:  # twice, alternating, so that drift in machine load shows
        measure(name, model, turns, args.repeat)
    matcher.load_model = original
    engine = fresh_engine()
    for clock in (time.perf_counter, time.process_time):
        latencies = []
        for text in turns:
            engine = fresh_engine() if clock is time.process_time and text == turns[0] else engine
            started = clock()
            engine.check(text + "?", role="customer")  # not cached: a text not checked before
            latencies.append((clock() - started) * 1e3)
        latencies.sort()
        print(f"check on one customer utterance ({clock.__name__}): p50 {latencies[len(latencies) // 2]:.3f} ms, "
              f"p99 {latencies[int(len(latencies) * 0.99)]:.3f} ms, max {latencies[-1]:.3f} ms (target < 2 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Throughput of the quality-inspection engine on one core, against its parse+normalise floor.

Builds a large corpus in memory by recombining the shared ECD dialogues (nothing is written
to the repository): each conversation is a dialogue whose turns are partly swapped with
turns of the same role from other dialogues, and a share of turns gets a random order
number appended so that the per-turn caches see realistic misses.

    python bench/qa_throughput.py [--conversations 100000] [--unique 0.3] [--dialogues PATH]

Times are CPU seconds of the process (best of ``--repeat``), so that other load on a shared
machine does not distort the figures; wall time is printed beside them. Prints
conversations/s and turns/s for (a) parsing and normalising only, (b) full
inspection with the default pack, (c) full inspection plus JSON serialisation, the ratio
(b)/(a), and the latency of ``Engine.check`` on single utterances.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kefu.qa_engine import Engine, load_pack  # noqa: E402
from kefu.qa_engine.inputs import parse_conversation  # noqa: E402
from kefu.qa_engine.normalize import normalise  # noqa: E402

DEFAULT_DIALOGUES = ROOT.parent / "shared" / "datasets" / "dialogues" / "ecd_taobao_sample.jsonl"


def build_corpus(path: Path, count: int, unique: float, seed: int = 5) -> tuple[list[bytes], int, float]:
    """Return JSON lines, the number of turns and the share of distinct turn texts."""
    rng = random.Random(seed)
    dialogues = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    pool = {role: [t["text"] for d in dialogues for t in d["turns"] if t["role"] == role]
            for role in ("agent", "customer")}
    lines, turns, texts = [], 0, set()
    for index in range(count):
        source = dialogues[index % len(dialogues)]
        convo_turns = []
        for turn in source["turns"]:
            text = turn["text"] if rng.random() < 0.6 else rng.choice(pool[turn["role"]])
            if rng.random() < unique:
                text = f"{text} 订单{rng.randrange(10**9)}"
            convo_turns.append({"role": turn["role"], "text": text})
            texts.add(text)
        turns += len(convo_turns)
        lines.append(json.dumps({"id": f"bench-{index}", "turns": convo_turns}, ensure_ascii=False).encode())
    return lines, turns, len(texts) / turns


def _clear_caches(engine: Engine) -> None:
    normalise.cache_clear()
    engine._matcher.match.cache_clear()  # a fresh engine's state: the bench measures cold caches


def floor(lines: list[bytes]) -> None:
    """What any inspection must pay: decode, validate and normalise every turn."""
    for raw in lines:
        convo = parse_conversation(json.loads(raw))
        for turn in convo.turns:
            normalise(turn.text)


def full(engine: Engine) -> Callable[[list[bytes]], None]:
    def run(lines: list[bytes]) -> None:
        for raw in lines:
            engine.inspect(parse_conversation(json.loads(raw)))
    return run


def full_and_serialise(engine: Engine) -> Callable[[list[bytes]], None]:
    def run(lines: list[bytes]) -> None:
        for raw in lines:
            # What `kefu qa inspect` writes by default: findings plus the failed scorecard items.
            json.dumps(engine.inspect(parse_conversation(json.loads(raw))).to_json("failed"), ensure_ascii=False)
    return run


def timed(label: str, work: Callable[[list[bytes]], None], lines: list[bytes], turns: int, engine: Engine,
          repeat: int) -> float:
    """CPU seconds of this process (best of ``repeat``): other load on the machine does not count."""
    best_cpu, best_wall = float("inf"), float("inf")
    for _ in range(repeat):
        _clear_caches(engine)
        wall, cpu = time.perf_counter(), time.process_time()
        work(lines)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
    print(f"{label:<34} {best_cpu:7.2f} s CPU ({best_wall:6.2f} s wall)  {len(lines) / best_cpu:9,.0f} conversations/s"
          f"  {turns / best_cpu:10,.0f} turns/s")
    return best_cpu


def check_latency(engine: Engine, lines: list[bytes], samples: int = 5000) -> None:
    texts = [t["text"] for raw in lines[:samples] for t in json.loads(raw)["turns"] if t["role"] == "agent"]
    texts = list(dict.fromkeys(texts))[:samples]
    _clear_caches(engine)
    cold = []
    for text in texts:
        started = time.perf_counter()
        engine.check(text, role="agent")
        cold.append(time.perf_counter() - started)
    warm = []
    for text in texts:
        started = time.perf_counter()
        engine.check(text, role="agent")
        warm.append(time.perf_counter() - started)
    for label, values in (("check, uncached", cold), ("check, cached", warm)):
        values.sort()
        p99 = values[int(len(values) * 0.99)]
        print(f"{label:<34} {len(values)} utterances  mean {statistics.mean(values) * 1e6:7.1f} us  "
              f"p50 {values[len(values) // 2] * 1e6:7.1f} us  p99 {p99 * 1e6:7.1f} us  max {values[-1] * 1e3:.2f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--unique", type=float, default=0.3, help="share of turns made unique (cache misses)")
    parser.add_argument("--dialogues", type=Path, default=DEFAULT_DIALOGUES)
    parser.add_argument("--repeat", type=int, default=1, help="runs per stage; the best is reported")
    args = parser.parse_args()
    lines, turns, distinct = build_corpus(args.dialogues, args.conversations, args.unique)
    engine = Engine(load_pack("default"))
    print(f"corpus: {len(lines):,} conversations, {turns:,} turns, {distinct:.0%} distinct turn texts, "
          f"pack default {engine.pack.version}, one core (single thread)")
    base = timed("parse + normalise (floor)", floor, lines, turns, engine, args.repeat)
    inspect = timed("parse + full inspection", full(engine), lines, turns, engine, args.repeat)
    timed("parse + inspection + JSON output", full_and_serialise(engine), lines, turns, engine, args.repeat)
    print(f"inspection / floor ratio: {inspect / base:.2f}x (target <= 3x)")
    check_latency(engine, lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())

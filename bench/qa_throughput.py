"""Throughput of the quality-inspection engine on one core, against the floor of issue 12.

Builds a large corpus by recombining the shared ECD dialogues and writes it to a temporary
JSON-lines file (nothing goes into the repository): each conversation is a dialogue whose
turns are partly swapped with turns of the same role from other dialogues, and a share of
turns gets a random order number appended so that the per-turn caches see realistic misses.

    python bench/qa_throughput.py [--conversations 100000] [--unique 0.3] [--dialogues PATH]

Stages, each reading the same file line by line, in one run:
- floor: ``json.loads`` of every line, OpenCC t2s and NFKC of every turn, nothing else;
- inspection: parse, validate and inspect every conversation with the default pack;
- inspection + JSON output: the same, writing each result as a JSON line to a temporary file
  (what ``kefu qa inspect`` does), and the ratio of this stage to the floor (target <= 3x);
- the same without the emotion classifier (NEG01 as a plain lexicon), to show what it costs.
Times are CPU seconds of the process (best of ``--repeat``), so that other load on a shared
machine does not distort them; wall time is printed beside them. Then the latency of
``Engine.check`` on single utterances.
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import os
import random
import statistics
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import opencc
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kefu.qa_engine import Engine, load_pack, load_pack_data  # noqa: E402
from kefu.qa_engine.emotion import load_model  # noqa: E402
from kefu.qa_engine.inputs import parse_conversation  # noqa: E402
from kefu.qa_engine.jsonline import json_line  # noqa: E402
from kefu.qa_engine.normalize import normalise_uncached  # noqa: E402
from kefu.qa_engine.pack import PACK_DIR  # noqa: E402

# ../shared next to the repository (main checkout) or two levels up (a worktree under wt/)
DEFAULT_DIALOGUES = next((p / "shared" / "datasets" / "dialogues" / "ecd_taobao_sample.jsonl"
                          for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()),
                         ROOT.parent / "shared" / "datasets" / "dialogues" / "ecd_taobao_sample.jsonl")
T2S = opencc.OpenCC("t2s")


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
    engine.clear_caches()  # a fresh engine's state: the bench measures cold caches


def floor(path: Path) -> None:
    """Issue 12's floor: read the lines, json.loads, OpenCC t2s and NFKC of every turn, nothing else."""
    with path.open("rb") as stream:
        for raw in stream:
            for turn in json.loads(raw)["turns"]:
                unicodedata.normalize("NFKC", T2S.convert(turn["text"]))


def full(engine: Engine) -> Callable[[Path], None]:
    def run(path: Path) -> None:
        with path.open("rb") as stream:
            for raw in stream:
                engine.inspect(parse_conversation(json.loads(raw)))
    return run


def full_and_write(engine: Engine) -> Callable[[Path], None]:
    def run(path: Path) -> None:
        with path.open("rb") as stream, tempfile.TemporaryFile("w", encoding="utf-8") as out:
            for raw in stream:
                # What `kefu qa inspect` writes by default: findings plus the failed scorecard items.
                out.write(json_line(engine.inspect(parse_conversation(json.loads(raw))), "failed") + "\n")
    return run


def lexicon_only_pack() -> Engine:
    """The default pack with NEG01 as a plain lexicon: the difference is the classifier's cost."""
    data = yaml.safe_load((PACK_DIR / "default.yaml").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    for rule in data["rules"]:
        if rule["kind"] == "emotion":
            rule["kind"] = "lexicon"
            for key in ("model", "min_probability", "context_probability", "lexicon_probability", "anxious", "angry",
                        "wait_seconds", "episode_probability", "mentions"):
                rule.pop(key, None)
    return Engine(load_pack_data(data))


Stage = tuple[str, Callable[[Path], None], Engine, Callable[[], object]]


def timed(stages: list[Stage], path: Path, conversations: int, turns: int, repeat: int) -> list[float]:
    """CPU seconds of this process per stage (best of ``repeat``): other load on the machine does not
    count. The stages take turns (floor, inspection, floor, ...) so that a burst of load on the shared
    machine hits all of them alike rather than one."""
    cpu, wall = [float("inf")] * len(stages), [float("inf")] * len(stages)
    for _ in range(repeat):
        for index, (_, work, engine, prepare) in enumerate(stages):
            _clear_caches(engine)
            prepare()  # outside the timing
            started_wall, started_cpu = time.perf_counter(), time.process_time()
            work(path)
            cpu[index] = min(cpu[index], time.process_time() - started_cpu)
            wall[index] = min(wall[index], time.perf_counter() - started_wall)
    for (label, _, _, _), seconds, elapsed in zip(stages, cpu, wall, strict=True):
        print(f"{label:<44} {seconds:7.2f} s CPU ({elapsed:6.2f} s wall)  {conversations / seconds:9,.0f} conv/s"
              f"  {turns / seconds:10,.0f} turns/s")
    return cpu


def _score_all(engine: Engine, lines: list[bytes]) -> Callable[[], object]:
    """Fill the classifier's score cache for every customer turn, so that a run measures everything else."""
    rule = next(r for r in engine.pack.rules if r.kind == "emotion")
    texts = list(dict.fromkeys(t["text"] for raw in lines for t in json.loads(raw)["turns"] if t["role"] == "customer"))

    def prepare() -> None:
        for text in texts:
            compact = normalise_uncached(text).text
            if compact:
                engine._matcher.emotion_probability(rule, compact)
    return prepare


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _cpu(work: Callable[[], object], repeat: int, before: Callable[[], object] = lambda: None) -> float:
    """CPU seconds of one stage with the garbage collector off: the stages keep every conversation
    in memory, which a streaming run does not, and a full collection would charge that to them."""
    best = float("inf")
    for _ in range(repeat):
        before()
        gc.collect()
        gc.disable()
        started = time.process_time()
        try:
            work()
        finally:
            best = min(best, time.process_time() - started)
            gc.enable()
    return best


def breakdown(engine: Engine, path: Path, total: float, repeat: int) -> None:
    """Where the time of "parse + inspection + JSON lines written" goes, stage by stage, CPU seconds."""
    with path.open("rb") as stream:
        raw_lines = stream.readlines()
    conversations = [parse_conversation(json.loads(raw)) for raw in raw_lines]
    keys = list(dict.fromkeys((t.text, t.role, c.channel) for c in conversations for t in c.turns))
    rule = next(r for r in engine.pack.rules if r.kind == "emotion")
    model = load_model(rule.params.get("model", "emotion_zh"))
    customer = [normalise_uncached(text).text for text, role, _ in keys if role == "customer"]
    records = engine._records  # the engine's per-turn records (kefu/qa_engine/turns.py)
    loads = _cpu(lambda: [json.loads(raw) for raw in raw_lines], repeat)
    parse = _cpu(lambda: [parse_conversation(json.loads(raw)) for raw in raw_lines], repeat)
    norm = _cpu(lambda: [normalise_uncached(text) for text, _, _ in keys], repeat)
    classifier = _cpu(lambda: [model.score(text) for text in customer if text], repeat)
    build = _cpu(lambda: [records.get(key) for key in keys], repeat, engine.clear_caches)
    fold = _cpu(lambda: [engine.inspect(c) for c in conversations], repeat)
    results = [engine.inspect(c) for c in conversations]
    output = _cpu(lambda: [json_line(r, "failed") for r in results], repeat)
    count = len(conversations)
    rows = [
        ("read + json.loads (also in the floor)", loads),
        ("validation (parse_conversation)", parse - loads),
        (f"new turns: normalise ({len(keys):,} distinct turns)", norm),
        (f"new turns: emotion classifier ({len(customer):,} distinct customer turns)", classifier),
        ("new turns: rule matching and the rest of the record", build - norm - classifier),
        ("per conversation: look-ups and conversation rules, scorecard", fold),
        ("per conversation: JSON line from cached fragments", output),
    ]
    print("where the time goes (CPU s and us a conversation; each stage measured apart, garbage collector off):")
    for label, seconds in rows:
        print(f"  {label:<74} {seconds:6.2f} s  {seconds / count * 1e6:6.1f} us")
    rest = total - sum(s for _, s in rows)
    print(f"  {'garbage collection and the rest (the whole run above minus these stages)':<74} {rest:6.2f} s  "
          f"{rest / count * 1e6:6.1f} us")


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
    engine, lexicon = Engine(load_pack("default")), lexicon_only_pack()
    print(f"corpus: {len(lines):,} conversations, {turns:,} turns, {distinct:.0%} distinct turn texts, "
          f"pack default {engine.pack.version}, one core (single thread); load average {_load()}")
    with tempfile.NamedTemporaryFile(suffix=".jsonl") as corpus:
        corpus.write(b"\n".join(lines) + b"\n")
        corpus.flush()
        path, count = Path(corpus.name), len(lines)
        nothing = lambda: None  # noqa: E731
        base, _, written, known, seen, plain = timed([
            ("floor: json.loads + OpenCC t2s + NFKC", floor, engine, nothing),
            ("parse + full inspection", full(engine), engine, nothing),
            ("parse + inspection + JSON lines written", full_and_write(engine), engine, nothing),
            ("  the same, the classifier's scores known", full_and_write(engine), engine, _score_all(engine, lines)),
            ("  the same, every turn already seen", full_and_write(engine), engine, lambda: full(engine)(path)),
            ("  the same, NEG01 as a plain lexicon", full_and_write(lexicon), lexicon, nothing),
        ], path, count, turns, args.repeat)
        breakdown(engine, path, written, args.repeat)
    print(f"inspection with JSON output / floor: {written / base:.2f}x (target <= 3x); load average now {_load()}")
    print(f"with every turn already seen (the per-turn records warm) the run is {seen / base:.2f}x the floor: the "
          f"{distinct:.0%} distinct turns cost {written - seen:.2f} s of the {written:.2f} s")
    print(f"the emotion classifier costs {written - known:.2f} s CPU in the run ({(written - known) / written:.0%} of it; "
          f"{(written - known) / base:.1f}x the floor): the run minus the same run with every score already known")
    print(f"NEG01 with the classifier (and the context pass it feeds) vs as a plain lexicon: {written - plain:+.2f} s "
          f"CPU ({(written / plain - 1):+.0%})")
    check_latency(engine, lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Fingerprint of the QA engine's output, to prove that a speed change leaves every result alone.

Prints the sha256 of (1) the JSON results of the bench corpus (bench/qa_throughput.py, 6,000
conversations), of the ECD dialogues as they are, with ``ts`` added and as timed voice calls, and
of every sentence of eval/qa/sets (in all three ``items`` modes, with ``json_line`` checked
against ``json.dumps(to_json())``), and (2) ``check`` of every turn of 2,000 conversations (in
its own role and as an agent) and of every turn above. Run it before and after a change:

    python bench/qa_fingerprint.py
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from qa_throughput import DEFAULT_DIALOGUES, build_corpus  # noqa: E402

from kefu.qa_engine import Engine, load_pack  # noqa: E402
from kefu.qa_engine.inputs import parse_conversation  # noqa: E402

try:  # absent before the fast path: then only json.dumps is hashed
    from kefu.qa_engine.jsonline import json_line
except ImportError:  # pragma: no cover
    def json_line(result, items: str) -> str:  # type: ignore[no-untyped-def]
        return json.dumps(result.to_json(items), ensure_ascii=False)


def variants(dialogues: list[dict], rng: random.Random) -> list[dict]:
    """Each dialogue as it is, with chat timestamps, and as a voice call with timings and ring time."""
    out = []
    for dialogue in dialogues:
        moment, stamped = datetime(2026, 1, 1, 9, 0, tzinfo=UTC), []
        for turn in dialogue["turns"]:
            moment += timedelta(seconds=rng.choice([3, 20, 70, 200, 400]))
            stamped.append({"role": turn["role"], "text": turn["text"], "ts": moment.isoformat()})
        start, timed = 0.0, []
        for turn in dialogue["turns"]:
            start = max(start + rng.choice([-1.5, 0.5, 2, 12]), 0)
            end = start + rng.choice([1, 3, 6])
            timed.append({"role": turn["role"], "text": turn["text"], "start": start, "end": end})
            start = end
        out.append({"id": f"ts-{dialogue.get('id')}", "turns": stamped})
        out.append({"id": f"v-{dialogue.get('id')}", "turns": timed, "meta": {"ring_seconds": rng.choice([5, 30])}})
        out.append(dialogue)
    return out


def sentences() -> list[dict]:
    out = []
    for path in sorted((ROOT / "eval" / "qa" / "sets").glob("*.jsonl")):
        role = "customer" if "customer" in path.name else "agent"
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line).get("text") if line.strip() else None
            if isinstance(text, str):
                out.append({"id": path.name, "turns": [{"role": "customer", "text": "你好"}, {"role": role, "text": text}]})
    return out


def main() -> int:
    engine = Engine(load_pack("default"))
    lines, _, _ = build_corpus(DEFAULT_DIALOGUES, 6000, 0.3)
    dialogues = [json.loads(x) for x in DEFAULT_DIALOGUES.read_text(encoding="utf-8").splitlines() if x.strip()]
    extra = variants(dialogues, random.Random(7)) + sentences()
    results, checks, count = hashlib.sha256(), hashlib.sha256(), 0
    for raw in lines:
        result = engine.inspect(parse_conversation(json.loads(raw)))
        line = json.dumps(result.to_json("failed"), ensure_ascii=False)
        assert json_line(result, "failed") == line, line
        results.update((line + "\n").encode())
    for conversation in extra:
        result = engine.inspect(conversation)
        for items in ("all", "failed", "none"):
            line = json.dumps(result.to_json(items), ensure_ascii=False)
            assert json_line(result, items) == line, line
            results.update((line + "\n").encode())
    for raw in lines[:2000]:
        for turn in json.loads(raw)["turns"]:
            for role in (turn["role"], "agent"):
                checks.update(repr(engine.check(turn["text"], role=role)).encode())
                count += 1
    for conversation in extra:
        channel = "voice" if conversation["id"].startswith("v-") else "chat"
        for turn in conversation["turns"]:
            checks.update(repr(engine.check(turn["text"], role=turn["role"], channel=channel)).encode())
            count += 1
    print(f"results {results.hexdigest()[:16]} ({len(lines) + len(extra)} conversations)  "
          f"checks {checks.hexdigest()[:16]} ({count} utterances)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Precision and recall of the default pack on our own written evaluation sets (eval/qa/sets).

Usage (from the repository root):
    python eval/qa/sets_eval.py [--split dev|held|all] [--pack default] [--show]

The sets were written before the rules of issue 12 were tuned and are kept apart from the
rules' own examples. Each line carries ``split``: ``dev`` lines were looked at while tuning,
``held`` lines only measured. ``--show`` prints the misses and false alarms (dev only, unless
asked for another split).
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

SETS = ROOT / "eval" / "qa" / "sets"
AGENT_CATEGORIES = {"forbidden_phrase", "insult"}
# Which rule the pack is expected to use for each group of the standard (the 喂 group is an address rule).
GROUP_RULES = {
    "不知道/不清楚": "FP01", "不管/推诿": "FP02", "找领导去": "FP03", "这是规矩/不能办就是不能办": "FP04",
    "不是告诉你了吗": "FP05", "急也没用/我太忙了": "FP06", "你去投诉": "FP07", "我没工夫": "FP16",
    "我就这态度": "FP08", "快下班了明天再来": "FP09", "我解决不了": "FP10", "不是为你一个人服务": "FP11",
    "嫌贵就别用": "FP12", "现在才说/毛病多/一向这样": "FP13", "自己看着办": "FP14", "没看到我在忙吗": "FP17",
    "喂": "ADR02", "想好了再打来": "FP15", "你这话什么意思": "FP18", "侮辱": "INS01",
}


def read(name: str, split: str) -> list[dict]:
    rows = [json.loads(line) for line in (SETS / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if split == "all" or r["split"] == split]


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "n/a"


def agent(engine: Engine, split: str, show: bool) -> list[str]:
    out = ["| group | n | flagged (any forbidden/insult/喂) | recall | by the group's own rule |",
           "| --- | ---: | ---: | ---: | ---: |"]
    total = flagged_total = own_total = 0
    for group, rule in GROUP_RULES.items():
        rows = [r for r in read("agent_violations.jsonl", split) if r["group"] == group]
        flagged = own = 0
        for row in rows:
            findings = engine.check(row["text"], role="agent")
            hit = any(f.category in AGENT_CATEGORIES or f.rule == "ADR02" for f in findings)
            flagged += hit
            own += any(f.rule == rule for f in findings)
            if show and not hit:
                print(f"MISS {group}: {row['text']}")
        total, flagged_total, own_total = total + len(rows), flagged_total + flagged, own_total + own
        out.append(f"| {group} ({rule}) | {len(rows)} | {flagged} | {_ratio(flagged, len(rows))} | {_ratio(own, len(rows))} |")
    out.append(f"| **all** | {total} | {flagged_total} | **{_ratio(flagged_total, total)}** | {_ratio(own_total, total)} |")
    polite = read("agent_polite.jsonl", split)
    wrong = 0
    for row in polite:
        findings = [f for f in engine.check(row["text"], role="agent") if f.category in AGENT_CATEGORIES or f.rule == "ADR02"]
        wrong += bool(findings)
        if show and findings:
            print(f"FALSE ALARM {[f.rule + ':' + f.text for f in findings]}: {row['text']}")
    out.append(f"\npolite sentences with tempting words: {len(polite)}, flagged {wrong} "
               f"(**{_ratio(wrong, len(polite))}**); precision over violations + polite: "
               f"{_ratio(flagged_total, flagged_total + wrong)}")
    return out


def address(engine: Engine, split: str, show: bool) -> list[str]:
    tp = fp = fn = tn = 0
    for row in read("agent_address.jsonl", split):
        hit = any(f.rule == "ADR01" for f in engine.check(row["text"], role="agent"))
        tp, fp = tp + (hit and row["impolite"]), fp + (hit and not row["impolite"])
        fn, tn = fn + (row["impolite"] and not hit), tn + (not row["impolite"] and not hit)
        if show and hit != row["impolite"]:
            print(f"ADDRESS {'MISS' if row['impolite'] else 'FALSE ALARM'}: {row['text']}")
    return [f"address (ADR01): TP {tp} FP {fp} FN {fn} TN {tn}: precision {_ratio(tp, tp + fp)}, recall {_ratio(tp, tp + fn)}"]


def customer(engine: Engine, split: str, show: bool) -> list[str]:
    sets = {name: read(f"customer_{name}.jsonl", split) for name in ("threats", "calm_mentions", "negative", "neutral")}
    found: dict[str, list[tuple[dict, set[str], list]]] = defaultdict(list)
    for name, rows in sets.items():
        for row in rows:
            findings = engine.check(row["text"], role="customer")
            found[name].append((row, {f.category for f in findings}, findings))
    esc = {n: sum("escalation_risk" in c for _, c, _ in found[n]) for n in sets}
    tp, fp = esc["threats"], esc["calm_mentions"] + esc["negative"] + esc["neutral"]
    out = [f"escalation: threats {len(sets['threats'])}, flagged {tp} (recall **{_ratio(tp, len(sets['threats']))}**); "
           f"calm mentions flagged {esc['calm_mentions']}/{len(sets['calm_mentions'])}, negative {esc['negative']}, "
           f"neutral {esc['neutral']}; precision **{_ratio(tp, tp + fp)}**"]
    neg = {n: sum("customer_negative" in c for _, c, _ in found[n]) for n in sets}
    ntp, nfp = neg["negative"], neg["neutral"] + neg["calm_mentions"]
    recall, precision = ntp / max(1, len(sets["negative"])), ntp / max(1, ntp + nfp)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    out.append(f"negative emotion: negative {len(sets['negative'])}, flagged {ntp} (recall {recall:.2f}); neutral flagged "
               f"{neg['neutral']}/{len(sets['neutral'])}, calm mentions flagged {neg['calm_mentions']}/"
               f"{len(sets['calm_mentions'])}; precision {precision:.2f}, F1 **{f1:.2f}**")
    levels = [(row.get("level"), _level(findings)) for row, _, findings in found["negative"]]
    right = sum(a == b for a, b in levels)
    out.append(f"emotion level on the negative set: {right}/{len(levels)} exact")
    if show:
        for name, wanted in (("threats", True), ("calm_mentions", False), ("negative", False), ("neutral", False)):
            for row, cats, _ in found[name]:
                if ("escalation_risk" in cats) != wanted:
                    print(f"ESC {name}: {row['text']}")
        for name, wanted in (("negative", True), ("neutral", False), ("calm_mentions", False)):
            for row, cats, _ in found[name]:
                if ("customer_negative" in cats) != wanted:
                    print(f"NEG {name}: {row['text']}")
        for (want, got), (row, _, _) in zip(levels, found["negative"], strict=True):
            if want != got:
                print(f"LEVEL want {want} got {got}: {row['text']}")
    return out


def probe(engine: Engine, show: bool, name: str = "probe_after_tuning.jsonl", split: str = "all") -> list[str]:
    """A probe file in eval/qa/sets, measured by kind (and, for violations, by group).

    ``probe_after_tuning.jsonl`` was written after the first round of tuning and never tuned on. Later probes
    (``probe_wave3.jsonl``) carry ``split``; ``--show`` prints only dev lines' misses and false alarms unless the
    split asked for is another. Kinds: violation / polite (agent, any forbidden/insult/喂 finding), threat / mention
    (customer, escalation_risk) and address (agent, ADR01, against the row's ``impolite``).
    """
    rows = [json.loads(line) for line in (SETS / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if split == "all" or r.get("split", "dev") == split]
    shown = "dev" if split == "all" else split
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    address_counts = [0, 0, 0, 0]  # tp fp fn tn
    for row in rows:
        kind = row["kind"]
        role = "agent" if kind in ("violation", "polite", "address") else "customer"
        findings = engine.check(row["text"], role=role)
        if kind == "address":
            hit, wanted = any(f.rule == "ADR01" for f in findings), bool(row["impolite"])
            address_counts[{(True, True): 0, (True, False): 1, (False, True): 2, (False, False): 3}[hit, wanted]] += 1
        elif role == "agent":
            hit = any(f.category in AGENT_CATEGORIES or f.rule == "ADR02" for f in findings)
            wanted = kind == "violation"
        else:
            hit = any(f.category == "escalation_risk" for f in findings)
            wanted = kind == "threat"
        counts[kind][0] += hit
        counts[kind][1] += 1
        if kind == "violation":
            groups[row["group"]][0] += hit
            groups[row["group"]][1] += 1
        if show and hit != wanted and row.get("split", "dev") == shown:
            print(f"PROBE {kind} {row.get('group', '')}: {row['text']}")
    out = [f"{name} ({split}): {kind} flagged {hit}/{n} ({_ratio(hit, n)})" for kind, (hit, n) in counts.items()]
    if len(groups) > 1:
        out.append("  violations by group: " + ", ".join(f"{g} {h}/{n}" for g, (h, n) in groups.items()))
    if any(address_counts):
        tp, fp, fn, tn = address_counts
        out.append(f"  address (ADR01): TP {tp} FP {fp} FN {fn} TN {tn}: precision {_ratio(tp, tp + fp)}, "
                   f"recall {_ratio(tp, tp + fn)}")
    return out


def _level(findings: list) -> str:
    for finding in findings:
        level = getattr(finding, "level", None)
        if level:
            return level
    return "平静"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "held", "all"), default="dev")
    parser.add_argument("--pack", default="default")
    parser.add_argument("--show", action="store_true")
    parser.add_argument("--probe", action="store_true", help="measure the probe written after tuning instead")
    parser.add_argument("--probe-file", help="measure this probe file of eval/qa/sets instead (honours --split)")
    args = parser.parse_args(argv)
    engine = Engine(load_pack(args.pack))
    if args.probe_file:
        print("\n".join(probe(engine, args.show, args.probe_file, args.split)))
        return 0
    if args.probe:
        print("\n".join(probe(engine, args.show)))
        return 0
    print(f"split {args.split}, pack {args.pack} {engine.pack.version}\n")
    for part in (agent, address, customer):
        print("\n".join(part(engine, args.split, args.show)))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Choose the in-domain fine-tuning of the emotion classifier by cross-validation on the ECD **train** split.

Usage (from the repository root):
    python eval/qa/emotion_cv.py --base STAGE1.json.gz [--folds 5] [--repeats 10]
        [--weights 1] [--agent-weights 0.3] [--epochs 2] [--priors 0.001] [--rates 0.03]
        [--offsets 0,0.5,0.75] [--written 0,1] [--thresholds "0.9,0.6,0.12;0.95,0.7,0.12,0.8"]
    python eval/qa/emotion_cv.py --base STAGE1.json.gz --nested ...   # selection-aware estimate

The train split's dialogues are cut into folds, **grouped by dialogue** (no dialogue has turns on
both sides), and the cut is repeated ``--repeats`` times with different assignments (crc32 of
repeat and dialogue id). For each setting, a model fine-tuned on the other folds
(eval/qa/train_emotion.py ``finetune``) judges the held fold through the whole engine (NEG01 with
its pack thresholds, NEG02, the conversation context), so every train turn is judged by a model that
never saw its dialogue. ``offset`` is added to the model's bias. The figures are pooled over all
partitions, with the range over partitions beside them (with 72 negative turns, one partition's
figure moves by several points from the luck of the cut).

Choosing the best of a grid on the same 72 negative turns flatters the chosen setting (the winner
of many noisy comparisons). ``--nested`` measures that: for each outer fold the setting is chosen by
an inner cross-validation on the other folds only (the highest recall at precision >= 0.8, else the
highest precision), and the outer fold is judged by that choice; the pooled outer figure is an
estimate of the whole procedure, selection included.

What no cross-validation of the classifier can undo: NEG01's lexicon, exclusions and thresholds were
written while reading the train split, so every fold is judged by a pack that has seen it (most true
hits on train come through the lexicon). ``--term-dropout`` judges each fold without the lexicon
terms whose only occurrences in the train split are in that fold's dialogues (``--dropout-since
COMMIT``: only terms added after that version of the pack); it removes terms that may have been
added for the fold, and generic terms too, so it errs the other way (see docs/qa-evaluation.md).

The ECD **test** split is never read here. Turns are scored in Python from the weights (the same
sum as the engine's automaton; see ``FastModel``), so a fold costs a fraction of a second.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import math
import random
import statistics
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "eval" / "qa"))

import train_emotion  # noqa: E402

from kefu.qa_engine import Engine, load_pack, matcher  # noqa: E402
from kefu.qa_engine.emotion import features  # noqa: E402
from kefu.qa_engine.normalize import normalise  # noqa: E402

THRESHOLD_KEYS = ("min_probability", "context_probability", "lexicon_probability", "episode_probability")


def read_model(path: Path) -> tuple[float, dict[str, float]]:
    data = json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))
    return float(data["bias"]), data["weights"]


class FastModel:
    """P(negative) from (bias, weights) by summing the weights of :func:`features`: the same figure as
    ``EmotionModel.score`` (whose automaton yields exactly these n-grams), without building an automaton
    of 150,000 keys for every fold. The evidence span is not computed (cross-validation does not need it)."""

    def __init__(self, bias: float, weights: dict[str, float]) -> None:
        self.bias, self.weights = bias, weights

    def score(self, compact: str) -> tuple[float, tuple[int, int] | None]:
        if not compact:
            return 0.0, None
        get = self.weights.get
        z = max(-30.0, min(30.0, self.bias + sum(get(f, 0.0) for f in features(compact))))
        return 1.0 / (1.0 + math.exp(-z)), None


class Judge:
    """The default pack's engine with a swappable emotion model and, if given, NEG01's thresholds
    (min_probability, context_probability, lexicon_probability[, episode_probability]) replaced."""

    def __init__(self, thresholds: tuple[float, ...] | None = None, drop: frozenset[str] = frozenset()) -> None:
        self.model = FastModel(0.0, {})
        matcher.load_model = lambda name="emotion_zh": self.model
        pack = load_pack("default")
        if thresholds or drop:
            def changed(params: dict) -> dict:
                params = {**params, **dict(zip(THRESHOLD_KEYS, thresholds or (), strict=False))}
                for key in ("terms", "positive"):
                    params[key] = tuple(t for t in params.get(key, ()) if t[0] not in drop)
                params["exclude"] = tuple(t for t in params.get("exclude", ()) if t not in drop)
                return params
            rules = tuple(dataclasses.replace(r, params=changed(r.params)) if r.code == "NEG01" else r for r in pack.rules)
            pack = dataclasses.replace(pack, rules=rules)
        self.engine = Engine(pack)

    def __call__(self, model: FastModel, dialogues: list[dict]) -> set[tuple[str, int]]:
        self.model = model
        matcher.load_model = lambda name="emotion_zh": model  # the matcher looks the model up at every score
        self.engine.clear_caches()
        found = set()
        for dialogue in dialogues:
            for finding in self.engine.inspect(dialogue).findings:
                if finding.category == "customer_negative":
                    found.add((dialogue["id"], finding.turn))
        return found


def lexicon_support(dialogues: list[dict], since: str | None = None) -> dict[str, set[str]]:
    """NEG01 lexicon term (or exclusion) -> the train dialogues in whose customer turns it occurs (as a substring of the
    compact text, whatever the negation). The lexicon was written while reading the train split, so a term
    is evidence from the dialogues it occurs in (see ``--term-dropout``)."""
    rule = next(r for r in load_pack("default").rules if r.code == "NEG01")
    terms = {t[0]: normalise(t[0]).text for key in ("terms", "positive") for t in rule.params.get(key, ())}
    terms.update((t, normalise(t).text) for t in rule.params.get("exclude", ()))
    if since:  # only the terms added after that commit of the pack (the earlier ones were written unseen)
        old = _pack_terms_at(since)
        terms = {t: c for t, c in terms.items() if t not in old}
    support: dict[str, set[str]] = {t: set() for t in terms}
    for dialogue in dialogues:
        for turn in dialogue["turns"]:
            if turn["role"] == "customer":
                text = normalise(turn["text"]).text
                for term, compact in terms.items():
                    if compact and compact in text:
                        support[term].add(dialogue["id"])
    return support


def _pack_terms_at(commit: str) -> set[str]:
    import subprocess

    import yaml
    text = subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:kefu/qa_engine/packs/default.yaml"],
                          check=True, capture_output=True, text=True).stdout
    rule = next(r for r in yaml.safe_load(text)["rules"] if r["code"] == "NEG01")
    return {t["term"] if isinstance(t, dict) else str(t) for key in ("terms", "positive", "exclude")
            for t in rule.get(key, ())}


def dropped(support: dict[str, set[str]], held: set[str]) -> frozenset[str]:
    """The lexicon terms whose only train evidence is in the held dialogues: a lexicon written without
    reading them would have had no reason to hold these terms."""
    return frozenset(t for t, ids in support.items() if ids and ids <= held)


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


def partition(ids: list[str], folds: int, repeat: int) -> dict[str, int]:
    """Dialogue -> fold, balanced: dialogues ordered by crc32(repeat:id), dealt round-robin."""
    order = sorted(ids, key=lambda i: (zlib.crc32(f"{repeat}:{i}".encode()), i))
    return {i: n % folds for n, i in enumerate(order)}


@dataclasses.dataclass(frozen=True)
class Setting:
    weight: float = 1.0
    agent: float = 0.3
    written: int = 1
    epochs: int = 2
    prior: float = 0.001
    rate: float = 0.03

    def label(self) -> str:
        return (f"weight {self.weight} agent {self.agent} written {self.written} epochs {self.epochs} "
                f"prior {self.prior} rate {self.rate}")


def tune(base: tuple[float, dict[str, float]], rows: list, written: list, setting: Setting, keep: set[str],
         seed: int) -> tuple[float, dict[str, float]]:
    """Stage 2 on the train rows of the dialogues in ``keep`` (and the written turns if the setting says so)."""
    if not setting.epochs:
        return base
    docs = train_emotion.domain_docs([r for r in rows if r[0] in keep] + (written if setting.written else []),
                                     setting.weight, setting.agent)
    return train_emotion.finetune(base[0], base[1], docs, setting.epochs, seed, setting.prior, setting.rate)


def counts(gold: set, found: set) -> tuple[int, int, int]:
    return len(gold & found), len(found - gold), len(gold - found)


def figures(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p, r = tp / max(1, tp + fp), tp / max(1, tp + fn)
    return p, r, 2 * p * r / max(1e-9, p + r)


def line(tp: int, fp: int, fn: int) -> str:
    p, r, f1 = figures(tp, fp, fn)
    return f"TP {tp} FP {fp} FN {fn} precision {p:.2f} recall {r:.2f} F1 {f1:.2f}"


def bootstrap(gold: set, found: set, ids: list[str], rounds: int = 1000) -> str:
    """90% intervals of precision and recall over dialogues drawn with replacement (one partition's
    out-of-fold findings): the uncertainty that comes from having 77 dialogues, which repeating the
    partition does not reduce."""
    rng = random.Random(12)
    per = {i: [0, 0, 0] for i in ids}
    for key in gold | found:
        per[key[0]][0 if key in gold and key in found else 1 if key in found else 2] += 1
    ps, rs = [], []
    for _ in range(rounds):
        tp = fp = fn = 0
        for i in rng.choices(ids, k=len(ids)):
            tp, fp, fn = tp + per[i][0], fp + per[i][1], fn + per[i][2]
        p, r, _ = figures(tp, fp, fn)
        ps.append(p)
        rs.append(r)
    ps.sort()
    rs.sort()
    low, high = int(0.05 * rounds), int(0.95 * rounds) - 1
    return f" | 90% over dialogues: precision {ps[low]:.2f}-{ps[high]:.2f}, recall {rs[low]:.2f}-{rs[high]:.2f}"


def choose(results: dict) -> object:
    """The setting with the highest recall at precision >= 0.8 (F1 breaks ties), else the most precise."""
    def key(item):
        p, r, f1 = figures(*item[1])
        return (p >= 0.8, r if p >= 0.8 else p, f1)
    return max(results.items(), key=key)[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="the stage-1 model (train_emotion.py --stage1-out)")
    parser.add_argument("--dialogues", type=Path, default=train_emotion.DEFAULT_DIALOGUES)
    parser.add_argument("--labels", type=Path, default=train_emotion.DEFAULT_LABELS)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=10, help="fold partitions (pooled counts over all of them)")
    parser.add_argument("--weights", default="1")
    parser.add_argument("--agent-weights", default=str(train_emotion.TUNE["agent_weight"]))
    parser.add_argument("--epochs", default=str(train_emotion.TUNE["epochs"]), help="0: no fine-tuning (stage 1)")
    parser.add_argument("--priors", default=str(train_emotion.TUNE["prior"]))
    parser.add_argument("--rates", default=str(train_emotion.TUNE["rate"]))
    parser.add_argument("--offsets", default=str(train_emotion.TUNE["offset"]))
    parser.add_argument("--written", default=str(train_emotion.TUNE["written"]),
                        help="0/1: without/with the written chat turns (every fold)")
    parser.add_argument("--thresholds", default="", help="NEG01 min/context/lexicon[/episode] probability tuples, "
                        "';'-separated (empty: the pack's)")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--term-dropout", action="store_true", help="judge each fold without the NEG01 lexicon "
                        "terms that occur only in its dialogues (the lexicon was written reading the train split)")
    parser.add_argument("--dropout-since", help="with --term-dropout: only terms added to the pack after this commit")
    parser.add_argument("--nested", action="store_true", help="also estimate the choice of setting by nested CV")
    parser.add_argument("--nested-repeats", type=int, default=2, help="outer partitions for --nested")
    args = parser.parse_args(argv)
    base = read_model(args.base)
    dialogues = split_dialogues(args.dialogues, "train")
    rows = train_emotion.ecd_rows(args.dialogues, args.labels, "train")
    customer = {(d["id"], i) for d in dialogues for i, t in enumerate(d["turns"]) if t["role"] == "customer"}
    gold = gold_turns(args.labels) & customer
    written = train_emotion.written_rows()
    floats = lambda text: [float(x) for x in text.split(",")]  # noqa: E731
    settings = [Setting(w, a, int(x), int(e), p, r) for w in floats(args.weights) for a in floats(args.agent_weights)
                for x in floats(args.written) for e in floats(args.epochs) for p in floats(args.priors)
                for r in floats(args.rates)]
    grid = [tuple(floats(t)) for t in args.thresholds.split(";") if t] or [None]
    judges: dict[tuple, Judge] = {}
    support = lexicon_support(dialogues, args.dropout_since) if args.term_dropout else {}

    def judge(limits, held: set[str]) -> Judge:
        """The engine for one held fold: with --term-dropout, without the terms only the held fold supports."""
        drop = dropped(support, held) if support else frozenset()
        if (limits, drop) not in judges:
            judges[(limits, drop)] = Judge(limits, drop)
        return judges[(limits, drop)]
    offsets = floats(args.offsets)
    ids = [d["id"] for d in dialogues]
    print(f"ECD train: {len(dialogues)} dialogues, {len(customer)} customer turns, {len(gold)} negative; "
          f"{args.folds} folds grouped by dialogue, {args.repeats} partitions")

    for setting in settings:
        tuned_cache: dict = {}
        for repeat in range(args.repeats):
            fold_of = partition(ids, args.folds, repeat)
            for k in range(args.folds):
                keep = {i for i in ids if fold_of[i] != k}
                tuned_cache[(repeat, k)] = tune(base, rows, written, setting, keep, args.seed)
        for offset in offsets:
            for limits in grid:
                per = []
                for repeat in range(args.repeats):
                    fold_of = partition(ids, args.folds, repeat)
                    found = set()
                    for k in range(args.folds):
                        bias, weights = tuned_cache[(repeat, k)]
                        held = [d for d in dialogues if fold_of[d["id"]] == k]
                        found |= judge(limits, {d["id"] for d in held})(FastModel(bias + offset, weights), held)
                    per.append(counts(gold, found))
                    if repeat == 0:
                        first = found
                total = tuple(sum(c[j] for c in per) for j in range(3))
                ps = [figures(*c)[0] for c in per]
                rs = [figures(*c)[1] for c in per]
                spread = (f" | partitions: precision {min(ps):.2f}-{max(ps):.2f} (sd {statistics.pstdev(ps):.2f}), "
                          f"recall {min(rs):.2f}-{max(rs):.2f} (sd {statistics.pstdev(rs):.2f})")
                print(f"{setting.label()} offset {offset} thresholds {limits}: {line(*total)}{spread}"
                      f"{bootstrap(gold, first, ids)}", flush=True)
    if args.nested:
        outer_total = [0, 0, 0]
        for repeat in range(args.nested_repeats):
            outer = partition(ids, args.folds, 1000 + repeat)
            for k in range(args.folds):
                inside = {i for i in ids if outer[i] != k}
                outside = set(ids) - inside
                inner = partition(sorted(inside), args.folds - 1, 2000 + repeat * 10 + k)
                results = {}
                for setting in settings:
                    tuned = {}
                    for j in range(args.folds - 1):
                        keep = {i for i in inside if inner[i] != j}
                        tuned[j] = tune(base, rows, written, setting, keep, args.seed)
                    for offset in offsets:
                        for limits in grid:
                            found = set()
                            for j in range(args.folds - 1):
                                held = [d for d in dialogues if d["id"] in inside and inner[d["id"]] == j]
                                found |= judge(limits, {d["id"] for d in held} | outside)(FastModel(tuned[j][0] + offset, tuned[j][1]), held)
                            results[(setting, offset, limits)] = counts({g for g in gold if g[0] in inside}, found)
                setting, offset, limits = choose(results)
                bias, weights = tune(base, rows, written, setting, inside, args.seed)
                held = [d for d in dialogues if outer[d["id"]] == k]
                found = judge(limits, {d["id"] for d in held})(FastModel(bias + offset, weights), held)
                c = counts({g for g in gold if outer[g[0]] == k}, found)
                outer_total = [a + b for a, b in zip(outer_total, c, strict=True)]
                print(f"nested {repeat}/{k}: chose {setting.label()} offset {offset} thresholds {limits} "
                      f"(inner {line(*results[(setting, offset, limits)])}); outer fold {line(*c)}", flush=True)
        print(f"nested, pooled over outer folds (the selection included): {line(*outer_total)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

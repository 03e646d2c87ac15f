"""Command line: ``kefu qa inspect | check | rules`` (also ``python -m kefu.qa_engine``).

``main(argv)`` receives the arguments after ``kefu qa`` and returns the exit status: 0 when
all went well, 1 when input lines were bad (unless ``--skip-bad``) or ``check`` found
something, 2 for usage errors and invalid packs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO

from .engine import Engine
from .inputs import InputError, read_jsonl
from .jsonline import json_line
from .model import PackError
from .pack import Pack, Rule, load_pack

_PROGRESS_BYTES = 4 * 1024 * 1024  # show a progress bar for inputs above this size

# Scripts and CI jobs branch on these, so --help states them (a new user's trial, issue 5).
_EXIT_CODES = """exit status:
  0  all went well (inspect: every line read; check: no findings; rules --verify: all examples pass)
  1  inspect: some input lines were bad (reported as FILE:LINE, skipped), unless --skip-bad
     check: the text has findings
     rules --verify: an example failed
  2  usage error, invalid pack, or an input/output file that cannot be opened"""
_INSPECT_EXIT = """exit status:
  0  every line was a valid conversation (or --skip-bad was given)
  1  some lines were bad: each is reported on stderr as FILE:LINE: message and skipped
  2  usage error, invalid pack, or a file that cannot be opened"""
_CHECK_EXIT = """exit status:
  0  no findings
  1  the text has findings (printed on stdout), so a script can refuse the reply
  2  usage error or invalid pack"""


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        pack = load_pack(args.pack)
    except PackError as exc:
        print(f"kefu qa: invalid pack: {exc}", file=sys.stderr)
        return 2
    try:
        return args.handler(args, pack)
    except BrokenPipeError:  # `kefu qa rules | head` closed the pipe: not an error
        sys.stderr.close()
        return 0


def _parser() -> argparse.ArgumentParser:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(prog="kefu qa", description="Quality inspection (质检) of conversations.",
                                     epilog=_EXIT_CODES, formatter_class=raw)
    commands = parser.add_subparsers(dest="command", required=True)
    inspect = commands.add_parser("inspect", help="inspect conversations from a JSON-lines file",
                                  epilog=_INSPECT_EXIT, formatter_class=raw)
    inspect.add_argument("input", help="JSON lines, one conversation a line ('-' for standard input)")
    inspect.add_argument("--out", help="write results here instead of standard output")
    inspect.add_argument("--skip-bad", action="store_true", help="exit 0 even when some lines were bad")
    inspect.add_argument("--items", choices=("all", "failed", "none"), default="failed",
                         help="scorecard items to write per conversation (default: failed ones)")
    inspect.set_defaults(handler=_inspect)
    check = commands.add_parser("check", help="check one utterance (the reply box's live check)",
                                epilog=_CHECK_EXIT, formatter_class=raw)
    check.add_argument("text")
    check.add_argument("--role", default="agent", choices=("agent", "customer"))
    check.add_argument("--channel", default="chat", choices=("chat", "voice"))
    check.add_argument("--json", action="store_true", help="print findings as JSON lines")
    check.set_defaults(handler=_check)
    rules = commands.add_parser("rules", help="list the pack's rules with their examples",
                                epilog="exit status: 0 on success; 1 when --verify finds a failing example; "
                                       "2 for a usage error or an invalid pack")
    rules.add_argument("--json", action="store_true", help="print rules as JSON lines")
    rules.add_argument("--verify", action="store_true", help="run every rule's examples; exit 1 if any fails")
    rules.set_defaults(handler=_rules)
    for sub in (inspect, check, rules):
        sub.add_argument("--pack", default="default", help="bundled pack name or a pack file (default: default)")
    return parser


def _inspect(args: argparse.Namespace, pack: Pack) -> int:
    engine = Engine(pack)
    stats = _Stats()
    try:
        with _open_input(args.input) as (stream, size), _open_output(args.out) as out:
            progress = _Progress(size) if size > _PROGRESS_BYTES and sys.stderr.isatty() else None
            for number, item in read_jsonl(stream):
                if isinstance(item, InputError):
                    stats.bad += 1
                    print(f"{args.input}:{number}: {item}", file=sys.stderr)
                    continue
                result = engine.inspect(item)
                stats.add(result.score, (f.rule for f in result.findings))
                out.write(json_line(result, args.items) + "\n")
                if progress and number % 2000 == 0:
                    progress.show(stream.tell())
            if progress:
                progress.done()
    except OSError as exc:
        print(f"kefu qa: {exc}", file=sys.stderr)
        return 2
    stats.summary(pack, sys.stderr)
    return 1 if stats.bad and not args.skip_bad else 0


@contextmanager
def _open_input(name: str) -> Iterator[tuple[BinaryIO, int]]:
    if name == "-":
        yield sys.stdin.buffer, 0
        return
    path = Path(name)
    with path.open("rb") as stream:
        yield stream, os.fstat(stream.fileno()).st_size


@contextmanager
def _open_output(name: str | None) -> Iterator[TextIO]:
    if name is None:
        yield sys.stdout
        return
    with open(name, "w", encoding="utf-8", buffering=1 << 20) as out:
        yield out


class _Stats:
    def __init__(self) -> None:
        self.count, self.bad, self.total = 0, 0, 0.0
        self.hits: Counter[str] = Counter()

    def add(self, score: float, rules: Iterator[str]) -> None:
        self.count += 1
        self.total += score
        self.hits.update(rules)

    def summary(self, pack: Pack, out: TextIO) -> None:
        mean = self.total / self.count if self.count else 0.0
        print(f"pack {pack.name} {pack.version}: {self.count} conversations inspected, "
              f"{self.bad} bad lines skipped, mean score {mean:.1f}", file=out)
        for code, hits in self.hits.most_common():
            print(f"  {code:<8} {hits:>8}  {pack.rule(code).title}", file=out)


class _Progress:
    """A plain text bar on standard error; only shown on a terminal."""

    def __init__(self, total: int) -> None:
        self.total = total

    def show(self, done: int) -> None:
        share = min(1.0, done / self.total)
        bar = "#" * int(share * 30)
        print(f"\r[{bar:<30}] {share:6.1%}", end="", file=sys.stderr, flush=True)

    def done(self) -> None:
        self.show(self.total)
        print(file=sys.stderr)


def _check(args: argparse.Namespace, pack: Pack) -> int:
    findings = Engine(pack).check(args.text, role=args.role, channel=args.channel)
    for finding in findings:
        if args.json:
            print(json.dumps(finding.to_json(), ensure_ascii=False))
        else:
            start, end = finding.span
            print(f"{finding.rule} {finding.category} [{start},{end}] {finding.text!r} "
                  f"{finding.severity}: {finding.message}")
    if not findings and not args.json:
        print("no findings")
    return 1 if findings else 0


def _rules(args: argparse.Namespace, pack: Pack) -> int:
    if args.verify:
        problems = Engine(pack).failing_examples()
        for problem in problems:
            print(problem)
        print(f"pack {pack.name} {pack.version}: {len(problems)} failing examples", file=sys.stderr)
        return 1 if problems else 0
    print(f"# pack {pack.name} {pack.version}: {len(pack.rules)} rules")
    for rule in pack.rules:
        if args.json:
            print(json.dumps(_rule_json(rule), ensure_ascii=False))
            continue
        print(f"{rule.code} [{rule.kind}] {rule.category} {rule.severity} "
              f"roles={','.join(sorted(rule.roles))} channels={','.join(sorted(rule.channels))}")
        print(f"    {rule.title} - {rule.why}")
        for label, examples in (("hit ", rule.hit_examples), ("miss", rule.miss_examples)):
            for example in examples:
                shown = example if isinstance(example, str) else json.dumps(example, ensure_ascii=False)
                print(f"    {label}: {shown}")
    return 0


def _rule_json(rule: Rule) -> dict[str, object]:
    fields = ("code", "kind", "category", "title", "why", "severity", "message")
    data: dict[str, object] = {name: getattr(rule, name) for name in fields}
    data["roles"] = sorted(rule.roles)
    data["channels"] = sorted(rule.channels)
    data["examples"] = {"hit": list(rule.hit_examples), "miss": list(rule.miss_examples)}
    return data

"""The command line: output contract, bad lines with their numbers, exit status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kefu.qa_engine.cli import main

GOOD = {"id": "g", "turns": [{"role": "agent", "text": "您好"}, {"role": "agent", "text": "这事我们不清楚哦"}]}


def _write(tmp_path: Path, lines: list[bytes]) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_inspect_writes_one_result_per_conversation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _write(tmp_path, [json.dumps(GOOD, ensure_ascii=False).encode()] * 2)
    out = tmp_path / "out.jsonl"
    assert main(["inspect", str(source), "--out", str(out)]) == 0
    results = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(results) == 2 and results[0]["id"] == "g"
    assert any(f["rule"] == "FP01" for f in results[0]["findings"])
    assert "2 conversations" in capsys.readouterr().err


def test_bad_lines_are_reported_skipped_and_fail_the_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = json.dumps(GOOD, ensure_ascii=False).encode()
    source = _write(tmp_path, [
        good,
        b"{not json",
        b'{"id": "a"}',
        b'{"id": "b", "turns": [{"role": "bot", "text": "x"}]}',
        "不知道".encode("gbk"),
        good,
    ])
    assert main(["inspect", str(source)]) == 1
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 2
    for expected in (":2: not valid JSON", ":3: field 'turns'", ":4: turns[0].role", ":5: not UTF-8"):
        assert expected in captured.err
    assert main(["inspect", str(source), "--skip-bad"]) == 0


def test_check_prints_findings_and_exits_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--role", "agent", "你找我沒用"]) == 1
    assert "FP03" in capsys.readouterr().out
    assert main(["check", "您好，请问有什么可以帮您"]) == 0


def test_rules_lists_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert "FP01" in out and "hit :" in out


def test_invalid_pack_exits_two(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack = tmp_path / "p.yaml"
    pack.write_text("name: p\nversion: 1\nrules: [{code: X1, kind: phrase}]\n", encoding="utf-8")
    assert main(["rules", "--pack", str(pack)]) == 2
    assert "rule X1" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "expected"), [
    ([], ["exit status:", "check: the text has findings", "inspect: some input lines were bad"]),
    (["inspect"], ["exit status:", "1  some lines were bad", "--skip-bad"]),
    (["check"], ["exit status:", "0  no findings", "1  the text has findings"]),
    (["rules"], ["exit status:", "--verify"]),
])
def test_help_states_the_exit_codes(argv: list[str], expected: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for text in expected:
        assert text in out


def test_unreadable_input_exits_two(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(tmp_path / "missing.jsonl")]) == 2
    assert "missing.jsonl" in capsys.readouterr().err

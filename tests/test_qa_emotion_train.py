"""Issue 12, item 3: the emotion classifier's in-domain stage (eval/qa/train_emotion.py) and its model."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

from kefu.qa_engine import Engine, load_pack
from kefu.qa_engine.emotion import DATA_DIR, EmotionModel

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval" / "qa"))

import train_emotion  # noqa: E402


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_pack("default"))


def test_finetune_moves_the_trained_ngrams_only_and_is_deterministic() -> None:
    weights = {"退": 0.8, "运费": 0.5, "太差": 1.5, "吗$": 0.0}
    docs = train_emotion.domain_docs([("d1", "退货运费谁出吗", 0, "customer"), ("d1", "质量太差", 1, "customer"),
                                      ("d2", "运费您承担哦", 0, "agent")], 1.0, 0.5)
    bias, tuned = train_emotion.finetune(0.0, weights, docs, epochs=5, seed=3, prior=0.001, rate=0.1)
    assert set(tuned) == set(weights)  # no new n-gram: the engine's automaton keeps its keys
    assert tuned["运费"] < weights["运费"] and tuned["太差"] > weights["太差"]
    assert (bias, tuned) == train_emotion.finetune(0.0, weights, docs, epochs=5, seed=3, prior=0.001, rate=0.1)
    model = EmotionModel(bias, tuned)
    assert model.score("退货运费谁出")[0] < EmotionModel(0.0, weights).score("退货运费谁出")[0]


def test_domain_docs_balance_the_classes_and_weigh_agent_turns_apart() -> None:
    rows = [("d", "好的", 0, "customer")] * 3 + [("d", "太慢了", 1, "customer"), ("d", "亲在的", 0, "agent")]
    docs = train_emotion.domain_docs(rows, 1.0, 0.25)
    customer = docs[:4]
    assert sum(w for _, y, w in customer if y) == pytest.approx(sum(w for _, y, w in customer if not y))
    assert docs[-1][1:] == (0, 0.25)
    assert len(train_emotion.domain_docs(rows, 1.0, 0.0)) == 4


def test_ecd_rows_read_one_split_only(tmp_path: Path) -> None:
    dialogues = tmp_path / "d.jsonl"
    labels = tmp_path / "l.jsonl"
    rows = [{"id": "a", "split": "train", "turns": [{"role": "customer", "text": "太慢了！"}, {"role": "agent", "text": "抱歉"}]},
            {"id": "b", "split": "test", "turns": [{"role": "customer", "text": "秘密"}]}]
    dialogues.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    labels.write_text("\n".join(json.dumps(r) for r in [{"id": "a", "turn": 0, "labels": ["customer_negative"]},
                                                         {"id": "a", "turn": 1, "labels": []},
                                                         {"id": "b", "turn": 0, "labels": []}]), encoding="utf-8")
    assert train_emotion.ecd_rows(dialogues, labels) == [("a", "太慢了", 1, "customer"), ("a", "抱歉", 0, "agent")]


def test_written_training_turns_are_kept_apart_from_the_evaluation_sets() -> None:
    written = train_emotion.written_rows()
    assert {y for _, _, y, _ in written} == {0, 1} and len(written) >= 150
    evaluated = set()
    for path in (ROOT / "eval" / "qa" / "sets").glob("*.jsonl"):
        evaluated |= {json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    texts = [json.loads(line)["text"] for line in train_emotion.WRITTEN.read_text(encoding="utf-8").splitlines()]
    assert not evaluated & set(texts)


def test_shipped_model_says_how_it_was_trained() -> None:
    data = json.loads(gzip.decompress((DATA_DIR / "emotion_zh.json.gz").read_bytes()))
    assert "ecd_taobao_sample.jsonl (train split only)" in data["corpora"]
    assert data["options"]["tune_epochs"] >= 1 and len(data["weights"]) <= data["options"]["keep"]


@pytest.mark.parametrize(("text", "negative"), [
    ("退货运费谁出", False), ("有没有运费险", False), ("拒收可以吗", False), ("换货要寄回去吗", False),
    ("退款多久到账", False), ("怎么申请售后", False),
    ("收到是坏的", True), ("用了一天就断了", True), ("人呢？回话啊", True), ("质量太差了", True),
])
def test_customer_service_questions_are_not_complaints(engine: Engine, text: str, negative: bool) -> None:
    assert any(f.rule == "NEG01" for f in engine.check(text, role="customer")) is negative

"""Normalisation folds evasions away and maps every offset back to the original text."""

from __future__ import annotations

import pytest

from kefu.qa_engine.normalize import normalise


@pytest.mark.parametrize(
    "original",
    ["不 知 道", "不-知-道", "不\u200b知\u200b道", "不😀知😀道", "不　知　道", "不．知．道", "不知道"],
)
def test_separators_between_characters_are_removed(original: str) -> None:
    norm = normalise(original)
    assert norm.text == "不知道"
    start, end = norm.to_original(0, 3)
    assert original[start:end] == original


def test_traditional_is_converted_to_simplified_without_moving_offsets() -> None:
    norm = normalise("這個問題找領導去")
    assert norm.text == "这个问题找领导去"
    start, end = norm.to_original(4, 8)
    assert "這個問題找領導去"[start:end] == "找領導去"


def test_full_width_and_upper_case_fold_to_ascii_lower_case() -> None:
    assert normalise("ＴＭＤ").text == "tmd"
    assert normalise("Hello").text == "hello"


def test_offsets_after_removed_runs_point_at_original_characters() -> None:
    original = "亲，，这个 不知道哦"
    norm = normalise(original)
    at = norm.text.index("不知道")
    start, end = norm.to_original(at, at + 3)
    assert original[start:end] == "不知道"


def test_a_match_across_sentence_punctuation_is_not_believed() -> None:
    norm = normalise("对不，知道吗")
    at = norm.text.index("不知道")
    assert norm.crosses_boundary(at, at + 3)


def test_a_spaced_out_evasion_across_punctuation_is_believed() -> None:
    norm = normalise("不。知。道")
    assert not norm.crosses_boundary(0, 3)

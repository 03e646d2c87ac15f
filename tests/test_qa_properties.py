"""Properties that must hold for any text: evidence spans point at the original characters."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.qa_engine import Engine, load_pack
from kefu.qa_engine.normalize import normalise

ENGINE = Engine(load_pack("default"))
SEPARATORS = [" ", "-", "\u200b", "\u200d", "😀", "·", "*", "_", "\u3000", "～"]
# Mixed text: Chinese (incl. Traditional), ASCII, full-width, punctuation, emoji, zero-width.
ALPHABET = st.sampled_from(list("不知道清楚你您喂投诉差评找领導去這個哦呢亲的了，。！？ aZＡ１😀\u200b-") + SEPARATORS)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40), st.sampled_from(["agent", "customer"]))
def test_every_span_is_the_original_substring(text: str, role: str) -> None:
    for finding in ENGINE.check(text, role=role):
        start, end = finding.span
        assert 0 <= start <= end <= len(text)
        assert text[start:end] == finding.text


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(SEPARATORS), min_size=2, max_size=2), st.sampled_from(["", "这个", "亲"]))
def test_separators_between_the_characters_do_not_hide_a_forbidden_phrase(gaps: list[str], prefix: str) -> None:
    spaced = f"不{gaps[0]}知{gaps[1]}道"
    text = f"{prefix}{spaced}哦"
    hits = [f for f in ENGINE.check(text) if f.rule == "FP01"]
    assert [h.text for h in hits] == [spaced]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40))
def test_compact_offsets_map_into_the_original(text: str) -> None:
    norm = normalise(text)
    for index in range(len(norm.text)):
        start, end = norm.to_original(index, index + 1)
        assert 0 <= start < end <= len(text)

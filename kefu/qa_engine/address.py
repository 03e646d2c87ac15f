"""How the agent addresses the customer (称呼): 你 where the standard asks for 您.

A 你 counts only when it addresses the customer. Not counted: the greeting 你好 (the greeting
rule's business), fixed words (迷你), quoted or reported speech (客户说“你们发错了”), and a
stray 你 in garbled text (between pauses or particles: 嗯嗯亲你哦). In a turn that already
says 您, the customer is judged to be addressed politely unless the 你 stands in a clear
addressing construction (帮你, 给你, 你的, 你放心): 您好在的你在的呢 passes, 您稍等我帮你处理 does not.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .normalize import Normalised

_QUOTES = {"“": "”", "「": "」", "『": "』", '"': '"', "‘": "’", "《": "》"}
_PARTICLES = frozenset("哦噢喔啊呀呢吧嘛哈嗯的了亲")
# After 你 in a greeting these make it praise or blame of the person (你好棒, 你好过分): still addressing.
_NOT_GREETING = frozenset("好看棒像厉聪漂美帅过坏烦笨傻意")


def address_spans(params: Mapping[str, Any], norm: Normalised, contexts: tuple[str, ...]) -> Iterator[tuple[int, int]]:
    """Compact spans of every 你 that addresses the customer; ``contexts`` are compact exclusions (迷你)."""
    text, word = norm.text, params["word"]
    polite = any(p in text for p in params.get("polite", ()))
    quoted = _quoted(norm.original)
    at = text.find(word)
    while at != -1:
        end = at + len(word)
        if not (_in_context(text, at, end, contexts) or _greeting(text, end, params.get("greetings", ()), word, at)
                or _inside(norm.to_original(at, end)[0], quoted)
                or any(text.endswith(r, 0, at) for r in params.get("reported_by", ()))):
            strong = (any(text.endswith(b, 0, at) for b in params.get("addressing_before", ()))
                      or any(text.startswith(a, end) for a in params.get("addressing_after", ())))
            if strong or not (polite or _garbled(norm, at, end)):
                yield at, end
        at = text.find(word, end)


def _in_context(text: str, start: int, end: int, contexts: tuple[str, ...]) -> bool:
    for context in contexts:
        at = text.find(context, max(0, end - len(context)), start + len(context))
        if at != -1 and at <= start:
            return True
    return False


def _greeting(text: str, end: int, greetings: tuple[str, ...], word: str, at: int) -> bool:
    for greeting in greetings:
        if text.startswith(greeting, at):
            after = at + len(greeting)
            return after == len(text) or text[after] not in _NOT_GREETING
    return False


def _garbled(norm: Normalised, start: int, end: int) -> bool:
    """A 你 with a pause or a particle on both sides addresses nobody (嗯嗯亲你哦, 好 你 嗯)."""
    text = norm.text
    before = start == 0 or start in norm.gaps or text[start - 1] in _PARTICLES or text[start - 1].isascii()
    after = end == len(text) or end in norm.gaps or text[end] in _PARTICLES or text[end].isascii()
    return before and after


def _quoted(original: str) -> list[tuple[int, int]]:
    spans, opening, close = [], -1, ""
    for index, ch in enumerate(original):
        if opening < 0 and ch in _QUOTES:
            opening, close = index, _QUOTES[ch]
        elif opening >= 0 and ch == close:
            spans.append((opening, index))
            opening = -1
    return spans


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < position < b for a, b in spans)

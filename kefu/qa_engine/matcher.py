"""Per-turn matching: one Aho-Corasick automaton for every phrase, pattern anchor and lexicon term.

The automaton is built once per role and channel. Each key maps to the rules that own it, so
a turn is scanned once whatever the number of phrase rules; exclusion contexts, negation,
vetoes and the rest of a slot pattern (patterns.py) are looked at only on hits. Regular
expression, address (address.py) and emotion rules (the classifier, emotion.py) run after it
on the same compact text. Results are cached per turn text, since chat repeats itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

import ahocorasick

from .address import address_spans
from .emotion import load_model
from .normalize import Normalised, normalise, normalise_uncached
from .pack import Rule
from .patterns import CLAUSE_END, SENTENCE_END, Occurrences, anchor_slots, complete_slots, vetoed
from .patterns import find as find_pattern

_PHRASE, _NEGATIVE, _POSITIVE, _SLOT = 0, 1, 2, 3
_SLOTS_PER_PATTERN = 64  # a slot word's entry carries pattern * 64 + slot
_RegexRule = tuple[Rule, "re.Pattern[str]", tuple["re.Pattern[str]", ...]]
_SHORT = 4  # keys up to this length must not cross sentence punctuation
_FOLLOW_WINDOW = 16  # compact characters after a hit searched for `unless_followed_by`


ESCALATION = "escalation_risk"  # a threat keeps its complaint words for the classifier


class Hit(NamedTuple):
    """A rule's hit in one turn, already mapped to the original text."""

    rule: Rule
    span: tuple[int, int]
    text: str
    message: str
    level: str | None = None


def _compact(phrase: str) -> str:
    return normalise(phrase).text


class TurnMatcher:
    """Finds every per-turn rule's hits in one utterance."""

    def __init__(self, rules: Iterable[Rule], cache_size: int = 65536) -> None:
        self._rules = tuple(r for r in rules if r.kind in ("phrase", "regex", "lexicon", "emotion", "address"))
        self._keys = self._collect_keys()
        # Exclusion contexts indexed by the key they contain, so a hit tests only its own few.
        self._exclude = {r.code: _index_contexts(r, self._keys) for r in self._rules if r.kind != "regex"}
        self._negators = {r.code: tuple(_compact(x) for x in r.params.get("negated_by", r.params.get("negators", ())))
                          for r in self._rules}
        self._followed = {r.code: tuple(_compact(x) for x in r.params.get("unless_followed_by", ()))
                          for r in self._rules}
        self._intensifiers = {r.code: tuple(_compact(x) for x in r.params.get("intensifiers", ()))
                              for r in self._rules}
        self._veto = {r.code: tuple(_compact(x) for x in r.params.get("veto", ())) for r in self._rules}
        self._index = {r.code: i for i, r in enumerate(self._rules)}
        self._emotion: dict[tuple[str, str], tuple[Rule, ...]] = {}
        self._address: dict[tuple[str, str], tuple[Rule, ...]] = {}
        self._contexts = {r.code: tuple(_compact(x) for x in r.params.get("exclude", ()))
                          for r in self._rules if r.kind == "address"}
        self._automata: dict[tuple[str, str], ahocorasick.Automaton | None] = {}
        self._regex: dict[tuple[str, str], tuple[_RegexRule, ...]] = {}
        self._compact_cues()
        self.match = lru_cache(maxsize=cache_size)(self._match)
        # The engine keeps its own per-turn records (turns.py): nothing else need keep the turn.
        self.match_uncached = lambda original, role, channel: self._matched(normalise_uncached(original), role, channel)
        self._probability = lru_cache(maxsize=cache_size)(self._score)

    def _compact_cues(self) -> None:
        self._cues: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self._mentions: dict[str, re.Pattern[str] | None] = {}
        for rule in self._rules:
            if rule.kind == "emotion":
                words = sorted({_compact(x) for x in rule.params.get("mentions", ())} - {""}, key=lambda w: (-len(w), w))
                self._mentions[rule.code] = re.compile("|".join(map(re.escape, words))) if words else None
                self._cues[rule.code] = (tuple(_compact(x) for x in rule.params.get("anxious", ())),
                                         tuple(_compact(x) for x in rule.params.get("angry", ())))
                load_model(rule.params.get("model", "emotion_zh"))  # fail at load time, not mid-inspection

    @staticmethod
    def _score(model: str, text: str) -> tuple[float, tuple[int, int] | None]:
        return load_model(model).score(text)

    def _collect_keys(self) -> dict[str, list[tuple[int, int, float]]]:
        keys: dict[str, list[tuple[int, int, float]]] = {}
        for index, rule in enumerate(self._rules):
            for phrase in rule.params.get("phrases", ()):
                keys.setdefault(_compact(phrase), []).append((_PHRASE, index, 1.0))
            for term, weight in rule.params.get("terms", ()):
                keys.setdefault(_compact(term), []).append((_NEGATIVE, index, weight))
            for term, weight in rule.params.get("positive", ()):
                keys.setdefault(_compact(term), []).append((_POSITIVE, index, weight))
            for number, pattern in enumerate(rule.params.get("patterns", ())):
                # Only the pattern's anchor slot goes into the automaton; the other slots are looked
                # for with str.find when the anchor occurs. A slot of one-character words (我, 要, 就)
                # would otherwise put a Python step on almost every turn.
                for slot in anchor_slots(pattern):
                    for word in pattern.slots[slot]:
                        keys.setdefault(word, []).append((_SLOT, index, number * _SLOTS_PER_PATTERN + slot))
        return keys

    def _automaton(self, role: str, channel: str) -> ahocorasick.Automaton | None:
        """One automaton per role and channel, holding only the rules that apply there."""
        slot = (role, channel)
        if slot not in self._automata:
            active = [role in r.roles and channel in r.channels for r in self._rules]
            self._regex[slot] = tuple((r, r.params["pattern"], r.params.get("exclude", ()))
                                      for r, on in zip(self._rules, active, strict=True) if on and r.kind == "regex")
            self._emotion[slot] = tuple(r for r, on in zip(self._rules, active, strict=True) if on and r.kind == "emotion")
            self._address[slot] = tuple(r for r, on in zip(self._rules, active, strict=True) if on and r.kind == "address")
            automaton = ahocorasick.Automaton()
            for key, entries in self._keys.items():
                mine = tuple(e for e in entries if active[e[1]])
                if mine:
                    automaton.add_word(key, (len(key), mine))
            if len(automaton):
                automaton.make_automaton()
            self._automata[slot] = automaton if len(automaton) else None
        return self._automata[slot]

    def _match(self, original: str, role: str, channel: str) -> tuple[str, tuple[Hit, ...]]:
        """The turn's compact text (conversation rules reuse it) and its hits."""
        return self._matched(normalise(original), role, channel)

    def _matched(self, norm: Normalised, role: str, channel: str) -> tuple[str, tuple[Hit, ...]]:
        automaton = self._automaton(role, channel)
        phrase_hits: dict[int, list[tuple[int, int]]] = {}
        lexicon_hits: dict[int, list[tuple[int, int, float, bool]]] = {}
        slot_hits: dict[int, dict[int, Occurrences]] = {}
        if automaton is not None and norm.text:
            for end, (length, entries) in automaton.iter(norm.text):
                start = end + 1 - length
                for tag, index, weight in entries:
                    if tag == _PHRASE:
                        phrase_hits.setdefault(index, []).append((start, end + 1))
                    elif tag == _SLOT:
                        number, slot = divmod(int(weight), _SLOTS_PER_PATTERN)
                        slot_hits.setdefault(index, {}).setdefault(number, {}).setdefault(slot, []).append(
                            (start, end + 1))
                    else:
                        lexicon_hits.setdefault(index, []).append((start, end + 1, weight, tag == _POSITIVE))
        hits: list[Hit] = []
        for index in {*phrase_hits, *slot_hits}:
            hits.extend(self._phrase_hits(self._rules[index], norm, phrase_hits.get(index, []),
                                          slot_hits.get(index, {})))
        for index, found in lexicon_hits.items():
            if self._rules[index].kind == "lexicon":
                hits.extend(self._lexicon_hit(self._rules[index], norm, found))
        for rule in self._address[(role, channel)]:
            if rule.params["word"] in norm.text:
                contexts = self._contexts[rule.code]
                hits.extend(_hit(rule, norm, *span) for span in address_spans(rule.params, norm, contexts))
        for rule, pattern, excludes in self._regex[(role, channel)]:
            if pattern.search(norm.text) is not None:  # cheaper than finditer on the usual miss
                hits.extend(_regex_hits(rule, pattern, excludes, norm))
        for rule in self._emotion[(role, channel)]:
            mentions = self._mentions[rule.code]
            # Only a turn with a complaint word asks whether it is a threat (most turns have none).
            escalated = (mentions is None or mentions.search(norm.text) is None
                         or any(h.rule.category == ESCALATION for h in hits))
            hits.extend(self._emotion_hit(rule, norm, lexicon_hits.get(self._index[rule.code], []), escalated))
        return norm.text, tuple(hits)

    def _phrase_hits(self, rule: Rule, norm: Normalised, spans: list[tuple[int, int]],
                     slots: dict[int, Occurrences]) -> list[Hit]:
        kept: list[tuple[int, int]] = []
        for start, end in _longest_first(spans):
            if any(s < end and start < e for s, e in kept):
                continue
            if self._rejected(rule, norm, start, end):
                continue
            kept.append((start, end))
        if slots:
            kept.extend(self._pattern_spans(rule, norm, slots, kept))
        return [_hit(rule, norm, start, end) for start, end in sorted(kept)]

    def _pattern_spans(self, rule: Rule, norm: Normalised, slots: dict[int, Occurrences],
                       kept: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Spans where one of the rule's slot patterns holds (at most one per pattern)."""
        patterns = rule.params["patterns"]
        spans: list[tuple[int, int]] = []
        breaks = None
        for number, found in sorted(slots.items()):
            if not complete_slots(patterns[number], found, norm.text):
                continue
            sentences, clauses = breaks = breaks or _breaks(norm)
            span = find_pattern(patterns[number], found, norm.text, sentences, clauses,
                                lambda end: _ends_clause(norm, _skip_addressee(norm.text, end)))
            if span is None or any(s < span[1] and span[0] < e for s, e in [*kept, *spans]):
                continue
            start, end, last = span
            # The negation may stand before the pattern or before its last word (我不是要投诉, 我不会去投诉).
            negation = self._negators[rule.code], rule.params.get("negation_window", 0)
            if last > start and _negated(norm.text, last, *negation):
                continue
            if not self._rejected(rule, norm, start, end, pattern=True):
                spans.append((start, end))
        return spans

    def _rejected(self, rule: Rule, norm: Normalised, start: int, end: int, pattern: bool = False) -> bool:
        text = norm.text
        # Short keys can be faked by punctuation (对不，知道吗); a long phrase such as
        # 你问我我问谁 is written by the standard itself across a comma.
        if not pattern and end - start <= _SHORT and norm.crosses_boundary(start, end):
            return True
        if text[start].isdigit() and ((start and text[start - 1].isdigit()) or (end < len(text) and text[end].isdigit())):
            return True  # 12345 inside an order number is no hotline
        if not pattern and _excluded(text, start, end, self._exclude[rule.code].get(text[start:end], ()), norm):
            return True
        if _negated(text, start, self._negators[rule.code], rule.params.get("negation_window", 0)):
            return True
        if not pattern and rule.params.get("clause_end") and not _ends_clause(norm, _skip_addressee(text, end)):
            return True
        veto = self._veto[rule.code]
        if veto and vetoed(veto, text, start, end, _breaks(norm)[1]):
            return True
        if any(text.find(w, end, end + _FOLLOW_WINDOW) != -1 for w in self._followed[rule.code]):
            return True  # a hedge followed by action (不太清楚，我帮您查一下) is not a brush-off
        if rule.params.get("standalone"):
            before = start == 0 or start in norm.gaps
            after = end == len(text) or end in norm.gaps
            return not (before and after)
        return False

    def _lexicon_hit(self, rule: Rule, norm: Normalised, found: list[tuple[int, int, float, bool]]) -> list[Hit]:
        """Sum the weights of a customer turn's emotion terms, with negation and intensity."""
        if sum(w for _, _, w, _ in found) * 1.5 < rule.params.get("threshold", 1.0):
            return []  # even fully intensified, these cues cannot reach the threshold (a lone 还)
        total, best, terms = self._lexicon_score(rule, norm, found)
        if best is None or total < rule.params.get("threshold", 1.0):
            return []
        hit = _hit(rule, norm, best[0], best[1])
        return [Hit(rule, hit.span, hit.text, f"{rule.message}: {'、'.join(terms)}")]

    def _lexicon_score(self, rule: Rule, norm: Normalised, found: list[tuple[int, int, float, bool]]
                       ) -> tuple[float, tuple[int, int] | None, list[str]]:
        """The turn's lexicon total, its strongest term's span and the terms that counted."""
        text = norm.text
        total, best, terms = 0.0, None, []
        contained = _longest_first([(s, e) for s, e, _, _ in found])
        kept_spans: list[tuple[int, int]] = []
        for start, end in contained:
            if not any(s <= start and end <= e for s, e in kept_spans):
                kept_spans.append((start, end))
        weights = {(s, e): (w, pos) for s, e, w, pos in found}
        for start, end in sorted(kept_spans):
            weight, positive = weights[(start, end)]
            contexts = self._exclude[rule.code].get(text[start:end], ())
            if norm.crosses_boundary(start, end) or _excluded(text, start, end, contexts):
                continue
            negated = _negated(text, start, self._negators[rule.code])
            # A negative term counts unless negated (不慢); a positive one only when negated (不满意).
            if negated != positive:
                continue
            if not positive and _hypothetical(norm, start, end):
                continue  # 会掉毛吗, 会生锈不: asking about a defect is not having one
            if not negated and text.endswith(self._intensifiers[rule.code], 0, start):  # any of them, in C
                weight *= 1.5
            term = text[start:end]
            if term in terms:  # a repeated weak cue (还 ... 还) is still one cue
                continue
            total += weight
            terms.append(term)
            if best is None or weight > best[0]:
                best = (weight, start, end)
        return total, (best[1], best[2]) if best else None, terms

    def emotion_probability(self, rule: Rule, text: str, escalated: bool = True) -> tuple[float, tuple[int, int] | None]:
        """The classifier's P(negative) for a turn's compact text (cached with the turn).

        Unless the turn is an escalation threat (``escalated``), the rule's ``mentions`` (差评, 投诉 ...)
        are taken out of the text first: a calm mention of a complaint word (差评是别人写的, 我不会投诉的)
        is no emotion, while the review corpora taught the classifier that the word alone is one. A
        threat keeps its words; it is flagged as escalation_risk anyway."""
        mentions = self._mentions.get(rule.code)
        if not escalated and mentions is not None and mentions.search(text) is not None:
            masked = mentions.sub("", text)
            return self._probability(rule.params.get("model", "emotion_zh"), masked)[0], None
        return self._probability(rule.params.get("model", "emotion_zh"), text)

    def _emotion_hit(self, rule: Rule, norm: Normalised, found: list[tuple[int, int, float, bool]],
                     escalated: bool = True) -> list[Hit]:
        """Lexicon and classifier together; the level (焦虑/不满/愤怒) from cue words and strength."""
        params = rule.params
        total, best, terms = self._lexicon_score(rule, norm, found) if found else (0.0, None, [])
        probability, strongest = self.emotion_probability(rule, norm.text, escalated)
        threshold = params.get("threshold", 1.0)
        if total >= threshold:
            # A strong lexicon cue counts unless the classifier is sure the turn is content (还好还好, 不错不慢).
            negative = probability >= params.get("lexicon_probability", 0.15)
        elif total >= threshold / 2:
            negative = probability >= params.get("context_probability", 0.5)
        else:
            negative = probability >= params.get("min_probability", 0.85)
        if not negative:
            return []
        span = best or strongest or (0, len(norm.text))
        level = emotion_level(norm.text, total, *self._cues[rule.code])
        hit = _hit(rule, norm, *span)
        cues = f": {'、'.join(terms)}" if terms else ""
        return [Hit(rule, hit.span, hit.text, f"{rule.message}（{level}）{cues}", level)]


def emotion_level(text: str, total: float, anxious: tuple[str, ...], angry: tuple[str, ...]) -> str:
    """愤怒 on anger cues or a pile-up of negative terms, 焦虑 on worry and urgency, else 不满."""
    if total >= 4.0 or any(word in text for word in angry):
        return "愤怒"
    if any(word in text for word in anxious):
        return "焦虑"
    return "不满"


# Chat particles that close a clause (不清楚哦, 没办法呢亲). 的 alone does not: 不清楚的地方.
_PARTICLES = frozenset("了呢哦噢喔啊呀哈啦吧嘛哟的亲")


def _ends_clause(norm: Normalised, end: int) -> bool:
    """True when the hit is followed by punctuation, the turn's end, or a closing particle.

    Chat often drops punctuation (这事不知道哦您先拍下吧), so a sentence-final particle
    other than 的 is taken as the end of the clause even when more text follows.
    """
    text, start = norm.text, end
    if end == len(text) or end in norm.gaps:
        return True
    while end < len(text) and text[end] in _PARTICLES and (end == start or end not in norm.gaps):
        end += 1
    return end == len(text) or end in norm.gaps or any(ch != "的" for ch in text[start:end])


_MODAL = ("会", "能", "可能", "是否")
_QUESTION_END = frozenset("吗么不没")


def _hypothetical(norm: Normalised, start: int, end: int) -> bool:
    """A term after a modal (会, 能, 是否) in a clause that ends as a yes/no question."""
    text = norm.text
    if not any(m in text[max(0, start - 3):start] for m in _MODAL):
        return False
    stop = min((b for b in _breaks(norm)[1] if b >= end), default=len(text))
    while stop > end and text[stop - 1] in "啊呀呢哦":
        stop -= 1
    return stop > end and text[stop - 1] in _QUESTION_END


def _skip_addressee(text: str, end: int) -> int:
    """A clause may close on the person addressed (回答过您了, 说过你了): skip it before the particles."""
    for word in ("您们", "你们", "您", "你", "亲"):
        if text.startswith(word, end):
            return end + len(word)
    return end


def _negated(text: str, start: int, negators: tuple[str, ...], window: int = 0) -> bool:
    """A negator right before the hit (or up to ``window`` characters before it, with no 就 between:
    我不会去投诉 but not 不处理我就投诉), unless it is an A-not-A question (有没有便宜, 是不是坏了)."""
    if not window and not text.endswith(negators, 0, start):
        return False  # the usual answer, from one C call over every negator (the loop below tests the same)
    for negator in negators:
        # Only a word-long negator may stand apart from the hit: 不处理我就去曝光 is no negation.
        for gap in range(window + 1 if len(negator) > 1 else 1):
            stop = start - gap
            if stop < len(negator) or not text.endswith(negator, 0, stop):
                continue
            if gap and "就" in text[stop:start]:
                continue
            at = stop - len(negator)
            if at > 0 and at + 1 < len(text) and text[at] in "不没" and text[at - 1] == text[at + 1]:
                continue
            return True
    return False


def _breaks(norm: Normalised) -> tuple[frozenset[int], frozenset[int]]:
    """Compact offsets where a sentence, or a clause, ended in the original punctuation."""
    if not norm.breaks:
        return frozenset(), frozenset()
    sentences = frozenset(b for b, run in zip(norm.breaks, norm.runs, strict=True) if SENTENCE_END.intersection(run))
    clauses = frozenset(b for b, run in zip(norm.breaks, norm.runs, strict=True) if CLAUSE_END.intersection(run))
    return sentences, clauses


def _longest_first(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return sorted(set(spans), key=lambda s: (s[0] - s[1], s[0]))


def _index_contexts(rule: Rule, keys: dict[str, list[tuple[int, int, float]]]) -> dict[str, tuple[str, ...]]:
    contexts = [_compact(x) for x in rule.params.get("exclude", ())]
    return {key: tuple(c for c in contexts if key in c) for key in keys if any(key in c for c in contexts)}


def _excluded(text: str, start: int, end: int, contexts: tuple[str, ...], norm: Normalised | None = None) -> bool:
    """True when a longer context (不知道您, 不管怎样) contains the hit, within one clause when
    ``norm`` is given (我们不管，您自己找 is not 不管您)."""
    for context in contexts:
        at = text.find(context, max(0, end - len(context)))
        while at != -1 and at <= start:
            if at + len(context) >= end and (norm is None or not norm.crosses_boundary(at, at + len(context))):
                return True
            at = text.find(context, at + 1)
    return False


def _regex_hits(rule: Rule, pattern: re.Pattern[str], excludes: tuple[re.Pattern[str], ...],
                norm: Normalised) -> list[Hit]:
    hits = []
    for match in pattern.finditer(norm.text):
        start, end = match.span()
        if end == start or norm.crosses_boundary(start, end):
            continue
        if any(m.start() <= start and end <= m.end() for ex in excludes for m in ex.finditer(norm.text)):
            continue
        hits.append(_hit(rule, norm, start, end))
    return hits


def _hit(rule: Rule, norm: Normalised, start: int, end: int) -> Hit:
    left, right = norm.to_original(start, end)
    return Hit(rule, (left, right), norm.original[left:right], rule.message)

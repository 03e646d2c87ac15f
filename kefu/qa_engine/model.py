"""Plain data the engine produces: findings, item results and per-conversation results.

The JSON shape of :class:`Result` is the stable output contract that integrations and
the workspace rely on; change it only by adding keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

# The contract's categories; a rule must declare one of these.
CATEGORIES: tuple[str, ...] = (
    "forbidden_phrase",
    "insult",
    "filler_word",
    "missing_greeting",
    "missing_closing",
    "missing_apology",
    "impolite_address",
    "customer_negative",
    "escalation_risk",
    "speech_rate",
    "silence",
    "interruption",
    "slow_response",
    "slow_answer",
)
ROLES: tuple[str, ...] = ("agent", "customer", "system")
CHANNELS: tuple[str, ...] = ("chat", "voice")
# Ordered from least to most serious; "fatal" findings only matter through the scorecard.
SEVERITIES: tuple[str, ...] = ("info", "minor", "major", "critical")


class Finding(NamedTuple):
    """One piece of evidence: a rule that hit a span of one turn's original text.

    A NamedTuple rather than a dataclass: one is built per hit, on the hot path.
    """

    rule: str
    category: str
    turn: int
    span: tuple[int, int]
    text: str
    severity: str
    message: str
    # Customer emotion findings only: 焦虑, 不满 or 愤怒 (an addition to the contract, absent otherwise).
    level: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = {
            "rule": self.rule,
            "category": self.category,
            "turn": self.turn,
            "span": [self.span[0], self.span[1]],
            "text": self.text,
            "severity": self.severity,
            "message": self.message,
        }
        if self.level is not None:
            data["level"] = self.level
        return data


class ItemResult(NamedTuple):
    """A scorecard item's outcome; ``status`` is "pass", "fail", "fatal" or "manual"."""

    section: str
    code: str
    title: str
    status: str
    points: float
    hits: int

    def to_json(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "code": self.code,
            "title": self.title,
            "status": self.status,
            "points": self.points,
            "hits": self.hits,
        }


@dataclass(slots=True)
class Result:
    """The inspection of one conversation."""

    id: str
    score: float
    findings: list[Finding] = field(default_factory=list)
    items: list[ItemResult] = field(default_factory=list)

    def to_json(self, items: str = "all") -> dict[str, Any]:
        """The stable contract plus scorecard items: "all", "failed" (fail/fatal only) or "none"."""
        data: dict[str, Any] = {"id": self.id, "score": self.score, "findings": [f.to_json() for f in self.findings]}
        if items == "all":
            data["items"] = [i.to_json() for i in self.items]
        elif items == "failed":
            data["items"] = [i.to_json() for i in self.items if i.status in ("fail", "fatal")]
        return data


class PackError(ValueError):
    """A rule pack that cannot be used; the message names the rule and the field."""

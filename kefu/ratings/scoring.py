"""From measured evidence to stars. Pure: no Django, no database.

A measure is (numerator, sample) or None when it has no data source yet. Stars come only from a
sample at least the measure's minimum; a criterion's stars are the rounded mean of its measures'
stars; the overall stars the rounded mean of the criteria, given only when the agent handled at
least the minimum number of orders (else 样本不足) and at least half the criteria have stars.
"""

from dataclasses import dataclass

from .criteria import CRITERIA, MEASURES, Criterion, Measure


@dataclass(frozen=True)
class Observed:
    """What a provider measured for one agent: value = numerator / sample (or a mean for scores)."""

    value: float | None
    sample: int


@dataclass(frozen=True)
class MeasureResult:
    code: str
    title: str
    value: float | None
    sample: int
    stars: int | None
    status: str  # "ok", "insufficient" (样本不足), "no_source" (暂无数据来源)


@dataclass(frozen=True)
class CriterionResult:
    code: str
    title: str
    stars: int | None
    measures: tuple[MeasureResult, ...]

    @property
    def value(self) -> float | None:
        """The primary (first) measure's value: the number shown beside the criterion."""
        return self.measures[0].value if self.measures else None


@dataclass(frozen=True)
class Rating:
    stars: int | None
    sample: int
    status: str  # "ok" or "insufficient"
    criteria: tuple[CriterionResult, ...]


def round_half_up(value: float) -> int:
    return int(value + 0.5)


def stars_for(value: float, thresholds: tuple[float, ...] | list[float], higher_is_better: bool) -> int:
    """1 + the number of thresholds reached ("reached" = at or beyond, in the good direction)."""
    if higher_is_better:
        return 1 + sum(1 for t in thresholds if value >= t)
    return 1 + sum(1 for t in thresholds if value <= t)


def score_measure(measure: Measure, observed: Observed | None, config: dict) -> MeasureResult:
    if observed is None:
        return MeasureResult(measure.code, measure.title, None, 0, None, "no_source")
    minimum = config.get("min_samples", {}).get(measure.code, measure.min_sample)
    if observed.sample < minimum or observed.value is None:
        return MeasureResult(measure.code, measure.title, observed.value, observed.sample, None, "insufficient")
    thresholds = config.get("thresholds", {}).get(measure.code, measure.thresholds)
    stars = stars_for(observed.value, thresholds, measure.higher_is_better)
    return MeasureResult(measure.code, measure.title, observed.value, observed.sample, stars, "ok")


def score_criterion(criterion: Criterion, observed: dict[str, Observed | None], config: dict) -> CriterionResult:
    results = tuple(score_measure(m, observed.get(m.code), config) for m in criterion.measures)
    scored = [r.stars for r in results if r.stars is not None]
    stars = round_half_up(sum(scored) / len(scored)) if scored else None
    return CriterionResult(criterion.code, criterion.title, stars, results)


def rate_agent(observed: dict[str, Observed | None], sample: int, config: dict) -> Rating:
    """`sample` is the number of orders the agent handled in the period."""
    criteria = tuple(score_criterion(c, observed, config) for c in CRITERIA)
    if sample < config.get("min_sample", 20):
        return Rating(None, sample, "insufficient", criteria)
    scored = [c.stars for c in criteria if c.stars is not None]
    if len(scored) * 2 < len(criteria):
        return Rating(None, sample, "insufficient", criteria)
    return Rating(round_half_up(sum(scored) / len(scored)), sample, "ok", criteria)


def validate_config(config: dict) -> list[str]:
    """Messages naming each bad threshold entry (admins edit these)."""
    errors = []
    for code, values in (config.get("thresholds") or {}).items():
        measure = MEASURES.get(code)
        if measure is None:
            errors.append(f"未知指标：{code}")
            continue
        if not isinstance(values, list | tuple) or len(values) != 4 or \
                not all(isinstance(v, int | float) for v in values):
            errors.append(f"{code}：应为 4 个数字（2、3、4、5 星的门槛）")
            continue
        ordered = list(values) == sorted(values, reverse=not measure.higher_is_better)
        if not ordered:
            errors.append(f"{code}：门槛应按 2→5 星逐级{'升高' if measure.higher_is_better else '降低'}")
    for code, value in (config.get("min_samples") or {}).items():
        if code not in MEASURES or not isinstance(value, int) or value < 1:
            errors.append(f"最小样本无效：{code}")
    minimum = config.get("min_sample", 20)
    if not isinstance(minimum, int) or minimum < 1:
        errors.append("min_sample：应为正整数")
    return errors

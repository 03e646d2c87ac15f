"""The six criteria of seed 002's one-to-five star rating, and the measured evidence behind each.

Pure data: no Django. Each measure has a direction, default thresholds (the value needed for 2, 3, 4
and 5 stars; below the first is one star) and a minimum sample below which it gives no stars.
Level words summarise seed 002 in our own wording; admins change thresholds, not code.
"""

from dataclasses import dataclass, field


def gettext_noop(text: str) -> str:
    """Marks titles for the catalog (pages translate them when shown); this module stays Django-free."""
    return text


@dataclass(frozen=True)
class Measure:
    code: str
    title: str
    unit: str  # "rate" (0..1, shown as %), "score" (mean of 1-5 answers)
    higher_is_better: bool
    thresholds: tuple[float, float, float, float]  # for 2, 3, 4, 5 stars
    min_sample: int


@dataclass(frozen=True)
class Criterion:
    code: str
    title: str
    measures: tuple[Measure, ...]
    levels: dict[int, str] = field(default_factory=dict)  # stars -> what the level means


CRITERIA: tuple[Criterion, ...] = (
    Criterion("solutions", gettext_noop("解决方案有效性"), (
        Measure("resolution_rate", gettext_noop("解决率"), "rate", True, (0.60, 0.75, 0.85, 0.93), 10),
        Measure("reopen_rate", gettext_noop("重开率"), "rate", False, (0.20, 0.12, 0.06, 0.02), 10),
    ), {1: gettext_noop("无法提供有效解决方案"), 2: gettext_noop("能提供基本的解决方案"), 3: gettext_noop("准确解决问题，方案有效"),
        4: gettext_noop("快速、准确地解决问题"), 5: gettext_noop("方案个性化，解决效果显著")}),
    Criterion("knowledge", gettext_noop("专业知识"), (
        Measure("escalation_rate", gettext_noop("转交他人处理占比"), "rate", False, (0.35, 0.25, 0.15, 0.08), 10),
        Measure("qa_knowledge", gettext_noop("质检业务知识问题占比"), "rate", False, (0.20, 0.10, 0.05, 0.02), 10),
    ), {1: gettext_noop("对产品或服务了解有限"), 2: gettext_noop("能解答部分问题"), 3: gettext_noop("能熟练回答客户问题"),
        4: gettext_noop("能全面回答客户问题"), 5: gettext_noop("能回答所有问题并给出专业建议")}),
    Criterion("speed", gettext_noop("响应速度"), (
        Measure("first_response_met", gettext_noop("首次响应达标率"), "rate", True, (0.70, 0.85, 0.93, 0.98), 10),
        Measure("resolution_met", gettext_noop("解决时限达标率"), "rate", True, (0.70, 0.85, 0.93, 0.98), 10),
    ), {1: gettext_noop("响应迟钝"), 2: gettext_noop("响应速度一般，有时较慢"), 3: gettext_noop("迅速响应，及时解决"),
        4: gettext_noop("迅速反馈并及时解决"), 5: gettext_noop("几乎实时响应")}),
    Criterion("attitude", gettext_noop("服务态度"), (
        Measure("survey_attitude", gettext_noop("调查中服务态度评分"), "score", True, (2.5, 3.5, 4.2, 4.7), 5),
        Measure("qa_politeness", gettext_noop("质检礼貌用语问题占比"), "rate", False, (0.30, 0.20, 0.10, 0.03), 10),
    ), {1: gettext_noop("无礼或不友善"), 2: gettext_noop("礼貌但时常缺乏耐心"), 3: gettext_noop("友善有礼，态度良好"),
        4: gettext_noop("友好、耐心、专业"), 5: gettext_noop("友好、耐心、专业且细致")}),
    Criterion("needs", gettext_noop("满足客户需求"), (
        Measure("satisfaction", gettext_noop("调查总体满意度"), "score", True, (2.5, 3.5, 4.2, 4.7), 5),
        Measure("first_contact_resolution", gettext_noop("一次解决率（客户自评）"), "rate", True, (0.50, 0.65, 0.80, 0.90), 5),
        Measure("complaint_satisfied", gettext_noop("投诉回执满意率"), "rate", True, (0.40, 0.60, 0.80, 0.95), 3),
    ), {1: gettext_noop("未能满足客户需求"), 2: gettext_noop("部分情况下满足需求"), 3: gettext_noop("能满足大部分需求"),
        4: gettext_noop("能满足大部分需求和期望"), 5: gettext_noop("能满足几乎所有需求和期望")}),
    Criterion("errors", gettext_noop("差错率"), (
        Measure("qa_fatal", gettext_noop("质检致命差错占比"), "rate", False, (0.10, 0.05, 0.02, 0.005), 10),
        Measure("confirmed_complaints", gettext_noop("被确认的投诉占工单比例"), "rate", False, (0.05, 0.03, 0.015, 0.005), 10),
    ), {1: gettext_noop("经常出错导致客户不满"), 2: gettext_noop("偶尔出错但能妥善解决"), 3: gettext_noop("差错率较低且及时纠正"),
        4: gettext_noop("差错几率低并积极纠正"), 5: gettext_noop("几乎不出错，出错能及时补救")}),
)

BY_CODE = {c.code: c for c in CRITERIA}
MEASURES = {m.code: m for c in CRITERIA for m in c.measures}

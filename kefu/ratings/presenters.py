"""Rating data as pages show it: titles in the reader's language, rates as percentages, statuses worded."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .criteria import BY_CODE, MEASURES

STATUS_TEXT = {"ok": "", "insufficient": gettext_lazy("样本不足"), "no_source": gettext_lazy("暂无数据来源")}


def format_value(code: str, value: float | None) -> str:
    if value is None:
        return "—"
    measure = MEASURES.get(code)
    if measure is not None and measure.unit == "rate":
        return f"{value * 100:.1f}%"
    return f"{value:.2f}"


def measure_rows(measures: list[dict]) -> list[dict]:
    return [{**m, "title": _(MEASURES[m["code"]].title) if m["code"] in MEASURES else m["title"],
             "shown": format_value(m["code"], m["value"]), "status_text": STATUS_TEXT.get(m["status"], ""),
             "higher_is_better": MEASURES[m["code"]].higher_is_better if m["code"] in MEASURES else True}
            for m in measures]


def criterion_rows(rating: dict) -> list[dict]:
    rows = []
    for c in rating["criteria"]:
        criterion = BY_CODE.get(c["code"])
        measures = measure_rows(c["evidence"]["measures"])
        rows.append({**c, "title": _(criterion.title) if criterion else c["title"], "measures": measures,
                     "level": _(criterion.levels[c["stars"]]) if criterion and c["stars"] else "",
                     "shown": format_value(measures[0]["code"], c["value"]) if measures else "—"})
    return rows


def stars_text(stars: int | None) -> str:
    return "★" * stars + "☆" * (5 - stars) if stars else ""

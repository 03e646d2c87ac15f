"""The default questionnaire: seed 003's indicators (product quality, service quality, response time),
an overall satisfaction, first-contact resolution and a free comment. Wording is ours; admins edit it."""

STAR_LABELS = ["非常不满意", "不满意", "一般", "满意", "非常满意"]

DEFAULT_NAME = "服务满意度调查"
DEFAULT_INTRO = "感谢您联系我们。请花一分钟评价本次服务，您的意见将帮助我们改进。"
DEFAULT_QUESTIONS = [
    # (code, kind, text, labels, required)
    ("satisfaction", "stars", "您对本次服务的总体满意度", STAR_LABELS, True),
    ("service_quality", "stars", "客服人员的服务态度与专业程度", STAR_LABELS, True),
    ("response_time", "stars", "我们回应您的速度", STAR_LABELS, True),
    ("product_quality", "stars", "您对产品质量的评价", STAR_LABELS, False),
    ("resolved", "yes_no", "您的问题是否已经解决？", ["已解决", "未解决"], True),
    ("comment", "text", "还有什么想告诉我们的吗？", [], False),
]


def install_defaults(Questionnaire, Question, SurveyRule) -> None:  # noqa: N803 (historical models)
    """Idempotent: used by the data migration and by `kefu demo`."""
    questionnaire, created = Questionnaire.objects.get_or_create(
        name=DEFAULT_NAME, defaults={"intro": DEFAULT_INTRO, "is_default": True})
    if created:
        Question.objects.bulk_create([
            Question(questionnaire=questionnaire, order=i, code=code, kind=kind, text=text, labels=labels,
                     required=required)
            for i, (code, kind, text, labels, required) in enumerate(DEFAULT_QUESTIONS)])
    SurveyRule.objects.get_or_create(ticket_type="", channel="", defaults={"send_on_resolve": True})
    # Complaints are surveyed with their receipt and callbacks after the call, not when resolved.
    for ticket_type in ("complaint", "callback"):
        SurveyRule.objects.get_or_create(ticket_type=ticket_type, channel="", defaults={"send_on_resolve": False})

from django.db import models
from django.utils.translation import gettext_lazy as _


class Situation(models.TextChoices):
    GREETING = "greeting", _("问候")
    INQUIRY = "inquiry", _("询问")
    THANKS = "thanks", _("致谢")
    ACKNOWLEDGE = "acknowledge", _("应答")
    LISTENING = "listening", _("倾听")
    WAITING = "waiting", _("请客户等待")
    BACK = "back", _("等待之后")
    APOLOGY = "apology", _("致歉")
    REPLY_THANKS = "reply_thanks", _("回应致谢")
    NOT_HEARD = "not_heard", _("没听清")
    TACTFUL = "tactful", _("委婉表达")
    TRANSFER = "transfer", _("转接")
    FAREWELL = "farewell", _("道别")


# The order of a call (问候 first, 道别 last): lists follow it, not the alphabetical order of the keys.
CALL_ORDER = models.Case(
    *[models.When(situation=key, then=models.Value(i)) for i, key in enumerate(Situation.values)],
    default=models.Value(len(Situation.values)), output_field=models.IntegerField(),
)


class Phrase(models.Model):
    """规范用语: a standard phrase an agent inserts into a reply with one click or its shortcut."""

    situation = models.CharField(_("场景"), max_length=20, choices=Situation.choices)
    text = models.CharField(_("用语"), max_length=300)
    shortcut = models.CharField(_("快捷码"), max_length=20, blank=True,
                                help_text=_("在回复框输入 / 加快捷码即可插入，例如 /hy"))
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = [CALL_ORDER.asc(), "position", "id"]
        verbose_name = _("规范用语")
        verbose_name_plural = _("规范用语")

    def __str__(self) -> str:
        return self.text

from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "kefu.complaints"
    label = "complaints"
    verbose_name = "投诉处理"

    def ready(self) -> None:
        from kefu import policy
        from kefu.core.extensions import register_demo, register_nav, register_ticket_panel

        from . import demo, panels

        register_nav("投诉处理", "complaints:list", allowed=panels.can_see_complaints, order=30)
        register_nav("投诉分析", "complaints:analysis", allowed=policy.can_see_complaint_analysis, order=70)
        register_ticket_panel("complaints/_ticket_panel.html", panels.ticket_panel, order=5, placement="top")
        register_demo(demo.demo_complaints, order=60)
        _label_history_events()


def _label_history_events() -> None:
    """Names the complaint steps in the work order's history table.

    The history labels are a plain dict in the core template tags with no registration function yet;
    adding keys (never changing existing ones) is the least invasive way until one exists.
    """
    from kefu.core.templatetags import kefu as tags

    from .models import ACTIONS

    tags.ACTION_LABELS.setdefault("complaint_receive", "投诉·受理")
    for action in ACTIONS.values():
        tags.ACTION_LABELS.setdefault(f"complaint_{action.name}", f"投诉·{action.label}")
    tags.FIELD_LABELS.setdefault("complaint", "投诉状态")

from django.apps import AppConfig
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy, gettext_noop


class ComplaintsConfig(AppConfig):
    name = "kefu.complaints"
    label = "complaints"
    verbose_name = gettext_lazy("投诉处理")

    def ready(self) -> None:
        from kefu import policy
        from kefu.core.extensions import register_demo, register_nav, register_ticket_panel

        from . import demo, panels

        # Chinese msgids: the sidebar translates them when it renders
        register_nav(gettext_noop("投诉处理"), "complaints:list", allowed=panels.can_see_complaints, order=30)
        register_nav(gettext_noop("投诉分析"), "complaints:analysis", allowed=policy.can_see_complaint_analysis,
                     order=70)
        register_ticket_panel("complaints/_ticket_panel.html", panels.ticket_panel, order=5, placement="top")
        register_demo(demo.demo_complaints, order=60)
        _label_history_events()


def _label_history_events() -> None:
    """Names the complaint steps in the work order's history table."""
    from kefu.core.extensions import register_history_labels

    from .history import CORRECTION_ACTION, history_field_labels
    from .models import ACTIONS
    from .services import RECORD_FIELDS

    # Lazy: the history table renders them in the reader's language.
    actions = {"complaint_receive": gettext_lazy("投诉·受理"), CORRECTION_ACTION: gettext_lazy("投诉·更正记录")}
    actions.update({f"complaint_{a.name}": format_lazy("{}·{}", gettext_lazy("投诉"), gettext_lazy(a.label))
                    for a in ACTIONS.values()})
    register_history_labels(actions=actions,
                            fields={"complaint": gettext_lazy("投诉状态"), **history_field_labels(RECORD_FIELDS)})

"""In-app notifications (and e-mail when configured), with per-user preferences.

    from kefu.notifications import notify, register_kind

    register_kind("survey.answered", gettext_lazy("客户提交了满意度调查"), group=gettext_lazy("满意度调查"))
    notify(users=[agent], kind="survey.answered", text="…", url="/tickets/GD…/", dedupe_key="survey:12")

A kind names what a notice is about; users mute kinds on their preferences page, grouped as registered.
Kinds registered with mandatory=True (work waiting for the person) cannot be muted.
"""

from .kinds import register_kind

__all__ = ["Notice", "notify", "notify_many", "register_kind"]


def __getattr__(name: str):
    # notify lives with the models, which cannot load while Django imports this package as an app.
    if name in ("Notice", "notify", "notify_many"):
        from . import services

        return getattr(services, name)
    raise AttributeError(name)

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu import policy
from kefu.core.errors import DomainError

from .models import Phrase, Situation
from .services import phrase_delete, phrase_save


@login_required
def phrase_list(request):
    phrases = Phrase.objects.all() if policy.can_manage_phrases(request.user) else Phrase.objects.filter(
        is_active=True)
    labels = dict(Situation.choices)
    groups = [(labels.get(key, key), list(items)) for key, items in groupby(phrases, key=lambda p: p.situation)]
    return render(request, "phrases/list.html", {
        "groups": groups, "situations": Situation.choices, "can_manage": policy.can_manage_phrases(request.user),
    })


@login_required
@require_POST
def phrase_save_view(request, pk: int | None = None):
    phrase = get_object_or_404(Phrase, pk=pk) if pk else None
    data = {k: request.POST.get(k, "") for k in ("situation", "text", "shortcut", "position")}
    data["is_active"] = request.POST.get("is_active") == "on"
    try:
        phrase_save(by=request.user, phrase=phrase, **data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("规范用语已保存"))
    return redirect("phrases:list")


@login_required
@require_POST
def phrase_delete_view(request, pk: int):
    phrase_delete(by=request.user, phrase=get_object_or_404(Phrase, pk=pk))
    messages.success(request, _("规范用语已删除"))
    return redirect("phrases:list")

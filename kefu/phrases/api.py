from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from kefu.core.schema import choice_enum

from .models import Phrase, Situation
from .services import phrase_delete, phrase_save

router = Router(tags=["phrases"])


SituationFilter = choice_enum("SituationFilter", Situation.values)


class PhraseOut(Schema):
    id: int
    situation: Situation
    text: str
    shortcut: str
    position: int
    is_active: bool


class PhraseIn(Schema):
    situation: Situation
    text: str
    shortcut: str = ""
    position: int = 0
    is_active: bool = True


@router.get("", response=list[PhraseOut], summary="Standard phrases (规范用语) by situation")
def list_phrases(request, situation: SituationFilter = ""):
    qs = Phrase.objects.filter(is_active=True)
    if situation:
        qs = qs.filter(situation=situation)
    return list(qs)


@router.post("", response={201: PhraseOut})
def create_phrase(request, payload: PhraseIn):
    return Status(201, phrase_save(by=request.user, **payload.dict()))


@router.put("/{phrase_id}", response=PhraseOut)
def update_phrase(request, phrase_id: int, payload: PhraseIn):
    return phrase_save(by=request.user, phrase=get_object_or_404(Phrase, pk=phrase_id), **payload.dict())


@router.delete("/{phrase_id}", response={204: None})
def delete_phrase(request, phrase_id: int):
    phrase_delete(by=request.user, phrase=get_object_or_404(Phrase, pk=phrase_id))
    return Status(204, None)

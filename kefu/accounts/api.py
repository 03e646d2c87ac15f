from ninja import Router, Schema

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    username: str
    name: str
    role: str
    department: str | None
    team: str | None
    can_view_personal_data: bool


@router.get("/me", response=MeOut, summary="The authenticated user")
def me(request):
    user = request.user
    return {
        "id": user.pk, "username": user.username, "name": user.name, "role": user.role,
        "department": str(user.department) if user.department else None,
        "team": user.team.name if user.team else None,
        "can_view_personal_data": user.can_view_personal_data,
    }

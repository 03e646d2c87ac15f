from .broadcast import latest_id


def live(request) -> dict:
    """Where the page's live stream starts (the newest event when the page was made)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"live_after": latest_id()}

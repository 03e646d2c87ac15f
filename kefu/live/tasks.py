from kefu.jobs import background

from .broadcast import prune


@background("live.prune", max_attempts=3)
def live_prune(payload: dict) -> None:
    """Live events older than a day: a browser gone that long reloads the page anyway."""
    prune()

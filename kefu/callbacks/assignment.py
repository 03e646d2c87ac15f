"""Splitting a campaign's targets among agents by capacity (a weight per agent), counting the callbacks
each already has waiting, so a busy agent gets fewer new ones. Plain function, deterministic."""


def split(count: int, agents: list[tuple[str, float, int]]) -> list[str]:
    """agents: (key, weight > 0, callbacks already waiting). One key per target, in order: each target
    goes to the agent whose load per unit of weight would be lowest (ties: the earlier agent)."""
    if not agents:
        return []
    given = {key: 0 for key, _w, _l in agents}
    out = []
    for _ in range(count):
        key = min(agents, key=lambda a: ((a[2] + given[a[0]] + 1) / a[1], agents.index(a)))[0]
        given[key] += 1
        out.append(key)
    return out

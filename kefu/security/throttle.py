"""Growing delays after failures, instead of a lock-out an attacker could trigger at will.

Three counters per login attempt: the account from this address, the address across accounts
(spraying one password over many users), and the account across addresses. Each allows a few free
failures, then makes the next attempt wait 2^k seconds, up to a cap. The account-wide counter has a
small cap, so someone else's failures slow the real user down by at most a minute, never lock them out.
Counters are shared by every web process (kefu.security.counters: Redis when configured, else a
database table), so running several processes gives an attacker no extra allowance.
"""

import math
import time
from dataclasses import dataclass

from django.conf import settings

from . import counters


@dataclass(frozen=True)
class Rule:
    name: str
    free: int  # failures allowed before any delay
    cap: int  # longest delay, seconds
    memory: int = 3600  # failures are forgotten this long after the last one


def _key(rule: Rule, scope: str, value: str) -> str:
    return f"throttle:{scope}:{rule.name}:{value}"


def _state(key: str) -> tuple[int, float]:
    return counters.get(key)


def wait_seconds(rules: list[tuple[Rule, str]], scope: str) -> int:
    """Seconds until the next attempt is allowed (0 = now) under every rule."""
    now = time.time()
    waits = []
    for rule, value in rules:
        failures, last = _state(_key(rule, scope, value))
        if failures >= rule.free:
            delay = min(rule.cap, 2 ** (failures - rule.free + 1))
            waits.append(last + delay - now)
    return max(0, math.ceil(max(waits, default=0)))


def record_failure(rules: list[tuple[Rule, str]], scope: str) -> None:
    for rule, value in rules:
        counters.add_failure(_key(rule, scope, value), rule.memory)


def clear(rules: list[tuple[Rule, str]], scope: str) -> None:
    counters.delete([_key(rule, scope, value) for rule, value in rules])


def login_rules(username: str, address: str) -> list[tuple[Rule, str]]:
    free, cap = settings.KEFU_LOGIN_MAX_ATTEMPTS, settings.KEFU_LOGIN_MAX_DELAY
    username = (username or "").strip().lower()[:150]
    return [
        (Rule("pair", free=free, cap=cap), f"{address}|{username}"),
        (Rule("address", free=free * 4, cap=cap), address),
        # Small cap: failures from anywhere can slow the real user down a little, never lock them out.
        (Rule("account", free=free * 4, cap=60), username),
    ]


def address_rules(address: str) -> list[tuple[Rule, str]]:
    """Bad bearer tokens: only the address is known."""
    return [(Rule("address", free=settings.KEFU_LOGIN_MAX_ATTEMPTS * 4, cap=settings.KEFU_LOGIN_MAX_DELAY),
             address)]


def rate_limited(key: str, limit: int, period: int = 60) -> int:
    """A fixed window of `limit` requests per `period` seconds for key; the seconds to wait, or 0."""
    if limit <= 0:
        return 0
    window = int(time.time() // period)
    count = counters.hit(f"rate:{key}:{window}", period + 5)
    if count > limit:
        return max(1, math.ceil((window + 1) * period - time.time()))
    return 0

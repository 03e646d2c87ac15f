"""TOTP (RFC 6238, HMAC-SHA1, 6 digits, 30 s) with the standard library only: no Django in here."""

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

STEP = 30
DIGITS = 6


def new_secret() -> str:
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def _key(secret: str) -> bytes:
    padded = secret.upper() + "=" * (-len(secret) % 8)
    return base64.b32decode(padded)


def hotp(secret: str, counter: int) -> str:
    """RFC 4226: dynamic truncation of HMAC-SHA1 over the 8-byte counter."""
    digest = hmac.new(_key(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(code % 10**DIGITS).zfill(DIGITS)


def counter_at(when: float) -> int:
    return int(when // STEP)


def code_at(secret: str, when: float) -> str:
    return hotp(secret, counter_at(when))


def verify(secret: str, code: str, *, last_counter: int = 0, when: float | None = None,
           window: int = 1) -> int | None:
    """The time step the code belongs to (one step of clock drift either way), or None.

    Steps at or before last_counter are refused so an overheard code cannot be used twice.
    """
    code = "".join((code or "").split())
    if len(code) != DIGITS or not code.isdigit():
        return None
    now = counter_at(time.time() if when is None else when)
    for counter in range(now - window, now + window + 1):
        if counter > last_counter and hmac.compare_digest(hotp(secret, counter), code):
            return counter
    return None


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    label = quote(f"{issuer}:{account}")
    return f"otpauth://totp/{label}?" + urlencode({"secret": secret, "issuer": issuer, "digits": DIGITS,
                                                    "period": STEP})

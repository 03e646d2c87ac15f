"""Signed single-use public links (contract 5): a customer opens them without logging in.

A token signs (purpose, object id, nonce). The owner stores the nonce and the expiry on its row and
clears the nonce when the link is used, so a reused link no longer matches and an expired one is refused
by the owner's own clock; a tampered token fails the signature. The same row always gives the same
link (a reminder repeats it). A GET only ever shows; owners act on an explicit form POST, so mail
scanners that follow links answer nothing.
"""

import secrets
from dataclasses import dataclass

from django.core import signing

from kefu.core.errors import DomainError


class LinkError(DomainError):
    """The link cannot be used; `code` is "invalid", "expired" or "used" and the page words it."""

    status_code = 410


@dataclass(frozen=True)
class LinkTarget:
    pk: int
    nonce: str


def new_nonce() -> str:
    return secrets.token_hex(16)


def link_token(*, purpose: str, pk: int, nonce: str) -> str:
    if not nonce:
        raise DomainError("链接已失效，无法生成", field="nonce")
    return signing.Signer(salt=f"kefu.link.{purpose}").sign_object({"p": pk, "n": nonce}, compress=True)


def link_read(token: str, *, purpose: str) -> LinkTarget:
    """What a token points to, or LinkError; the caller still compares the nonce and expiry with its row."""
    try:
        data = signing.Signer(salt=f"kefu.link.{purpose}").unsign_object(token)
    except (signing.BadSignature, ValueError, UnicodeDecodeError) as exc:
        raise LinkError("链接无效", code="invalid") from exc
    if not isinstance(data, dict) or not isinstance(data.get("p"), int) or not isinstance(data.get("n"), str):
        raise LinkError("链接无效", code="invalid")
    return LinkTarget(data["p"], data["n"])


def nonce_matches(stored: str, given: str) -> bool:
    return bool(stored) and secrets.compare_digest(stored, given)

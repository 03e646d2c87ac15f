"""A result as one JSON line, the same characters as ``json.dumps(result.to_json(items), ensure_ascii=False)``.

Findings and items recur across conversations (the same turn at the same index, the same missing
greeting, the same failed item), so each one's JSON is made once, cached by value (both are
immutable NamedTuples), and the line is joined from the pieces. ``kefu qa inspect`` writes these.
"""

from __future__ import annotations

import json
import math
from json.encoder import encode_basestring  # how json.dumps(..., ensure_ascii=False) quotes a string

from .model import Finding, ItemResult, Result

_FRAGMENTS: dict[Finding | ItemResult, str] = {}
_LIMIT = 65536


def json_line(result: Result, items: str = "all") -> str:
    """``json.dumps(result.to_json(items), ensure_ascii=False)``, built from cached fragments."""
    score = result.score
    if type(score) is float and math.isfinite(score):
        number = float.__repr__(score)  # what the json encoder writes for a float
    else:
        number = json.dumps(score)
    ident = result.id
    line = (f'{{"id": {encode_basestring(ident) if type(ident) is str else json.dumps(ident)}, '
            f'"score": {number}, "findings": [{", ".join(map(_fragment, result.findings))}]')
    if items == "all":
        return f'{line}, "items": [{", ".join(map(_fragment, result.items))}]}}'
    if items == "failed":
        failed = [i for i in result.items if i.status in ("fail", "fatal")]
        return f'{line}, "items": [{", ".join(map(_fragment, failed))}]}}'
    return line + "}"


def clear_fragments() -> None:
    _FRAGMENTS.clear()


def _fragment(part: Finding | ItemResult) -> str:
    text = _FRAGMENTS.get(part)
    if text is None:
        if len(_FRAGMENTS) >= _LIMIT:
            _FRAGMENTS.clear()
        text = _FRAGMENTS[part] = json.dumps(part.to_json(), ensure_ascii=False)
    return text

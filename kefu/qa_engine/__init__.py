"""Kefu's quality-inspection engine (质检引擎): the service standard as executable rules.

Pure Python, no Django: ``load_pack`` a rule pack, build an ``Engine`` once, then
``engine.inspect(conversation)`` or ``engine.check(text, role=...)``.
"""

from .engine import Engine, check_utterance, inspect_conversation
from .inputs import Conversation, InputError, parse_conversation
from .model import CATEGORIES, Finding, ItemResult, PackError, Result
from .pack import Pack, Rule, load_pack, load_pack_data

__all__ = [
    "CATEGORIES",
    "Conversation",
    "Engine",
    "Finding",
    "InputError",
    "ItemResult",
    "Pack",
    "PackError",
    "Result",
    "Rule",
    "check_utterance",
    "inspect_conversation",
    "load_pack",
    "load_pack_data",
    "parse_conversation",
]

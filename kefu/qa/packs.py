"""Which rule pack inspects: the newest published PackVersion, or the engine's bundled default when none
has been published. Engines are compiled once per (name, version) and kept: published versions never
change, so the cache never goes stale."""

from __future__ import annotations

from dataclasses import dataclass

from kefu.qa_engine import Engine, Pack, load_pack, load_pack_data

from .models import PackState, PackVersion

_ENGINES: dict[tuple[str, str], Engine] = {}


@dataclass(frozen=True)
class ActivePack:
    name: str
    version: str
    engine: Engine
    realtime: frozenset[str]
    record: PackVersion | None  # None: the bundled default, never published here


def bundled_default() -> Pack:
    return load_pack("default")


def default_realtime(pack: Pack) -> list[str]:
    """Without a list of its own, every agent rule is live; Engine.check only ever reports those that judge
    one utterance (phrases, address, patterns ...), so whole-conversation rules drop out by themselves."""
    return [r.code for r in pack.rules if "agent" in r.roles]


def engine_for(name: str, version: str, data: dict | None) -> Engine:
    key = (name, version)
    engine = _ENGINES.get(key)
    if engine is None:
        engine = Engine(load_pack_data(data) if data is not None else bundled_default())
        _ENGINES[key] = engine
    return engine


def latest_published() -> PackVersion | None:
    return PackVersion.objects.filter(state=PackState.PUBLISHED).order_by("-published_at", "-id").first()


def active_pack() -> ActivePack:
    record = latest_published()
    if record is None:
        pack = bundled_default()
        engine = engine_for(pack.name, pack.version, None)
        return ActivePack(pack.name, pack.version, engine, frozenset(default_realtime(pack)), None)
    engine = engine_for(record.name, record.version, record.data)
    realtime = record.realtime_rules or default_realtime(engine.pack)
    return ActivePack(record.name, record.version, engine, frozenset(realtime), record)


def pack_by_version(name: str, version: str) -> ActivePack | None:
    """A published version (or the bundled default) by name and version, for reading old results."""
    record = PackVersion.objects.filter(name=name, version=version, state=PackState.PUBLISHED).first()
    if record is not None:
        engine = engine_for(name, version, record.data)
        return ActivePack(name, version, engine, frozenset(record.realtime_rules), record)
    pack = bundled_default()
    if (pack.name, pack.version) == (name, version):
        return ActivePack(name, version, engine_for(name, version, None), frozenset(default_realtime(pack)), None)
    return None

"""Which rule pack inspects: the newest published PackVersion, or the engine's bundled default when none
has been published. Engines are compiled once per (name, version) and kept: published versions never
change, so the cache never goes stale.

The live check (POST /qa/check, the reply box) asks for the active pack on every keystroke batch, so
asking must cost one small query: the newest published version is looked up without its data (the
version check), and the data is read only when this process has not compiled that version yet. The
bundled default file is parsed once per process and again only when the file changes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kefu.qa_engine import Engine, Pack, load_pack, load_pack_data
from kefu.qa_engine.pack import PACK_DIR

from .models import PackState, PackVersion

_ENGINES: dict[tuple[str, str], Engine] = {}
_BUNDLED: dict[str, tuple[int, Pack]] = {}
_BUNDLED_FILE = PACK_DIR / "default.yaml"


@dataclass(frozen=True)
class ActivePack:
    name: str
    version: str
    engine: Engine
    realtime: frozenset[str]
    record: PackVersion | None  # None: the bundled default, never published here


def bundled_default() -> Pack:
    """The bundled default pack, parsed once per process (again only if the file changed on disk)."""
    stamp = _mtime(_BUNDLED_FILE)
    cached = _BUNDLED.get("default")
    if cached is None or cached[0] != stamp:
        cached = (stamp, load_pack("default"))
        _BUNDLED["default"] = cached
    return cached[1]


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


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
    # The version check: the newest published row without its (large) pack data.
    record = (PackVersion.objects.filter(state=PackState.PUBLISHED).order_by("-published_at", "-id")
              .only("pk", "name", "version", "realtime_rules", "state", "published_at").first())
    if record is None:
        pack = bundled_default()
        engine = engine_for(pack.name, pack.version, None)
        return ActivePack(pack.name, pack.version, engine, frozenset(default_realtime(pack)), None)
    engine = _ENGINES.get((record.name, record.version))
    if engine is None:  # first use of this version in this process: read its data once
        data = PackVersion.objects.filter(pk=record.pk).values_list("data", flat=True).get()
        engine = engine_for(record.name, record.version, data)
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

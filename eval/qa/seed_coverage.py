"""Does the default pack flag every forbidden phrase the seed handbooks list?

Reads the 禁忌用語 list of seed 001 (Traditional Chinese, as published) and the 服务禁语 and
insult lists of seed 002 straight from ../shared/seeds, checks each quoted phrase as an
agent utterance, and prints the ones that are not flagged.

    python eval/qa/seed_coverage.py [SEEDS_DIR]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kefu.qa_engine import Engine, load_pack  # noqa: E402

DEFAULT_SEEDS = ROOT.parent / "shared" / "seeds"
QUOTED = re.compile(r"[“\"]([^“”\"]+)[”\"]")
# The converted seed carries pinyin readings after some characters (領(lǐng)導(dǎo)): an
# artefact of the document conversion, not something an agent types, so it is removed.
PINYIN = re.compile(r"\([a-zü\u00e0-\u01dc]+\)")


def seed_phrases(seeds: Path) -> dict[str, list[str]]:
    """Quoted phrases of seed 001 §2.5 and of seed 002 用语 10-12, keyed by where they come from."""
    text_001 = next(seeds.glob("001_*.txt")).read_text(encoding="utf-8")
    section = text_001[text_001.index("1. “不知道”"): text_001.index("6、禁忌用語")]
    text_002 = next(seeds.glob("002_*.txt")).read_text(encoding="utf-8")
    forbidden = text_002[text_002.index("10、服务禁语"): text_002.index("11、口头禅")]
    insults = text_002[text_002.index("12、侮辱"): text_002.index("二、沟通技巧")]
    return {
        "001 禁忌用語 (Traditional)": [PINYIN.sub("", p) for p in QUOTED.findall(section)],
        "002 服务禁语": QUOTED.findall(forbidden),
        "002 侮辱攻击": QUOTED.findall(insults),
    }


def main(argv: list[str]) -> int:
    seeds = Path(argv[0]) if argv else DEFAULT_SEEDS
    engine = Engine(load_pack("default"))
    missed = 0
    for source, phrases in seed_phrases(seeds).items():
        flagged = [p for p in phrases if engine.check(p, role="agent")]
        print(f"{source}: {len(flagged)}/{len(phrases)} phrases flagged")
        for phrase in phrases:
            if phrase not in flagged:
                missed += 1
                print(f"    not flagged: {phrase}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

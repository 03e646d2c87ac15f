"""Fills the configured database with a year of a large department (issue 9: 1M orders).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_rel .venv/bin/python bench/generate.py --orders 1000000

Adds to what is there (run it on a migrated database of your own; generate once and reuse it). Smaller
sizes for quick runs: --orders 10000. Uses COPY on PostgreSQL. Prints the row counts and the time.
Only open orders get SLA clocks (computed by the product's own recompute, as a deployment would);
--no-clocks skips that step.

The reports benchmark (issue 15) adds QA results and survey answers to an existing database, leaving
the orders alone: --orders 0 --qa-results 1000000 --survey-answers 1000000.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--batch", type=int, default=20_000)
    parser.add_argument("--no-clocks", action="store_true")
    parser.add_argument("--qa-results", type=int, default=0, help="add this many QA results (conversations)")
    parser.add_argument("--survey-answers", type=int, default=0, help="add about this many survey answers")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    from bench.datagen import generate

    counts = generate(orders=args.orders, seed=args.seed, batch=args.batch, clocks=not args.no_clocks) if args.orders else {}
    if args.qa_results or args.survey_answers:
        from bench.datagen import add_extras

        counts.update(add_extras(qa_results=args.qa_results, survey_answers=args.survey_answers, seed=args.seed))
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

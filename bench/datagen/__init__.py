"""A year of a large customer-service department, for benchmarks (issue 9).

    from bench.datagen import generate
    generate(orders=1_000_000, seed=7)          # or: python bench/generate.py --orders 1000000

Modules, each adding one part of the picture so later benchmarks can add theirs (QA results, survey
answers ...) the same way: ``people`` (departments, teams, agents, handlers, customers), ``orders`` (work
orders with messages, history facts and complaint records with their steps), ``clocks`` (SLA clocks via
the product's own recompute). ``writer`` streams rows with COPY on PostgreSQL (executemany elsewhere).
"""

from .run import generate

__all__ = ["generate"]

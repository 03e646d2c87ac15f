"""A year of a large customer-service department, for benchmarks (issue 9).

    from bench.datagen import generate
    generate(orders=1_000_000, seed=7)          # or: python bench/generate.py --orders 1000000

Modules, each adding one part of the picture so later benchmarks can add theirs (QA results, survey
answers ...) the same way: ``people`` (departments, teams, agents, handlers, customers), ``orders`` (work
orders with messages, history facts and complaint records with their steps), ``clocks`` (SLA clocks via
the product's own recompute), ``qa_results`` and ``survey_answers`` (issue 15's reports benchmark, added to
an existing database by ``add_extras``). ``writer`` streams rows with COPY on PostgreSQL (executemany elsewhere).
"""

from .run import add_extras, generate

__all__ = ["add_extras", "generate"]

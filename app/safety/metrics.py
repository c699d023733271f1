"""Prometheus counters of safety flags, by why they were raised (never by text).

A process-wide registry, added to /metrics next to the app's own: flags are raised
from the API, the seed and the CLI alike. With several server processes each counts
its own; `kap-journal screen-report` gives the totals from the database.
"""

from prometheus_client import CollectorRegistry, Counter

REGISTRY = CollectorRegistry(auto_describe=True)

FLAGS_RAISED = Counter(
    "kapj_safety_flags_raised_total",
    "Safety flags raised, by source, category and the rule that fired",
    ["source", "category", "rule"],
    registry=REGISTRY,
)
FLAGS_ACKNOWLEDGED = Counter(
    "kapj_safety_flags_acknowledged_total",
    "Safety flags acknowledged, by category, rule and outcome",
    ["category", "rule", "outcome"],
    registry=REGISTRY,
)


def count_flag(*, source: str, category: str, rule: str) -> None:
    FLAGS_RAISED.labels(source=source, category=category, rule=rule).inc()


def count_acknowledgement(*, category: str | None, rule: str | None, outcome: str) -> None:
    FLAGS_ACKNOWLEDGED.labels(category=category or "", rule=rule or "", outcome=outcome).inc()

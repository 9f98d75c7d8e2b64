"""docs/administration.md, "Metrics", names every metric the app exports, and its alert
rules and table name no metric the app does not export."""

import re

from prometheus_client import REGISTRY

import scratchpad.metrics.instruments  # noqa: F401 (the metrics, registered when imported)
from tests.support.paths import ROOT

#: What Prometheus adds to a metric's name in its samples.
SUFFIXES = re.compile(r"_(bucket|sum|count|created)$")


def metrics_section():
    text = (ROOT / "docs" / "administration.md").read_text(encoding="utf-8")
    return text.split("## Metrics: `GET /metrics`", 1)[1].split("\n## ", 1)[0]


def exported():
    names = set()
    for family in REGISTRY.collect():
        if family.name.startswith("scratchpad_"):
            names.add(family.name + ("_total" if family.type == "counter" else ""))
    return names


def test_every_exported_metric_has_a_row_in_the_table():
    rows = set(re.findall(r"^\| `(scratchpad_\w+)` \|", metrics_section(), re.MULTILINE))
    assert rows == exported()


def test_the_alert_rules_and_prose_name_only_exported_metrics():
    named = {SUFFIXES.sub("", name) for name in re.findall(r"\bscratchpad_\w+", metrics_section())}
    named = {name if name in exported() else f"{name}_total" for name in named}
    assert named - exported() == set()

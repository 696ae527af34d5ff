"""Check a production against a spec: run every registered rule, collect the findings.

`check_production` streams the production through each rule (see `view.py`), so memory stays
bounded by a batch of rows, the merged Bates ranges and the capped lists findings keep. A rule that
fails is reported as not-checked with the reason, never as a clean result.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .findings import DEFICIENCY, INFO, NOT_CHECKED, SEVERITIES, WARNING, Finding
from .rules import Rule, all_rules
from .spec import ProductionSpec, load_spec
from .view import ProductionView

Progress = Callable[[int, int, str], None]


@dataclass
class CheckReport:
    case: str
    production: str
    spec: str
    spec_title: str
    documents: int
    findings: list[Finding] = field(default_factory=list)
    checked_at: str = ""
    seconds: float = 0.0
    received_at: str | None = None
    spec_used: ProductionSpec | None = field(default=None, repr=False)  # for the letter's citations

    def by_severity(self, severity: str) -> list[Finding]:
        return [f for f in self.findings if f.severity == severity]

    @property
    def deficiencies(self) -> list[Finding]:
        return self.by_severity(DEFICIENCY)

    @property
    def flagged(self) -> list[Finding]:
        return [f for f in self.findings if f.flagged]

    def rule_ids(self, flagged_only: bool = True) -> set[str]:
        return {f.rule for f in self.findings if f.flagged or not flagged_only}

    def finding(self, rule: str) -> Finding | None:
        return next((f for f in self.findings if f.rule == rule), None)

    def to_dict(self) -> dict[str, Any]:
        return {"case": self.case, "production": self.production, "spec": self.spec, "spec_title": self.spec_title,
                "documents": self.documents, "checked_at": self.checked_at, "seconds": round(self.seconds, 3),
                "received_at": self.received_at,
                "summary": {s: len(self.by_severity(s)) for s in SEVERITIES},
                "findings": [f.to_dict() for f in self.findings]}


_ORDER = {DEFICIENCY: 0, WARNING: 1, INFO: 2, NOT_CHECKED: 3}


def check_production(case: Any, spec: ProductionSpec | str, production: str | None = None,
                     rules: list[Rule] | None = None, progress: Progress | None = None) -> CheckReport:
    """Check one production (all of the case's when None) against a spec (object, name or path)."""
    if not isinstance(spec, ProductionSpec):
        spec = load_spec(spec)
    started = time.perf_counter()
    view = ProductionView(case, production)
    chosen = rules if rules is not None else all_rules()
    findings: list[Finding] = []
    for i, rule in enumerate(chosen):
        if progress:
            progress(i, len(chosen), rule.__name__)
        try:
            findings.extend(rule(view, spec))
        except Exception as exc:  # a rule bug must not pass for a clean production
            findings.append(Finding(f"{rule.__module__.rsplit('.', 1)[-1]}.error", NOT_CHECKED,
                                    f"Rule {rule.__name__} could not run",
                                    f"Not checked: the rule failed ({type(exc).__name__}: {exc}).", unit="documents"))
    if progress:
        progress(len(chosen), len(chosen), "done")
    findings.sort(key=lambda f: (_ORDER.get(f.severity, 9), f.rule))
    received = view.productions[0].received_at if len(view.productions) == 1 else None
    return CheckReport(case=case.name, production=view.name, spec=spec.name, spec_title=spec.title or spec.name,
                       documents=view.document_count, findings=findings,
                       checked_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                       seconds=time.perf_counter() - started, received_at=received, spec_used=spec)


__all__ = ["CheckReport", "Finding", "check_production"]

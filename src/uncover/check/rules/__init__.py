"""The rule families: each module holds plain functions `(view, spec) -> list[Finding]`.

Adding a rule is one new module here with a `RULES` list; `all_rules()` finds it. Rules never
change the case: they read the view and report.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

from ..findings import Finding
from ..spec import ProductionSpec
from ..view import ProductionView

Rule = Callable[[ProductionView, ProductionSpec], list[Finding]]


def all_rules() -> list[Rule]:
    """Every registered rule, in module name order (stable reports)."""
    found: list[Rule] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.extend(getattr(module, "RULES", []))
    return found


__all__ = ["Rule", "all_rules"]

"""Check a production against the format ordered or agreed, and draft the deficiency letter."""

from __future__ import annotations

from .checker import CheckReport, check_production
from .deadlines import Deadline, deadlines
from .findings import Finding
from .spec import ProductionSpec, builtin_specs, load_spec

__all__ = ["CheckReport", "Deadline", "Finding", "ProductionSpec", "builtin_specs", "check_production", "deadlines",
           "load_spec"]

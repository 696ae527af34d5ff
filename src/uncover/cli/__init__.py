"""The `uncover` command line: thin commands over the library, each with `--json` for scripts.

One module per area registers its commands on `main`; errors are translated here, once.
"""

from __future__ import annotations

import importlib
import sys

from .base import main

# Each module adds its commands to `main` when imported.
COMMAND_MODULES = ("case", "ingest", "search", "loadfiles", "check", "withholdings", "duplicates", "web", "publish",
                   "tables")

for _name in COMMAND_MODULES:
    try:
        importlib.import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as _exc:  # an area not built yet
        if not (_exc.name or "").endswith(f"cli.{_name}"):
            raise

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())

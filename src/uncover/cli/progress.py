"""Rich progress bars for the `Progress` protocol of long jobs (ingest, analysis, export)."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class RichProgress:
    """One bar per stage; `grow` extends a bar when children (attachments, members) turn up."""

    def __init__(self, console: Console, enabled: bool = True) -> None:
        self.bars = Progress(
            TextColumn("[bold]{task.description:<14}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), TimeRemainingColumn(), console=console, disable=not enabled, transient=False,
        )
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self) -> RichProgress:
        self.bars.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bars.__exit__(None, None, None)

    def start(self, stage: str, total: int | None) -> None:
        if stage in self.tasks:
            self.bars.update(self.tasks[stage], total=total, completed=0)
        else:
            self.tasks[stage] = self.bars.add_task(stage, total=total)

    def advance(self, stage: str, n: int = 1) -> None:
        if stage not in self.tasks:
            self.start(stage, None)
        self.bars.advance(self.tasks[stage], n)

    def set(self, stage: str, done: int, total: int | None) -> None:
        """Absolute counts, for library functions that report `done of total`."""
        if stage not in self.tasks:
            self.start(stage, total)
        self.bars.update(self.tasks[stage], completed=done, total=total)

    def grow(self, stage: str, n: int) -> None:
        task = self.bars.tasks[self.tasks[stage]] if stage in self.tasks else None
        if task is not None:
            self.bars.update(self.tasks[stage], total=(task.total or 0) + n)

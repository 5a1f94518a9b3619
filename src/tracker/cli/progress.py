"""Progress bars on stderr for long work (import, export, report, quarterly, extract, scan).

    with progress(total=n, unit="goals", label="import") as advance:
        for item in work:
            ...
            advance(1)          # or advance.report(done, total) from a service's on_progress

A bar is drawn only when stderr is a terminal, `--quiet` was not given and the work has
already taken DELAY seconds (TRACKER_PROGRESS_DELAY=0: any work); until then nothing is drawn
and tqdm is not even imported, so short commands pay nothing. Services never print: they take
an optional `on_progress(stage, done, total)` callback and the command passes `advance.step`
(or `advance.report` for `(done, total)`). Colour is off under NO_COLOR.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

TICK = 0.5  # seconds between redraws of a bar whose count stands still
DELAY = 1.0  # seconds of work before a bar is worth drawing (TRACKER_PROGRESS_DELAY overrides)


class Settings:
    """`tracker --quiet` (set by the root callback on every run)."""

    quiet: bool = False


settings = Settings()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


class Progress:
    """Counts work done; draws a tqdm bar once the work has run `delay` seconds, if enabled."""

    def __init__(
        self,
        *,
        total: int | None,
        unit: str,
        label: str,
        stream: TextIO,
        enabled: bool,
        delay: float = DELAY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total, self.unit, self.label = total, unit, label
        self.stream, self.enabled, self.delay, self.clock = stream, enabled, delay, clock
        self.start = clock()  # the delay counts from here
        self.stage_start = self.start  # the rate and the time left count from here
        self.stage_name: str | None = None
        self.done = 0
        self.stages = 0
        self.bar: Any = None

    @property
    def drawn(self) -> bool:
        return self.bar is not None

    def __call__(self, k: int = 1) -> None:
        """`k` more units done."""
        self.done += k
        self._refresh()

    def report(self, done: int, total: int | None = None) -> None:
        """Absolute progress, the shape of a service's `on_progress(done, total)` callback."""
        if total is not None and total != self.total:
            self.total = total
            if self.bar is not None:
                self.bar.total = total
        self.done = done
        self._refresh()

    def step(self, stage: str, done: int, total: int | None) -> None:
        """`done` of `total` in a named stage; a new stage starts its count again. The shape of
        a service's `on_progress(stage, done, total)` callback."""
        if stage != self.stage_name:
            self.stage_name = stage
            self.stage_start = self.clock()
            if self.bar is not None:
                self.bar.set_description_str(f"{self.label}: {stage}", refresh=False)
                self.bar.reset(total=total)  # redrawn at 0, its clock started again
        self.report(done, total)

    def stage(self, name: str) -> None:
        """A named step of work counted in steps (`total` = the number of steps)."""
        self.report(self.stages)
        self.stages += 1
        if self.bar is not None:
            self.bar.set_description_str(f"{self.label}: {name}", refresh=False)
        self.stage_name = name

    def _refresh(self) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            if self.clock() - self.start < self.delay:
                return
            self._draw()
        self.bar.update(self.done - self.bar.n)

    def _draw(self) -> None:
        from tqdm import tqdm

        name = self.stage_name
        self.bar = tqdm(
            total=self.total,
            unit=f" {self.unit}",
            desc=f"{self.label}: {name}" if name else self.label,
            file=self.stream,
            leave=False,
            dynamic_ncols=True,
            smoothing=0.1,
            colour=None if os.environ.get("NO_COLOR") else "green",
        )
        # The rate and the time left count from the start of the step's work, not from the
        # first draw (tqdm's clock is its own: move its start back by the time already spent).
        spent = self.clock() - self.stage_start
        self.bar.start_t = self.bar.last_print_t = self.bar._time() - spent
        # A step that reports nothing for a while (one bulk write) still shows its time passing.
        import threading

        self._stop = threading.Event()
        threading.Thread(target=self._tick, args=(self.bar, self._stop), daemon=True).start()

    @staticmethod
    def _tick(bar: Any, stop: Any) -> None:
        while not stop.wait(TICK):
            bar.refresh()  # under tqdm's own lock, like its updates

    def close(self) -> None:
        # Work reported after the block (a document still streaming to stdout) draws nothing.
        self.enabled = False
        if self.bar is not None:
            self._stop.set()
            self.bar.close()
            self.bar = None


@contextmanager
def progress(
    *,
    total: int | None = None,
    unit: str = "goals",
    label: str,
    stream: TextIO | None = None,
    delay: float | None = None,
) -> Iterator[Progress]:
    """A Progress for the work in the `with` block; the bar (if any) is cleared at the end."""
    out = stream if stream is not None else sys.stderr
    if delay is None:
        try:
            delay = float(os.environ.get("TRACKER_PROGRESS_DELAY") or DELAY)
        except ValueError:
            delay = DELAY
    bar = Progress(
        total=total,
        unit=unit,
        label=label,
        stream=out,
        enabled=not settings.quiet and _is_terminal(out),
        delay=delay,
    )
    try:
        yield bar
    finally:
        bar.close()

"""`python -m tracker`."""

from tracker.cli.completion import run

run()

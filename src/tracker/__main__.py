"""`python -m tracker`."""

from tracker.cli.main import run

run()

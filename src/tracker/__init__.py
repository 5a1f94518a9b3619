"""tracker: commitments in government announcements as tracked goals."""

__version__ = "0.1.0"

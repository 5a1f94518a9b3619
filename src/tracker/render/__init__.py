"""Renderers: data in, text out. No database access, no printing."""

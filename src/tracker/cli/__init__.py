"""Typer apps: parse, call services, render. No SQL here."""

"""Reproducible training of the models triage ships."""

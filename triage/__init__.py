"""triage: extortion-email triage pipeline."""

__version__ = "0.1.0"

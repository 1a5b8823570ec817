"""The shipped verdict model (data only; read by triage.classify)."""

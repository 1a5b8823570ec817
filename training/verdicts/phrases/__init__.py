"""Per-language wording the labelled set is built from (data only)."""

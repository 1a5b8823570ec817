"""Messages -> campaign clusters with stable ids (pure)."""

from __future__ import annotations


def founding_cluster_id(sha256: str) -> str:
    """The id of a cluster founded by the message with this sha256; never changes afterwards.

    Campaign linking across messages comes with the clustering work; until then every
    message founds its own cluster, so `clusters --all` already lists each exactly once.
    """
    return f"C-{sha256[:12]}"

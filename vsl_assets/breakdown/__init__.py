"""Transcript -> breakdown: niche, lead, awareness, timed beats and offer of a VSL (no Dagster here)."""

"""Transcript -> breakdown: niche, lead, awareness, timed beats and offer of a VSL (no Dagster here).

Entry points: :func:`vsl_assets.breakdown.engine.analyze` (segments + language -> :class:`~.models.Breakdown`),
:func:`vsl_assets.breakdown.readers.read_transcript` (JSON/SRT/VTT/TXT file -> segments), and the
:class:`~.engine.BreakdownEngine` protocol every engine implements (``local`` rules, ``openai``).
"""

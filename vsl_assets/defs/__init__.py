"""Everything Dagster: assets, checks, jobs, sensors, partitions and resources.

``vsl_assets.definitions`` loads this folder with ``load_from_defs_folder``: a definition at
module level here is part of the code location, with no list to keep.  Domain code (``db``,
``media``, ``transcription``, …) lives outside this folder and never imports ``dagster``.
"""

"""Thin Dagster assets: read inputs, call a domain service, record, return MaterializeResult.

Loaded by ``load_from_defs_folder`` (see ``vsl_assets/definitions.py``): no hand-kept list.
"""

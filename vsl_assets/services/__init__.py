"""Use cases: what every front end (Dagster, the ``vsl`` command, the web app, the API) calls.

One module per use case, plain Python: no Dagster, no FastAPI (an import-linter contract holds
that).  A front end parses its input, calls one function here and renders the result, so the same
input behaves the same wherever it comes in.  What a use case needs from the orchestrator (making
a URL's partition exist, forgetting it) it asks through :class:`~vsl_assets.services.ports.PartitionPort`,
which the Dagster side implements.
"""

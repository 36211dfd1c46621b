"""Where files live: the storage root's layout, atomic files, and the stores behind one interface.

``local`` is the storage root on this machine (``StorageLayout``, the only place paths are built;
atomic writes; ``LocalStore``); ``objectstore`` the shared S3-compatible store behind the same
interface (imported only where a shared store may be configured: it pulls in the S3 client lazily).
The local names are re-exported here, the package's public face: ``from vsl_assets.storage import
StorageLayout``.
"""

from vsl_assets.storage.local import (
    TEMP_PREFIX,
    LocalStore,
    StorageLayout,
    atomic_path,
    atomic_write_bytes,
    atomic_write_text,
    fsync_path,
    remove_stale_temps,
    validate_key,
)

__all__ = [
    "TEMP_PREFIX",
    "LocalStore",
    "StorageLayout",
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "fsync_path",
    "remove_stale_temps",
    "validate_key",
]

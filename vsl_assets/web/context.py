"""What every request needs, built once per app: settings, storage layout, signer, templates.

Nothing here is per-user state: sessions, tokens and login attempts live in the database, so any
worker process or host can answer any request."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi.templating import Jinja2Templates
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy.orm import Session, sessionmaker

from vsl_assets.db.engine import AUTOCOMMIT, session_factory
from vsl_assets.services.ports import PartitionPort
from vsl_assets.settings import Settings
from vsl_assets.storage import LocalStore, StorageLayout
from vsl_assets.storage.objectstore import store_for
from vsl_assets.web.security import Signer, signing_secret
from vsl_assets.web.sessions import SessionPolicy
from vsl_assets.web.throttle import LoginThrottle

HERE = Path(__file__).parent
#: Requests that change nothing by HTTP's rules (and by this app's routes).
SAFE_METHODS = frozenset({"GET", "HEAD"})


class CompiledTemplates(BytecodeCache):
    """The templates' compiled code, kept for the process and shared by every app built in it.

    Each app has its own Jinja environment, but ``WebContext.build`` configures them all alike, so a
    template's source compiles to the same code in each (the key is its name and the checksum of its
    source: an edited template compiles again).  A server builds one app per worker process and
    gains nothing; a process that builds many (a test suite, one app per test) parses and compiles
    each template once instead of once per app (~0.35 s of CPU for all of them)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


def read_session_factory(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """``sessions`` in autocommit on PostgreSQL (see ``WebContext.read_sessions``)."""
    engine = sessions.kw["bind"]
    if engine.dialect.name != "postgresql":
        return sessions
    return sessionmaker(engine.execution_options(**{AUTOCOMMIT: True}), expire_on_commit=False)


@dataclass
class WebContext:
    settings: Settings
    layout: StorageLayout
    #: Where media is read from: the storage root, or the shared object store (then the root
    #: holds only this host's own files: the signing secret and the poster cache).
    store: LocalStore
    signer: Signer
    sessions: sessionmaker[Session]
    #: For GET/HEAD: on PostgreSQL the same pool in autocommit, so a read costs no BEGIN and no
    #: COMMIT round trip (reads see one snapshot per statement either way, READ COMMITTED); the
    #: writes a GET may make are single statements (a session's or token's last-use time).
    #: On SQLite a read opens no transaction anyway: the same factory as ``sessions``.
    read_sessions: sessionmaker[Session]
    templates: Jinja2Templates
    throttle: LoginThrottle
    session_policy: SessionPolicy
    #: The orchestrator's partitions, when the entry point has them (``vsl web``); else None.
    partitions: PartitionPort | None = None

    @classmethod
    def build(cls, settings: Settings, partitions: PartitionPort | None = None) -> WebContext:
        from vsl_assets.web.i18n import install
        from vsl_assets.web.transcript_html import transcript_items

        layout = StorageLayout(settings.storage_root)
        templates = Jinja2Templates(directory=str(HERE / "templates"))
        # Templates are part of the installed code and never change under a running process:
        # without this, Jinja stat()s every template a page uses on every render (the library
        # page includes a partial per card: ~28 stats a page, each one a GIL hand-off under load).
        templates.env.auto_reload = False
        templates.env.bytecode_cache = COMPILED_TEMPLATES
        install(templates.env)
        templates.env.globals["transcript_items"] = transcript_items
        secret = settings.web_secret.get_secret_value() if settings.web_secret is not None else None
        sessions = session_factory(settings.database)
        return cls(
            read_sessions=read_session_factory(sessions),
            settings=settings,
            layout=layout,
            store=store_for(settings),
            signer=Signer(signing_secret(secret, layout.web_secret)),
            sessions=sessions,
            templates=templates,
            throttle=LoginThrottle(sessions),
            session_policy=SessionPolicy(idle_s=settings.web_session_idle_s, max_s=settings.web_session_max_s),
            partitions=partitions,
        )

    def sessions_for(self, method: str) -> sessionmaker[Session]:
        return self.read_sessions if method in SAFE_METHODS else self.sessions

    @property
    def posters(self) -> Path:
        return self.layout.posters

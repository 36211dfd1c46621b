"""What every request needs, built once per app: settings, storage layout, signer, templates.

Nothing here is per-user state: sessions, tokens and login attempts live in the database, so any
worker process or host can answer any request."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session, sessionmaker

from vsl_assets.db.engine import session_factory
from vsl_assets.services.ports import PartitionPort
from vsl_assets.settings import Settings
from vsl_assets.storage import LocalStore, StorageLayout
from vsl_assets.storage.objectstore import store_for
from vsl_assets.web.security import Signer, signing_secret
from vsl_assets.web.sessions import SessionPolicy
from vsl_assets.web.throttle import LoginThrottle

HERE = Path(__file__).parent


@dataclass
class WebContext:
    settings: Settings
    layout: StorageLayout
    #: Where media is read from: the storage root, or the shared object store (then the root
    #: holds only this host's own files: the signing secret and the poster cache).
    store: LocalStore
    signer: Signer
    sessions: sessionmaker[Session]
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
        install(templates.env)
        templates.env.globals["transcript_items"] = transcript_items
        secret = settings.web_secret.get_secret_value() if settings.web_secret is not None else None
        sessions = session_factory(settings.database)
        return cls(
            settings=settings,
            layout=layout,
            store=store_for(settings),
            signer=Signer(signing_secret(secret, layout.root)),
            sessions=sessions,
            templates=templates,
            throttle=LoginThrottle(sessions),
            session_policy=SessionPolicy(idle_s=settings.web_session_idle_s, max_s=settings.web_session_max_s),
            partitions=partitions,
        )

    @property
    def posters(self) -> Path:
        return self.layout.posters

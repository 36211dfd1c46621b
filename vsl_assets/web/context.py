"""What every request needs, built once per app: settings, storage layout, signer, templates."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session, sessionmaker

from vsl_assets.db.engine import session_factory
from vsl_assets.objectstore import store_for
from vsl_assets.services.ports import PartitionPort
from vsl_assets.settings import Settings
from vsl_assets.storage import LocalStore, StorageLayout
from vsl_assets.web.security import Signer, load_secret
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
    #: The orchestrator's partitions, when the entry point has them (``vsl web``); else None.
    partitions: PartitionPort | None = None

    @classmethod
    def build(cls, settings: Settings, partitions: PartitionPort | None = None) -> WebContext:
        from vsl_assets.web.i18n import install

        layout = StorageLayout(settings.storage_root)
        templates = Jinja2Templates(directory=str(HERE / "templates"))
        install(templates.env)
        return cls(
            settings=settings,
            layout=layout,
            store=store_for(settings),
            signer=Signer(load_secret(layout.root)),
            sessions=session_factory(settings.database),
            templates=templates,
            throttle=LoginThrottle(),
            partitions=partitions,
        )

    @property
    def posters(self) -> Path:
        return self.layout.posters

"""Liveness and readiness: answers without a login, touches the database once."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from vsl_assets.db.engine import SCHEMA_HEAD
from vsl_assets.services.schemas import Health
from vsl_assets.web.deps import Db

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz(session: Db) -> Health:
    session.execute(text("SELECT 1"))
    return Health(status="ok", database=session.get_bind().dialect.name, schema_head=SCHEMA_HEAD)

"""Engines and sessions for the application database, migrated to head on first use.

Many processes touch the database at once (the CLI, the sensor, one process per run), so the
engine is set up for that: SQLite in WAL mode with a busy timeout, and the Alembic upgrade runs
under a lock (a file lock for SQLite, an advisory lock for PostgreSQL) and is skipped cheaply
once the schema is at head.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

logger = logging.getLogger(__name__)

_MIGRATIONS = Path(__file__).with_name("migrations")
#: The newest migration's revision; a test keeps it equal to Alembic's head.  Comparing against
#: it lets every process start without importing Alembic (~0.3 s) when the schema is current.
SCHEMA_HEAD = "0016_left18"
_ADVISORY_LOCK_ID = 0x5653_4C00  # "VSL\0"
_lock = threading.Lock()
#: Alembic keeps the running migration's context in module globals (``alembic.context``), so two
#: threads of one process migrating or stamping at once (the app database here, a Dagster storage's
#: new shard in ``defs/sqlite_storage``) remove each other's context (``KeyError: 'config'``). Every
#: alembic call of the product holds this lock, innermost.
ALEMBIC_LOCK = threading.RLock()
_engines: dict[str, Engine] = {}
_sessionmakers: dict[str, sessionmaker[Session]] = {}


def normalise_database_url(url: str) -> str:
    """Accept ``postgres://`` and ``postgresql://`` but drive them with psycopg2 explicitly.

    SQLAlchemy 2.1 no longer guesses the driver the same way dagster-postgres expects.
    """
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg2://" + url[len("postgresql://") :]
    return url


def alembic_config(connection: Any = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def _current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


@contextlib.contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    if engine.dialect.name == "sqlite":
        db_path = engine.url.database
        if not db_path or db_path == ":memory:":
            yield
            return
        lock_path = Path(db_path).with_suffix(".migrate.lock")
        with open(lock_path, "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
    elif engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _ADVISORY_LOCK_ID})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _ADVISORY_LOCK_ID})
    else:
        yield


def migrate(engine: Engine) -> None:
    """Bring the schema to head; a no-op (two cheap queries) when it already is."""
    if _current(engine) == SCHEMA_HEAD:
        return
    with _migration_lock(engine):
        if _current(engine) == SCHEMA_HEAD:
            return
        from alembic import command

        with ALEMBIC_LOCK, engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


#: How long a new PostgreSQL connection waits for a server that refuses connections (restarting).
DB_OUTAGE_S = 60
#: Connection errors that no wait cures.
PERMANENT_CONNECT_ERRORS = ("password authentication failed", "does not exist", "no pg_hba.conf entry")


def wait_out_outages(engine: Any, wait_s: float) -> None:
    """Make ``engine``'s new connections retry a server that is down for up to ``wait_s``."""

    @event.listens_for(engine, "do_connect")
    def connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        deadline = time.monotonic() + wait_s
        delay = 0.25
        while True:
            try:
                return dialect.loaded_dbapi.connect(*cargs, **cparams)
            except dialect.loaded_dbapi.OperationalError as exc:
                message = str(exc)
                if any(word in message for word in PERMANENT_CONNECT_ERRORS) or time.monotonic() + delay > deadline:
                    raise
                logger.warning(
                    "PostgreSQL not accepting connections, trying again in %.1f s: %s", delay, message.strip()
                )
                time.sleep(delay)
                delay = min(delay * 2, 4.0)


def owner_only(path: Path) -> None:
    """The SQLite file holds password and token hashes: created 0600, and tightened to 0600 when an
    older version left it readable by others (SQLite gives its -wal/-shm files the same mode)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077 and path.stat().st_uid == os.getuid():
            os.chmod(path, 0o600)
            for suffix in ("-wal", "-shm"):
                side = path.with_name(path.name + suffix)
                if side.exists() and side.stat().st_uid == os.getuid():
                    os.chmod(side, 0o600)
    else:
        os.close(fd)


#: Connections kept per process.  Each web request holds a connection while it runs: with
#: SQLAlchemy's default 5 the sixth concurrent request in a worker opened a new connection and
#: closed it again on return (a PostgreSQL backend started per request, or SQLite's file opened
#: and its PRAGMAs run), which cost more than the request at 8 concurrent users.  Idle
#: connections are cheap; at most 24 per process (PostgreSQL's default limit is 100 in all:
#: workers x hosts x 24 plus Dagster's must fit, see docs/security.md).
POOL_SIZE = 16
POOL_OVERFLOW = 8
#: A pooled PostgreSQL connection idle this long is pinged before it is handed out (a restart
#: or an idle timeout may have closed it); a connection in steady use is not: the ping was a
#: round trip per request, as costly as the session lookup.  A connection the server dropped
#: while in steady use fails its one statement, and SQLAlchemy then renews the whole pool.
PING_IDLE_S = 5.0
#: Connections older than this are replaced (a server-side idle or lifetime limit never bites).
POOL_RECYCLE_S = 1800
#: Execution option: PostgreSQL joins the statement's tables in the order written instead of
#: searching every order.  For the library's card query (urls left-joined to five one-to-one
#: tables) planning that search cost ~1.8 ms per list against ~0.3 ms to run it; written order
#: (urls first, then each one-to-one table by its unique ``url_id``) is already the best plan.
JOIN_AS_WRITTEN = "vsl_join_as_written"
_SET_JOIN_ORDER = "SET LOCAL join_collapse_limit = 1; "


def ping_when_idle(engine: Engine, idle_s: float) -> None:
    """Pessimistic disconnect handling for idle connections only (see ``PING_IDLE_S``)."""

    @event.listens_for(engine, "checkin")
    def checked_in(_dbapi_conn: Any, record: Any) -> None:
        record.info["vsl_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def checked_out(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("vsl_idle_since")
        if since is None or time.monotonic() - since < idle_s:
            return  # a new connection, or one in steady use
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:
            if engine.dialect.is_disconnect(exc, dbapi_conn, None):
                raise DisconnectionError(str(exc)) from exc  # the pool replaces it and tries again
            raise


#: Execution option for an engine (``engine.execution_options(...)``) whose connections run in
#: autocommit on PostgreSQL: a read then costs no BEGIN and no COMMIT round trip.  Set on the
#: driver (psycopg2's ``autocommit``, no round trip) at checkout and cleared at checkin;
#: SQLAlchemy's own ``isolation_level="AUTOCOMMIT"`` sent a ``SET default_transaction_isolation``
#: on every return to the pool, a round trip as dear as the two it saves.
AUTOCOMMIT = "vsl_autocommit"


def autocommit_when_asked(engine: Engine) -> None:
    """Honour ``AUTOCOMMIT`` (psycopg2)."""

    @event.listens_for(engine, "engine_connect")
    def connected(conn: Any) -> None:
        if conn.get_execution_options().get(AUTOCOMMIT):
            conn.connection.dbapi_connection.autocommit = True

    @event.listens_for(engine, "checkin")
    def checked_in(dbapi_conn: Any, _record: Any) -> None:
        if dbapi_conn is not None and getattr(dbapi_conn, "autocommit", False):
            dbapi_conn.autocommit = False


def join_as_written(engine: Engine) -> None:
    """Honour ``JOIN_AS_WRITTEN`` on PostgreSQL: ``SET LOCAL`` sent in the statement's own round
    trip (a multi-statement query runs as one transaction, so the setting ends with it even in
    autocommit)."""

    @event.listens_for(engine, "before_cursor_execute", retval=True)
    def fixed_order(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
    ) -> tuple[str, Any]:
        if not executemany and context is not None and context.execution_options.get(JOIN_AS_WRITTEN):
            statement = _SET_JOIN_ORDER + statement
        return statement, parameters


#: Execution option: on PostgreSQL (psycopg2), ``core_read`` runs the statement as a named
#: prepared statement (``PREPARE`` once per connection, then ``EXECUTE``), planned once: psycopg2
#: sends every statement as text with its values in it, so PostgreSQL planned the library's page
#: anew on each view (~0.4 ms of its ~1.2 ms per page at 10,000 VSLs, ``benchmarks/bench_web.py``).
#: The value names the bind parameters kept as parameters (``$1``...); every other value is
#: written into the prepared text, so the plan is made for them (a page size, a threshold).  The
#: plan is generic (``plan_cache_mode``): for statements whose best plan does not depend on the
#: parameters kept (a keyset cursor, a token's hash), never for a filter's value.  Behind a
#: connection pooler, prepared statements need its session mode (``docs/operating.md``).
PREPARED = "vsl_prepared"
_GENERIC_PLAN = "SET LOCAL plan_cache_mode = force_generic_plan; "
#: Statements prepared per process: (name, PREPARE text, EXECUTE statement) by statement object
#: (the callers build each once); cleared beyond this many.
_MAX_PREPARED = 256
_prepared: dict[Any, tuple[str, str, Any]] = {}
_prepared_lock = threading.Lock()


def core_read(session: Session, statement: Any, params: dict[str, Any] | None = None) -> Any:
    """Run a Core ``select`` of columns (no ORM entities) on ``session``'s connection, in its
    transaction: the rows are the same as ``session.execute``'s, without the ORM's execution
    layer (~0.15 ms of CPU per statement, a fifth of a library page's Python beyond rendering;
    ``benchmarks/bench_web.py``).  For the reads every request makes: the login lookup, the
    library's page.  A statement with the ``PREPARED`` option runs prepared on PostgreSQL."""
    connection = session.connection()
    keep = statement.get_execution_options().get(PREPARED)
    if keep is not None and getattr(connection.dialect, PREPARED, False):
        return _execute_prepared(connection, statement, keep, params or {})
    return connection.execute(statement, params or {})


def _prepare(connection: Any, statement: Any, keep: tuple[str, ...]) -> tuple[str, str, Any]:
    """(name, ``PREPARE`` text, the ``EXECUTE`` statement typed as ``statement``'s columns); the
    name is the text's digest, so a statement built again is the one already prepared."""
    from psycopg2.extensions import AsIs

    compiled = statement.compile(dialect=connection.dialect)
    values = compiled.construct_params(dict.fromkeys(keep, 0))  # (the kept ones replaced below)
    for key, process in (getattr(compiled, "_bind_processors", None) or {}).items():
        if key in values and key not in keep:
            values[key] = process(values[key])
    values.update({key: AsIs(f"${n}") for n, key in enumerate(keep, 1)})
    with connection.connection.dbapi_connection.cursor() as cursor:
        sql = cursor.mogrify(compiled.string, values).decode()
    name = "vsl_" + hashlib.sha1(sql.encode()).hexdigest()[:20]
    arguments = f"({', '.join(':' + key for key in keep)})" if keep else ""
    execute = (
        text(f"{_GENERIC_PLAN}EXECUTE {name}{arguments}")
        .columns(*statement.selected_columns)
        .execution_options(**{k: v for k, v in statement.get_execution_options().items() if k != PREPARED})
    )
    return name, f"PREPARE {name} AS {sql}", execute


def _execute_prepared(connection: Any, statement: Any, keep: tuple[str, ...], params: dict[str, Any]) -> Any:
    found = _prepared.get(statement)
    if found is None:
        found = _prepare(connection, statement, keep)
        with _prepared_lock:
            if len(_prepared) >= _MAX_PREPARED:
                _prepared.clear()
            _prepared[statement] = found
    name, prepare, execute = found
    pooled = connection.connection
    dbapi = pooled.dbapi_connection
    # Prepared statements live as long as the server's session (a rollback keeps them): what
    # this connection prepared is noted by its backend, so a new one (a reconnect) starts empty.
    backend = dbapi.get_backend_pid()
    done = pooled.info.get(PREPARED)
    if done is None or done[0] != backend:
        done = pooled.info[PREPARED] = (backend, set())
    if name not in done[1]:
        with dbapi.cursor() as cursor:
            cursor.execute(prepare)
        done[1].add(name)
    return connection.execute(execute, params)


def nothing_to_commit(session: Session) -> bool:
    """True when committing and closing ``session`` costs no I/O: no ORM changes pending, and
    its connection has no transaction open on the database (a read in autocommit on
    PostgreSQL; on SQLite the driver begins one only before a write).  The web then finishes a
    read without another trip to its threadpool.  Unknown drivers: False (the safe answer)."""
    if session.new or session.dirty or session.deleted:
        return False
    if not session.in_transaction():
        return True
    dbapi = session.connection().connection.dbapi_connection
    in_transaction = getattr(dbapi, "in_transaction", None)  # sqlite3
    if isinstance(in_transaction, bool):
        return not in_transaction
    status = getattr(getattr(dbapi, "info", None), "transaction_status", None)  # psycopg2
    return status == 0  # idle: no transaction


#: Whether PostgreSQL engines run ``PREPARED`` statements prepared (``VSL_DATABASE_PREPARED_STATEMENTS``:
#: off behind a pooler in transaction mode).  Set from the settings by the front ends
#: (``use_prepared_statements``): the domain below them never reads the settings.
_prepared_on = True


def use_prepared_statements(on: bool) -> None:
    """Turn prepared statements on or off for engines made from now on and those already made."""
    global _prepared_on
    with _lock:
        _prepared_on = on
        for engine in _engines.values():
            if engine.dialect.name == "postgresql":
                setattr(engine.dialect, PREPARED, engine.dialect.driver == "psycopg2" and on)


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite database URL, or None (another backend, or SQLite in memory)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def get_engine(url: str) -> Engine:
    """One migrated engine per URL per process."""
    url = normalise_database_url(url)
    with _lock:
        engine = _engines.get(url)
        if engine is not None:
            return engine
        parsed = make_url(url)
        file = sqlite_file(url)
        kwargs: dict[str, Any] = {}
        if parsed.get_backend_name() != "sqlite" or file is not None:
            kwargs.update(pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)
        if parsed.get_backend_name() == "sqlite":
            if file is not None:
                file.parent.mkdir(parents=True, exist_ok=True)
                owner_only(file)
            kwargs["connect_args"] = {"timeout": 30}
        else:
            kwargs["pool_recycle"] = POOL_RECYCLE_S
        engine = create_engine(url, **kwargs)
        if parsed.get_backend_name() == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        elif parsed.get_backend_name() == "postgresql":
            wait_out_outages(engine, DB_OUTAGE_S)
            ping_when_idle(engine, PING_IDLE_S)
            join_as_written(engine)
            autocommit_when_asked(engine)
            # core_read's PREPARED (psycopg2 only: it writes the prepared text with psycopg2's quoting).
            setattr(engine.dialect, PREPARED, engine.dialect.driver == "psycopg2" and _prepared_on)
        migrate(engine)
        _engines[url] = engine
        return engine


def session_factory(url: str) -> sessionmaker[Session]:
    url = normalise_database_url(url)
    factory = _sessionmakers.get(url)
    if factory is None:
        factory = sessionmaker(get_engine(url), expire_on_commit=False)
        _sessionmakers[url] = factory
    return factory


@contextlib.contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A unit of work on the database at ``url``: commit on success, roll back on any error."""
    with unit_of_work(session_factory(url)) as session:
        yield session


@contextlib.contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A unit of work from ``factory``: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def dispose_all() -> None:
    """Forget cached engines (tests switch databases within one process)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        _sessionmakers.clear()

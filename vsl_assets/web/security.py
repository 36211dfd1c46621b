"""Passwords, API tokens and signed session cookies, from the standard library only.

Passwords are scrypt hashes with a per-user salt; API tokens are random and stored as SHA-256
(they carry 256 bits of entropy, so a slow hash adds nothing); cookies are HMAC-SHA256 signed
with a secret kept in a 0600 file under the storage root, created on first start.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from vsl_assets.storage import atomic_write_bytes

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
TOKEN_PREFIX = "vsl_"
SECRET_FILE = ".web-secret"
#: A login lasts this long (seconds) before it must be made again.
SESSION_MAX_AGE_S = 14 * 24 * 3600


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(
            password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=len(digest) // 2
        )
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(got.hex(), digest)


#: Compared against when the user does not exist, so a wrong name takes as long as a wrong password.
DUMMY_HASH = hash_password(secrets.token_hex(8))


def new_api_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def load_secret(storage_root: Path) -> bytes:
    """The signing key: read from the storage root, created (0600) the first time."""
    path = storage_root / SECRET_FILE
    if not path.exists():
        storage_root.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(32).hex().encode())
                fh.flush()
                os.fsync(fh.fileno())
    data = path.read_bytes().strip()
    if len(data) < 32:
        # An empty or truncated file (a crash between create and write): replace it.
        atomic_write_bytes(path, secrets.token_bytes(32).hex().encode())
        os.chmod(path, 0o600)
        data = path.read_bytes().strip()
    return data


@dataclass(frozen=True)
class SessionData:
    user_id: int
    version: int
    issued: int
    #: Random per login; the CSRF token is derived from it, so it changes with every login.
    nonce: str


class Signer:
    """HMAC-signed, timestamped values (cookies) and the CSRF tokens derived from them."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _mac(self, purpose: str, value: str) -> str:
        mac = hmac.new(self._secret, f"{purpose}:{value}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def session_cookie(self, user_id: int, version: int) -> str:
        value = f"{user_id}.{version}.{int(time.time())}.{secrets.token_urlsafe(16)}"
        return f"{value}.{self._mac('session', value)}"

    def read_session(self, cookie: str | None, max_age_s: int = SESSION_MAX_AGE_S) -> SessionData | None:
        if not cookie or len(cookie) > 512:
            return None
        value, _, mac = cookie.rpartition(".")
        if not value or not hmac.compare_digest(mac, self._mac("session", value)):
            return None
        try:
            user_id, version, issued, nonce = value.split(".")
            data = SessionData(int(user_id), int(version), int(issued), nonce)
        except ValueError:
            return None
        if not 0 <= time.time() - data.issued <= max_age_s:
            return None
        return data

    def csrf_token(self, session_nonce: str) -> str:
        return self._mac("csrf", session_nonce)

    def check_csrf(self, session_nonce: str, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(str(token), self.csrf_token(session_nonce))

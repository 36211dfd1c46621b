"""Passwords, API tokens and signed session cookies, from the standard library only.

Passwords are scrypt hashes with a per-user salt; API tokens are random and stored as SHA-256
(they carry 256 bits of entropy, so a slow hash adds nothing); sessions are
server-side rows (``web_sessions``); CSRF tokens are HMAC-SHA256 with one signing secret: the
``VSL_WEB_SECRET`` setting (the same on every host), else a 0600 file under the storage root
created on first start (shared by the worker processes of one host).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from vsl_assets.storage import atomic_write_bytes

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
TOKEN_PREFIX = "vsl_"


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


def signing_secret(secret: str | None, path: Path) -> bytes:
    """The one signing key: from the settings when given (several hosts), else the host's file
    (``StorageLayout.web_secret``)."""
    if secret:
        if len(secret) < 32:
            raise ValueError("VSL_WEB_SECRET must have at least 32 characters (e.g. `openssl rand -hex 32`)")
        return secret.encode()
    return load_secret(path)


def load_secret(path: Path) -> bytes:
    """The signing key: read from ``path``, created (0600) the first time."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(32).hex().encode())
                fh.flush()
                os.fsync(fh.fileno())
    if path.stat().st_mode & 0o077:  # made by an older version, or copied in by hand: owner only
        os.chmod(path, 0o600)
    data = path.read_bytes().strip()
    if len(data) < 32:
        # An empty or truncated file (a crash between create and write): replace it.
        atomic_write_bytes(path, secrets.token_bytes(32).hex().encode())
        os.chmod(path, 0o600)
        data = path.read_bytes().strip()
    return data


class Signer:
    """HMAC-SHA256 CSRF tokens, derived from a per-session secret."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _mac(self, purpose: str, value: str) -> str:
        mac = hmac.new(self._secret, f"{purpose}:{value}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def csrf_token(self, session_nonce: str) -> str:
        return self._mac("csrf", session_nonce)

    def check_csrf(self, session_nonce: str, token: str | None) -> bool:
        # As bytes: compare_digest refuses (TypeError, a 500) a str that is not ASCII, and the
        # token is whatever the form or header sent.
        expected = self.csrf_token(session_nonce).encode()
        return bool(token) and hmac.compare_digest(str(token).encode("utf-8", "surrogatepass"), expected)

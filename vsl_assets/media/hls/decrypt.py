"""AES-128-CBC segment decryption (``#EXT-X-KEY METHOD=AES-128``), with reasons a person reads."""

from __future__ import annotations

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from vsl_assets.errors import DownloadError


def decrypt(data: bytes, key: bytes, iv: bytes, label: str) -> bytes:
    """AES-128 segments are CBC with PKCS#7 padding (RFC 8216): a wrong key or IV shows up as bad padding."""
    if len(data) % 16:
        raise DownloadError(f"{label} could not be decrypted (its size is not a multiple of 16 bytes)")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    plain = decryptor.update(data) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(plain) + unpadder.finalize()
    except ValueError:
        raise DownloadError(f"{label} could not be decrypted (wrong key or IV)") from None

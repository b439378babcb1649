"""Streaming authenticated encryption of files left on the shared folder (the STREAM construction over
AES-256-GCM).

A file is ``header || chunk_0 || ... || chunk_n``:

* the header is ``MAGIC`` (8 bytes, the last one the format version), the key id (4 bytes, see
  :func:`qaworkstation.core.privacy.keys.key_id`) and a random 16-byte salt;
* each file gets its own key, HKDF-SHA256(team key, salt), so nonces can be a plain counter without any risk
  of reuse across files;
* chunk ``i`` is AES-GCM of up to ``CHUNK_SIZE`` plaintext bytes with the nonce ``i`` (11 bytes) followed by
  one byte that is 1 on the last chunk only, and the header as associated data.

So a modified byte, a chunk moved, dropped or duplicated, a header swapped from another file, or a file cut
short (even exactly at a chunk boundary) or extended all fail authentication, and are reported as
:class:`DecryptionError` naming what is wrong; nothing unauthenticated is ever returned.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..i18n import _
from .keys import key_id

MAGIC = b"QAWSENC\x01"
CHUNK_SIZE = 64 * 1024
_ID_BYTES = 4
_SALT_BYTES = 16
HEADER_SIZE = len(MAGIC) + _ID_BYTES + _SALT_BYTES
_TAG_BYTES = 16
_SEALED_CHUNK = CHUNK_SIZE + _TAG_BYTES
_COUNTER_BYTES = 11
_KDF_INFO = b"qaworkstation stream v1"


class DecryptionError(ValueError):
    """The data cannot be decrypted; the message says why in words a supervisor can act on."""


def is_encrypted(data: bytes) -> bool:
    """Whether ``data`` (or its first bytes) starts like a file written by :func:`encrypt_stream`."""
    return data.startswith(MAGIC[:-1])


def encrypt_stream(key: bytes, plaintext: Iterable[bytes]) -> Iterator[bytes]:
    """Yield the encrypted file piece by piece, holding at most two chunks of plaintext in memory."""
    header = MAGIC + bytes.fromhex(key_id(key)) + secrets.token_bytes(_SALT_BYTES)
    cipher = AESGCM(_file_key(key, header))
    yield header
    pending = b""
    counter = 0
    for piece in plaintext:
        pending += piece
        while len(pending) > CHUNK_SIZE:  # strictly more: the last chunk must be sealed as the last
            yield cipher.encrypt(_nonce(counter, last=False), pending[:CHUNK_SIZE], header)
            pending = pending[CHUNK_SIZE:]
            counter += 1
    yield cipher.encrypt(_nonce(counter, last=True), pending, header)


def decrypt_stream(key: bytes, source: BinaryIO) -> Iterator[bytes]:
    """Yield the plaintext chunk by chunk, each one authenticated before it is yielded.

    A caller that needs all-or-nothing (anything but a progress display) should consume the whole iterator
    before using the data: a truncation is only detectable at the end.
    """
    header = _read_exactly(source, HEADER_SIZE)
    cipher = AESGCM(_file_key(key, _checked_header(key, header)))
    counter = 0
    sealed = _read_exactly(source, _SEALED_CHUNK)
    while True:
        following = _read_exactly(source, _SEALED_CHUNK)
        yield _open_chunk(cipher, counter, sealed, header, last=not following)
        if not following:
            return
        sealed, counter = following, counter + 1


def encrypt_bytes(key: bytes, data: bytes) -> bytes:
    return b"".join(encrypt_stream(key, [data]))


def decrypt_bytes(key: bytes, data: bytes) -> bytes:
    return b"".join(decrypt_stream(key, io.BytesIO(data)))


def file_key_id(data: bytes) -> str | None:
    """The id of the key an encrypted file was written with, from its header; None if it is not one."""
    if not is_encrypted(data) or len(data) < len(MAGIC) + _ID_BYTES:
        return None
    return data[len(MAGIC) : len(MAGIC) + _ID_BYTES].hex()


def _checked_header(key: bytes, header: bytes) -> bytes:
    if not is_encrypted(header):
        raise DecryptionError(_("it is not an encrypted QA Workstation file"))
    if header[: len(MAGIC)] != MAGIC:
        raise DecryptionError(_("it was written by a newer version of the app (format {format})").format(
            format=header[len(MAGIC) - 1]))
    if len(header) < HEADER_SIZE:
        raise DecryptionError(_("it is truncated (the header is incomplete)"))
    written_with = file_key_id(header)
    if written_with != key_id(key):
        raise DecryptionError(_("it is encrypted with a different team key (key {key}; this workstation's team key "
                                "is {own})").format(key=written_with, own=key_id(key)))
    return header


def _open_chunk(cipher: AESGCM, counter: int, sealed: bytes, header: bytes, last: bool) -> bytes:
    if len(sealed) < _TAG_BYTES:
        raise DecryptionError(_("it is truncated (the end of the file is missing)"))
    try:
        return cipher.decrypt(_nonce(counter, last), sealed, header)
    except InvalidTag:
        pass
    if last and _opens(cipher, counter, sealed, header, last=False):
        raise DecryptionError(_("it is truncated (the end of the file is missing)")) from None
    raise DecryptionError(_("it is damaged or was modified (chunk {chunk} fails authentication)").format(
        chunk=counter)) from None


def _opens(cipher: AESGCM, counter: int, sealed: bytes, header: bytes, last: bool) -> bool:
    try:
        cipher.decrypt(_nonce(counter, last), sealed, header)
    except InvalidTag:
        return False
    return True


def _file_key(key: bytes, header: bytes) -> bytes:
    salt = header[-_SALT_BYTES:]
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_KDF_INFO).derive(key)


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(_COUNTER_BYTES, "big") + (b"\x01" if last else b"\x00")


def _read_exactly(source: BinaryIO, size: int) -> bytes:
    """Loop because a read may return less than asked before the end (pipes, network filesystems)."""
    parts, remaining = [], size
    while remaining:
        part = source.read(remaining)
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)

"""Where this workstation's encryption keys live: the OS keyring first, else an environment variable or a
private key file.

Encryption is opt-in per workstation, and "on" simply means a key exists: the ``database`` key encrypts the
local library and team database (SQLCipher), the ``team`` key encrypts the journals published to the shared
folder and must be the same on every workstation of the team (the supervisor hands it out as text).

Lookup order, and why:

1. ``$QAWS_DATABASE_KEY`` / ``$QAWS_TEAM_KEY`` (hex): an explicit override for scripts, kiosks and child
   processes, which must never depend on a desktop session being unlocked;
2. the OS keyring (Windows Credential Locker, macOS Keychain, Secret Service), where keys belong on a desktop;
3. a file ``<name>.key`` readable by its owner only (like an SSH key), for machines with no keyring backend
   (headless Linux). A key file others can read is refused.

Whether a key is in the keyring is recorded by a marker file ``<name>.in-keyring`` (holding the key's id) next
to where the key file would be, in ``$QAWS_KEY_DIR`` or the user's config folder. So a workstation with
encryption off never loads a keyring backend (which costs about a second at start-up), and a key that went
missing from the keyring is an error rather than encryption silently switching off.

Keys are 32 random bytes; only a short id derived from a key (never the key) is written next to encrypted data,
so a wrong key can be named without trying to decrypt.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
import re
import secrets
import stat
from pathlib import Path
from typing import Literal

from platformdirs import user_config_dir

from ..i18n import N_, _

SERVICE = "qaworkstation"
DATABASE_KEY = "database"
TEAM_KEY = "team"
KEY_BYTES = 32
KEY_DIR_ENV = "QAWS_KEY_DIR"
KEY_ENV = {DATABASE_KEY: "QAWS_DATABASE_KEY", TEAM_KEY: "QAWS_TEAM_KEY"}
_KEY_WORDS = {DATABASE_KEY: N_("database"), TEAM_KEY: N_("team")}  # the key names as said in a message

# The default of every ``key`` parameter in the core: "whatever this workstation is configured with", so each
# opener of the library (window, queue child process, command line) agrees without passing keys around.
WORKSTATION = "workstation"
KeyChoice = bytes | None | Literal["workstation"]

_PRIVATE_FILE = 0o600
_PRIVATE_DIR = 0o700
_HEX_SEPARATORS = re.compile(r"[\s:-]")
_log = logging.getLogger(__name__)


class KeyUnavailable(Exception):
    """A key is configured but cannot be used; the message says where it is and what to do."""


def resolve(choice: KeyChoice, name: str) -> bytes | None:
    """The key to use: ``choice`` itself, or this workstation's key ``name`` (None: encryption is off)."""
    if choice == WORKSTATION:
        return load_key(name)
    if choice is not None and len(choice) != KEY_BYTES:
        raise KeyUnavailable(_("an encryption key must be {expected} bytes, not {count}").format(
            expected=KEY_BYTES, count=len(choice)))
    return choice


def load_key(name: str) -> bytes | None:
    """This workstation's key ``name`` from the environment, the keyring or the key file, or None."""
    text = os.environ.get(KEY_ENV[name], "").strip()
    if text:
        return parse_key_text(text, f"${KEY_ENV[name]}")
    marker = _keyring_marker(name)
    if marker.exists():
        return _key_from_keyring(name, marker)
    return _read_key_file(key_file(name))


def save_key(name: str, key: bytes) -> str:
    """Keep ``key`` as this workstation's key ``name``; returns where it went, worded for the user.

    The keyring is preferred; without a working backend the key goes to a file only its owner can read.
    """
    if len(key) != KEY_BYTES:
        raise KeyUnavailable(_("an encryption key must be {expected} bytes, not {count}").format(
            expected=KEY_BYTES, count=len(key)))
    if _keyring_set(name, key_text(key)):
        _write_private(_keyring_marker(name), key_id(key) + "\n")
        _remove(key_file(name))
        return f"the system keyring ({SERVICE}/{name})"
    _write_private(key_file(name), key_text(key) + "\n")
    _remove(_keyring_marker(name))
    return str(key_file(name))


def ensure_key(name: str) -> bytes:
    """This workstation's key ``name``, created and saved first if there is none: how encryption is switched
    on. An existing key is never replaced, since whatever it encrypted would become unreadable."""
    key = load_key(name)
    if key is None:
        key = new_key()
        save_key(name, key)
    return key


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def key_text(key: bytes) -> str:
    """The form a supervisor reads out or pastes to hand the team key to an inspector."""
    return key.hex()


def parse_key_text(text: str, source: str = "the key") -> bytes:
    """Accept the hex form with any spaces, dashes or colons people add when copying it."""
    cleaned = _HEX_SEPARATORS.sub("", text)
    try:
        key = bytes.fromhex(cleaned)
    except ValueError:
        raise KeyUnavailable(_("{source} is not a valid key: expected {digits} hexadecimal digits").format(
            source=source, digits=KEY_BYTES * 2)) from None
    if len(key) != KEY_BYTES:
        raise KeyUnavailable(_("{source} is not a valid key: {count} bytes instead of {expected}").format(
            source=source, count=len(key), expected=KEY_BYTES))
    return key


def key_id(key: bytes) -> str:
    """A short public name for ``key`` (8 hex digits): lets an error say "encrypted with key 1a2b3c4d, yours is
    5e6f7a8b" without revealing anything about the key."""
    return hmac.new(key, b"qaworkstation key id", hashlib.sha256).hexdigest()[:8]


def key_file(name: str) -> Path:
    return _key_dir() / f"{name}.key"


def _keyring_marker(name: str) -> Path:
    return _key_dir() / f"{name}.in-keyring"


def _key_dir() -> Path:
    return Path(os.environ.get(KEY_DIR_ENV) or Path(user_config_dir("qaworkstation")) / "keys")


def _key_from_keyring(name: str, marker: Path) -> bytes:
    import keyring
    from keyring.errors import KeyringError

    where = _("the system keyring ({entry})").format(entry=f"{SERVICE}/{name}")
    said = _(_KEY_WORDS.get(name, name))
    try:
        text = keyring.get_password(SERVICE, name)
    except (KeyringError, RuntimeError) as err:
        raise KeyUnavailable(_("the {name} key is kept in {where}, which cannot be reached ({error})").format(
            name=said, where=where, error=err)) from err
    if not text:
        raise KeyUnavailable(_("encryption is on ({marker} says so) but {where} holds no {name} key; restore it "
                               "from your backup of the key").format(marker=marker, where=where, name=said))
    key = parse_key_text(text, where)
    expected = marker.read_text(encoding="ascii").strip()
    if expected and key_id(key) != expected:
        raise KeyUnavailable(_("{where} holds key {key}, not the key {expected} this workstation's data was "
                               "encrypted with; restore the right key from your backup of it").format(
            where=where, key=key_id(key), expected=expected))
    return key


def _keyring_set(name: str, text: str) -> bool:
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(SERVICE, name, text)
    except (KeyringError, RuntimeError) as err:
        _log.info("No usable keyring (%s); keeping the key in a private file instead", err)
        return False
    return True


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _read_key_file(path: Path) -> bytes | None:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyUnavailable(
            _("{file} can be read by other users, so the key in it is refused; run chmod 600 on it (and treat the "
              "key as leaked if others could really read it)").format(file=path)
        )
    try:
        return parse_key_text(path.read_text(encoding="ascii"), str(path))
    except (OSError, UnicodeDecodeError) as err:
        raise KeyUnavailable(_("{file} could not be read ({error})").format(file=path, error=err)) from err


def _write_private(path: Path, text: str) -> None:
    """Created with owner-only permissions from the start, so the key is never readable by others even
    for a moment; an existing key is replaced only after the new one is on disk."""
    path.parent.mkdir(mode=_PRIVATE_DIR, parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _PRIVATE_FILE)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise

"""Encryption at rest: keys in the keyring (or their fallbacks), the library on SQLCipher, journals on the share
sealed with streaming AES-GCM; wrong keys and damaged files give clean errors; a canary never leaks."""

from __future__ import annotations

import io
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
import sqlite_utils
from keyring.backend import KeyringBackend
from keyring.backends import fail

from qaworkstation.core.domain import SUBMITTED, Evaluation, Flag, ItemScore, Segment, Word
from qaworkstation.core.library.migrations import SCHEMA_VERSION
from qaworkstation.core.library.sqlite_file import encrypt_database, open_connection
from qaworkstation.core.library.store import Store, StoreError
from qaworkstation.core.privacy import encryption, keys
from qaworkstation.core.privacy.encryption import CHUNK_SIZE, HEADER_SIZE, DecryptionError, decrypt_bytes, encrypt_bytes
from qaworkstation.core.scoring import lifecycle, roles
from qaworkstation.core.team.aggregate import TeamDatabase, TeamDatabaseError, aggregate
from qaworkstation.core.team.sync import EVALUATIONS_CSV, MANIFEST_NAME, read_synced_evaluations, sync_evaluations

SEALED_CHUNK = CHUNK_SIZE + 16
CANARY_PHONE = "13912345678"
CANARY_ID = "11010519491231002X"


class MemoryKeyring(KeyringBackend):
    """A keyring that forgets everything with the test: the OS keyring must never see test keys."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """A headless machine: keyring's API answers, but no backend can store anything."""
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def _recording(store: Store, sha: str = "a" * 64) -> str:
    recording_id, _ = store.add_recording({"sha256": sha, "path": "/calls/c.wav", "file_name": "c.wav",
                                           "duration": 30.0, "channels": 2, "samplerate": 8000, "agent": "A1",
                                           "team": "T"})
    return recording_id


def _evaluation(recording_id: str, comment: str = "ok", rubric_id: str = "r") -> Evaluation:
    return Evaluation(id="", recording_id=recording_id, rubric_id=rubric_id, inspector="ins", comment=comment,
                      items={"a": ItemScore("a", 3.0, False, "late greeting", reviewed=True),
                             "b": ItemScore("b", None, True, reviewed=True)},
                      total=3.0, max_total=5.0, passed=True)


def _shared_evaluation(number: int) -> Evaluation:
    """Submitted, because only released versions reach the share."""
    return Evaluation(id=f"ev-{number}", recording_id=f"rec-{number}", rubric_id="r", inspector="张三",
                      items={"a": ItemScore("a", 2.0, reviewed=True)}, comment="语气友好", total=2.0, max_total=5.0, passed=True,
                      created_at=f"2024-05-01T09:00:0{number}Z", updated_at=f"2024-05-01T09:00:0{number}Z",
                      agent="王小明", team="一组", call_time="2024-04-30T15:20:00", status=SUBMITTED)


# ------------------------------------------------------------------------------------- streaming AEAD


@pytest.mark.parametrize("size", [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 17])
def test_stream_round_trips_at_every_chunk_boundary(size: int) -> None:
    key, data = keys.new_key(), os.urandom(size)
    sealed = encrypt_bytes(key, data)
    assert decrypt_bytes(key, sealed) == data
    assert len(sealed) == HEADER_SIZE + (size // CHUNK_SIZE + (1 if size % CHUNK_SIZE or not size else 0)) * 16 + size


def test_stream_is_encrypted_in_pieces_and_survives_short_reads() -> None:
    key, data = keys.new_key(), os.urandom(2 * CHUNK_SIZE + 5)
    pieces = [data[i : i + 1000] for i in range(0, len(data), 1000)]
    sealed = b"".join(encryption.encrypt_stream(key, pieces))

    class Trickle(io.BytesIO):
        def read(self, size: int = -1) -> bytes:  # a network filesystem returning less than asked
            return super().read(min(size, 777))

    assert b"".join(encryption.decrypt_stream(key, Trickle(sealed))) == data
    assert encrypt_bytes(key, data) != encrypt_bytes(key, data)  # a fresh salt, so a fresh file key, each time


def _chunks(sealed: bytes) -> tuple[bytes, list[bytes]]:
    body = sealed[HEADER_SIZE:]
    return sealed[:HEADER_SIZE], [body[i : i + SEALED_CHUNK] for i in range(0, len(body), SEALED_CHUNK)]


def _tampered_files(key: bytes) -> dict[str, bytes]:
    sealed = encrypt_bytes(key, os.urandom(3 * CHUNK_SIZE + 100))
    header, chunks = _chunks(sealed)
    other_header, _ = _chunks(encrypt_bytes(key, b"other file"))
    flipped = bytearray(sealed)
    flipped[HEADER_SIZE + 5000] ^= 0x01
    return {
        "truncated at a chunk boundary": header + b"".join(chunks[:2]),
        "truncated mid-chunk": sealed[: HEADER_SIZE + SEALED_CHUNK + 300],
        "header only": header,
        "reordered": header + chunks[1] + chunks[0] + chunks[2] + chunks[3],
        "chunk dropped": header + chunks[0] + chunks[2] + chunks[3],
        "chunk duplicated": header + chunks[0] + chunks[0] + chunks[1] + chunks[2] + chunks[3],
        "extended": sealed + b"more",
        "one bit flipped": bytes(flipped),
        "header from another file": other_header + b"".join(chunks),
    }


@pytest.mark.parametrize("damage", list(_tampered_files(keys.new_key())))
def test_damaged_truncated_or_reordered_files_fail_cleanly(damage: str) -> None:
    key = keys.new_key()
    with pytest.raises(DecryptionError, match="truncated|damaged or was modified"):
        decrypt_bytes(key, _tampered_files(key)[damage])


def test_nothing_unauthenticated_is_ever_yielded() -> None:
    key = keys.new_key()
    sealed = encrypt_bytes(key, b"x" * (2 * CHUNK_SIZE))
    header, chunks = _chunks(sealed)
    yielded = []
    with pytest.raises(DecryptionError):
        for piece in encryption.decrypt_stream(key, io.BytesIO(header + chunks[0] + chunks[0][:-1] + b"?")):
            yielded.append(piece)
    assert len(yielded) == 1  # the first chunk was authentic; the forged second one was never returned


def test_wrong_key_and_foreign_files_are_named_clearly() -> None:
    mine, theirs = keys.new_key(), keys.new_key()
    sealed = encrypt_bytes(theirs, b"journal")
    with pytest.raises(DecryptionError, match=f"different team key.*{keys.key_id(theirs)}.*{keys.key_id(mine)}"):
        decrypt_bytes(mine, sealed)
    with pytest.raises(DecryptionError, match="not an encrypted"):
        decrypt_bytes(mine, b'{"id": "plain json"}\n')
    with pytest.raises(DecryptionError, match="newer version"):
        decrypt_bytes(mine, encryption.MAGIC[:-1] + b"\x09" + sealed[8:])


# ---------------------------------------------------------------------------------------------- keys


def test_keys_go_to_the_keyring_with_a_marker_and_come_back(memory_keyring: MemoryKeyring) -> None:
    key = keys.new_key()
    where = keys.save_key(keys.TEAM_KEY, key)
    assert "keyring" in where and keys.load_key(keys.TEAM_KEY) == key
    assert memory_keyring.secrets[(keys.SERVICE, keys.TEAM_KEY)] == keys.key_text(key)
    assert not keys.key_file(keys.TEAM_KEY).exists()  # the key itself never touches the disk


def test_a_key_missing_from_the_keyring_is_an_error_not_encryption_off(memory_keyring: MemoryKeyring) -> None:
    keys.save_key(keys.DATABASE_KEY, keys.new_key())
    memory_keyring.secrets.clear()  # a new user profile, a wiped keychain
    with pytest.raises(keys.KeyUnavailable, match="holds no database key"):
        keys.load_key(keys.DATABASE_KEY)
    keys.save_key(keys.DATABASE_KEY, keys.new_key())
    memory_keyring.secrets[(keys.SERVICE, keys.DATABASE_KEY)] = keys.key_text(keys.new_key())
    with pytest.raises(keys.KeyUnavailable, match="not the key"):
        keys.load_key(keys.DATABASE_KEY)


def test_without_a_keyring_backend_the_key_goes_to_a_private_file(no_keyring: None) -> None:
    key = keys.ensure_key(keys.DATABASE_KEY)
    path = keys.key_file(keys.DATABASE_KEY)
    assert path.stat().st_mode & 0o777 == 0o600
    assert keys.load_key(keys.DATABASE_KEY) == key and keys.ensure_key(keys.DATABASE_KEY) == key
    path.chmod(0o644)
    with pytest.raises(keys.KeyUnavailable, match="other users.*chmod 600"):
        keys.load_key(keys.DATABASE_KEY)


def test_the_environment_overrides_and_bad_keys_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    key = keys.new_key()
    monkeypatch.setenv("QAWS_TEAM_KEY", " ".join(keys.key_text(key)[i : i + 8] for i in range(0, 64, 8)))
    assert keys.load_key(keys.TEAM_KEY) == key
    monkeypatch.setenv("QAWS_TEAM_KEY", "not a key")
    with pytest.raises(keys.KeyUnavailable, match="QAWS_TEAM_KEY is not a valid key"):
        keys.load_key(keys.TEAM_KEY)
    assert keys.load_key(keys.DATABASE_KEY) is None  # nothing configured: encryption is off


# ------------------------------------------------------------------------------------------ database


def test_every_sqlite_utils_call_the_project_uses_works_on_sqlcipher(tmp_path: Path) -> None:
    path, key = tmp_path / "calls.sqlite3", keys.new_key()
    db = sqlite_utils.Database(open_connection(path, key))
    db.execute("PRAGMA foreign_keys = ON")
    db.enable_wal()
    db.executescript("CREATE TABLE r (id TEXT PRIMARY KEY, n INTEGER, t TEXT);"
                     "CREATE TABLE c (id INTEGER PRIMARY KEY, r_id TEXT REFERENCES r(id), v REAL);"
                     "CREATE TABLE p (a TEXT, b TEXT, v TEXT, PRIMARY KEY (a, b))")
    with db.atomic():
        db["r"].insert({"id": "x", "n": 1, "t": "一"})
        db["r"].insert_all({"id": f"y{i}", "n": i, "t": "二"} for i in range(50))
        assert db["c"].insert({"r_id": "x", "v": 1.5}).last_pk == 1
        db["c"].insert_all({"r_id": "y1", "v": float(i)} for i in range(3))
        db["p"].upsert({"a": "1", "b": "2", "v": "old"}, pk=("a", "b"))
        db["p"].upsert({"a": "1", "b": "2", "v": "new"}, pk=("a", "b"))
        db["r"].update("x", {"n": 99})
        db.execute("DELETE FROM r WHERE id = ?", ("y49",))
    with pytest.raises(RuntimeError), db.atomic():
        db["r"].insert({"id": "rolled back", "n": 0, "t": ""})
        raise RuntimeError
    assert list(db.query("SELECT n, t FROM r WHERE id = :id", {"id": "x"})) == [{"n": 99, "t": "一"}]
    assert list(db.query("SELECT v FROM p")) == [{"v": "new"}]
    assert db["r"].count == 50 and db["c"].count == 4
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert [row["foreign_keys"] for row in db.query("PRAGMA foreign_keys")] == [1]
    db.execute("PRAGMA user_version = 7")
    db.close()
    reopened = sqlite_utils.Database(open_connection(path, key))
    assert reopened["r"].count == 50 and reopened.execute("PRAGMA user_version").fetchone()[0] == 7
    reopened.close()


def test_encrypted_library_round_trips_every_store_call(tmp_path: Path) -> None:
    path, key = tmp_path / "library.sqlite3", keys.new_key()
    store = Store(path, key=key)
    recording_id = _recording(store)
    store.update_recording(recording_id, agent="A2")
    segments = [Segment("agent", 0.0, 1.0, "您好", [Word(0.0, 0.5, "您", 0.9), Word(0.5, 1.0, "好", 0.8)], "zh")]
    store.save_transcript(recording_id, "k", "m", {"beam": 5}, "zh", segments)
    store.save_analysis(recording_id, "r", [Flag("forbidden", "喂", "喂", "agent", 0, 1, "a", 2.0)], [], risk=0.5)
    store.save_draft(recording_id, "r", "ins", {"comment": "typing"})
    saved = store.save_evaluation(_evaluation(recording_id))
    store.close()

    again = Store(path, key=key)
    assert again.encrypted and again.schema_version == SCHEMA_VERSION
    assert again.recording(recording_id)["agent"] == "A2"
    assert again.cached_segments("k") == (segments, "zh")
    assert [f.phrase for f in again.flags(recording_id, "r")] == ["喂"]
    assert [row["id"] for row in again.list_recordings(rubric_id="r")] == [recording_id]
    assert again.evaluation(recording_id, "r", "ins").id == saved.id
    assert again.draft(recording_id, "r", "ins") is None
    assert again.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    again.close()
    assert not path.read_bytes().startswith(b"SQLite format 3")


def test_wrong_key_is_a_clean_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    Store(path, key=keys.new_key()).close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match=r"library\.sqlite3: the encryption key is wrong"):
        Store(path, key=keys.new_key())
    with pytest.raises(StoreError, match=r"library\.sqlite3: cannot open the library: it is encrypted"):
        Store(path, key=None)
    assert path.read_bytes() == before


def test_wrong_key_on_the_team_database_is_a_team_database_error(tmp_path: Path) -> None:
    path = tmp_path / "team.sqlite3"
    TeamDatabase(path, key=keys.new_key()).close()
    with pytest.raises(TeamDatabaseError, match="key is wrong"):
        TeamDatabase(path, key=keys.new_key())


def test_workstation_key_is_used_by_default(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    key = keys.ensure_key(keys.DATABASE_KEY)
    Store(tmp_path / "library.sqlite3").close()  # what the window, the queue child and the CLI all do
    assert Store(tmp_path / "library.sqlite3", key=key).encrypted
    with pytest.raises(StoreError, match="key is wrong"):
        Store(tmp_path / "library.sqlite3", key=keys.new_key())


def test_a_plain_library_is_refused_with_a_key_until_converted(tmp_path: Path) -> None:
    path, key = tmp_path / "library.sqlite3", keys.new_key()
    plain = Store(path, key=None)
    recording_id = _recording(plain)
    plain.save_evaluation(_evaluation(recording_id))
    plain.close()
    with pytest.raises(StoreError, match="is not encrypted, but encryption is on"):
        Store(path, key=key)

    encrypt_database(path, key)

    converted = Store(path, key=key)
    assert converted.schema_version == SCHEMA_VERSION
    assert converted.evaluation(recording_id, "r", "ins").items["a"].score == 3.0
    converted.close()
    assert not path.read_bytes().startswith(b"SQLite format 3")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# ------------------------------------------------------------------------------------------ journals


@pytest.fixture
def share(tmp_path: Path) -> Path:
    folder = tmp_path / "share"
    folder.mkdir()
    return folder


def test_encrypted_sync_writes_only_sealed_journals_and_says_so(share: Path) -> None:
    key = keys.new_key()
    evaluations = [_shared_evaluation(n) for n in (1, 2)]
    result = sync_evaluations(share, "张三", evaluations, key=key)
    folder = share / "张三"
    assert result.ok and "no CSV files are written while encryption is on" in result.message
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 2 and names[0].endswith(".jsonl.enc") and names[1] == MANIFEST_NAME
    manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["key_id"] == keys.key_id(key) and keys.key_text(key) not in json.dumps(manifest)
    found, problems = read_synced_evaluations(share, key=key)
    assert (found, problems) == (evaluations, [])
    assert sync_evaluations(share, "张三", evaluations, key=key).written == []  # up to date stays quiet


def test_encrypted_journals_with_a_wrong_or_missing_key_are_problems_not_data(share: Path) -> None:
    key = keys.new_key()
    sync_evaluations(share, "张三", [_shared_evaluation(1)], key=key)
    found, problems = read_synced_evaluations(share, key=keys.new_key())
    assert found == [] and len(problems) == 1
    assert ".jsonl.enc: cannot be decrypted: it is encrypted with a different team key" in problems[0]
    found, problems = read_synced_evaluations(share, key=None)
    assert found == [] and "this workstation has no team key" in problems[0]


def test_a_tampered_journal_is_reported_and_the_others_still_read(share: Path) -> None:
    key = keys.new_key()
    sync_evaluations(share, "张三", [_shared_evaluation(1)], key=key)
    sync_evaluations(share, "张三", [_shared_evaluation(1), _shared_evaluation(2)], key=key)
    first = sorted((share / "张三").glob("*.enc"))[0]
    data = bytearray(first.read_bytes())
    data[-1] ^= 0x80
    first.write_bytes(bytes(data))
    found, problems = read_synced_evaluations(share, key=key)
    assert [ev.id for ev in found] == ["ev-2"]
    assert any("damaged or was modified" in p for p in problems)


def test_switching_encryption_on_reexports_everything_and_removes_plain_files(share: Path) -> None:
    evaluations = [_shared_evaluation(n) for n in (1, 2, 3)]
    assert sync_evaluations(share, "张三", evaluations, key=None).ok
    folder = share / "张三"
    assert (folder / EVALUATIONS_CSV).exists()
    key = keys.new_key()

    result = sync_evaluations(share, "张三", evaluations, key=key)

    assert result.ok and result.changed_count == 3 and "Removed 3 unencrypted files" in result.message
    assert sorted(p.suffix for p in folder.iterdir()) == [".enc", ".json"]
    assert read_synced_evaluations(share, key=key) == (evaluations, [])


def test_a_missing_team_key_fails_the_sync_cleanly(share: Path, memory_keyring: MemoryKeyring) -> None:
    keys.save_key(keys.TEAM_KEY, keys.new_key())
    memory_keyring.secrets.clear()
    result = sync_evaluations(share, "张三", [_shared_evaluation(1)])
    assert not result.ok and "holds no team key" in result.message and list(share.iterdir()) == []


def test_aggregation_decrypts_with_the_team_key_and_retries_after_a_wrong_one(share: Path, tmp_path: Path) -> None:
    key = keys.new_key()
    sync_evaluations(share, "张三", [_shared_evaluation(1), _shared_evaluation(2)], key=key)
    team_db = TeamDatabase(tmp_path / "team.sqlite3", key=None)
    wrong = aggregate(share, team_db, key=keys.new_key())
    assert wrong.added == 0 and "different team key" in str(wrong.problems[0])
    right = aggregate(share, team_db, key=key)
    assert (right.added, right.problems) == (2, [])
    assert aggregate(share, team_db, key=key).journals_read == 0
    team_db.close()


# ---------------------------------------------------------------------------------------------- canary


def _plant_canary(store: Store) -> None:
    """The canary in the transcript, the flags, the draft and a submitted evaluation's comment: submitted, so
    that sync publishes it and the share has something to leak."""
    roles.ensure_user(store, "ins")  # the library's first user: allowed to score and submit
    recording_id = _recording(store)
    text = f"我的手机号是{CANARY_PHONE}，身份证号{CANARY_ID}"
    words = [Word(0.0, 1.0, CANARY_PHONE, 0.9), Word(1.0, 2.0, CANARY_ID, 0.9)]
    store.save_transcript(recording_id, "k", "m", {}, "zh", [Segment("customer", 0.0, 2.0, text, words, "zh")])
    store.save_analysis(recording_id, "r", [Flag("pii", CANARY_PHONE, text, "customer", 0.0, 2.0, None)], [])
    store.save_draft(recording_id, "r", "ins", {"comment": text})
    lifecycle.save_and_submit(store, _evaluation(recording_id, comment=text), "ins")


def _canary_hits(folders: list[Path]) -> dict[str, int]:
    hits = {}
    for folder in folders:
        for path in (p for p in folder.rglob("*") if p.is_file()):
            data = path.read_bytes()
            count = sum(data.count(canary.encode(encoding)) for canary in (CANARY_PHONE, CANARY_ID)
                        for encoding in ("utf-8", "utf-16-le"))
            if count:
                hits[str(path.relative_to(folder.parent))] = count
    return hits


@pytest.mark.parametrize("encrypted", [True, False], ids=["encrypted", "plain-control"])
def test_canary_never_appears_in_the_files_when_encryption_is_on(tmp_path: Path, encrypted: bool) -> None:
    library, share, backups = tmp_path / "library", tmp_path / "share", tmp_path / "backups"
    share.mkdir()
    backups.mkdir()
    database_key, team_key = (keys.new_key(), keys.new_key()) if encrypted else (None, None)
    store = Store(library / "library.sqlite3", key=database_key)
    _plant_canary(store)
    assert (library / "library.sqlite3-wal").stat().st_size > 0  # the rows are still in the WAL
    assert sync_evaluations(share, "ins", store.evaluations(), key=team_key).ok
    published, problems = read_synced_evaluations(share, key=team_key)  # the canary went out, sealed or not
    assert problems == [] and [CANARY_PHONE in ev.comment for ev in published] == [True]
    store.backup(backups / "library-backup.sqlite3")
    while_open = _canary_hits([library, share, backups])
    files = sorted(p.name for folder in (library, share, backups) for p in folder.rglob("*") if p.is_file())
    store.close()
    after_close = _canary_hits([library, share, backups])

    if encrypted:
        assert (while_open, after_close) == ({}, {}), f"canary found in {while_open or after_close}"
        print(f"canary: 0 occurrences in {len(files)} files ({', '.join(files)})")
    else:  # the control proves the byte search finds the canary where it is stored in the clear
        assert any(name.endswith(("-wal", ".sqlite3")) for name in while_open) and any(
            name.startswith("share") for name in while_open)


def test_sqlite3_module_cannot_read_an_encrypted_library(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    store = Store(path, key=keys.new_key())
    _recording(store)
    store.close()
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(path).execute("SELECT * FROM recordings").fetchall()


def test_settings_show_which_keys_this_workstation_holds(qtbot, no_keyring: None, tmp_path: Path) -> None:  # noqa: ANN001
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QLabel

    from qaworkstation.ui.settings_dialog import SettingsDialog

    team_key = keys.new_key()
    keys.save_key(keys.TEAM_KEY, team_key)
    dialog = SettingsDialog(QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat), "qa01")
    qtbot.addWidget(dialog)
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert f"encrypted, key {keys.key_id(team_key)}" in texts
    assert "not encrypted (switch on with: qaws encrypt)" in texts

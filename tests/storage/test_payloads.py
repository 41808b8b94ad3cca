"""FilePayloadStore: staging with a size limit, durable files, inline rows, reading back."""

from __future__ import annotations

import errno
import hashlib
import io
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from adapters.storage import FilePayloadStore
from adapters.storage.tables import PayloadRow
from core.ports import PayloadTooLarge

SMALL = b"<Bericht>" + b"x" * 7000 + b"</Bericht>"
LARGE = os.urandom(300 * 1024)


class CountingStream(io.BytesIO):
    """A stream that records how many bytes were read from it."""

    def __init__(self, content: bytes):
        super().__init__(content)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def staging_files(root: Path) -> list[Path]:
    folder = root / "staging"
    return list(folder.iterdir()) if folder.is_dir() else []


def inline_rows(engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(PayloadRow))


def persist(sql_env, staged) -> None:
    with Session(sql_env.engine) as session, session.begin():
        sql_env.payloads.persist(staged, session)


def test_stage_keeps_small_payload_in_memory(tmp_path):
    payloads = FilePayloadStore(tmp_path)

    staged = payloads.stage(io.BytesIO(SMALL), 1_000_000)

    assert staged.sha256 == hashlib.sha256(SMALL).hexdigest()
    assert staged.size == len(SMALL)
    assert staged.content == SMALL
    assert staged.path is None
    assert staging_files(tmp_path) == []


def test_stage_spools_large_payload_to_staging(tmp_path):
    payloads = FilePayloadStore(tmp_path, inline_limit=1000)

    staged = payloads.stage(io.BytesIO(LARGE), 10_000_000)

    assert staged.sha256 == hashlib.sha256(LARGE).hexdigest()
    assert staged.size == len(LARGE)
    assert staged.path.read_bytes() == LARGE
    assert staged.path.parent == tmp_path / "staging"


def test_stage_accepts_exactly_the_limit(tmp_path):
    payloads = FilePayloadStore(tmp_path)

    staged = payloads.stage(io.BytesIO(SMALL), len(SMALL))

    assert staged.size == len(SMALL)


def test_stage_stops_reading_past_limit(tmp_path):
    payloads = FilePayloadStore(tmp_path)
    stream = CountingStream(LARGE)

    with pytest.raises(PayloadTooLarge) as raised:
        payloads.stage(stream, 1000)

    assert raised.value.limit == 1000
    assert stream.bytes_read == 1001
    assert staging_files(tmp_path) == []


def test_discard_removes_staged_copy(tmp_path):
    payloads = FilePayloadStore(tmp_path, inline_limit=1000)
    staged = payloads.stage(io.BytesIO(LARGE), 10_000_000)

    payloads.discard(staged)
    payloads.discard(staged)

    assert not staged.path.exists()


def test_open_unknown_or_malformed_hash_raises(tmp_path):
    payloads = FilePayloadStore(tmp_path)

    with pytest.raises(KeyError):
        payloads.open("0" * 64)
    with pytest.raises(KeyError):
        payloads.open("../../etc/passwd")


def test_large_payload_written_to_hash_path(sql_env):
    staged = sql_env.payloads.stage(io.BytesIO(LARGE), 10_000_000)

    persist(sql_env, staged)
    sql_env.payloads.discard(staged)

    target = sql_env.payloads.root / "sha256" / staged.sha256[:2] / staged.sha256[2:4] / staged.sha256
    assert target.read_bytes() == LARGE
    assert inline_rows(sql_env.engine) == 0
    with sql_env.payloads.open(staged.sha256) as stream:
        assert stream.read() == LARGE


def test_small_payload_kept_inline(sql_env):
    staged = sql_env.payloads.stage(io.BytesIO(SMALL), 1_000_000)

    persist(sql_env, staged)
    sql_env.payloads.discard(staged)

    assert not sql_env.payloads.path_for(staged.sha256).exists()
    assert inline_rows(sql_env.engine) == 1
    with sql_env.payloads.open(staged.sha256) as stream:
        assert stream.read() == SMALL


def test_same_payload_kept_once(sql_env):
    first = sql_env.payloads.stage(io.BytesIO(SMALL), 1_000_000)
    again = sql_env.payloads.stage(io.BytesIO(SMALL), 1_000_000)
    large = sql_env.payloads.stage(io.BytesIO(LARGE), 10_000_000)
    large_again = sql_env.payloads.stage(io.BytesIO(LARGE), 10_000_000)

    for staged in (first, again, large, large_again):
        persist(sql_env, staged)

    assert inline_rows(sql_env.engine) == 1
    folder = sql_env.payloads.path_for(large.sha256).parent
    assert [p.name for p in folder.iterdir()] == [large.sha256]


def test_inline_limit_zero_keeps_all_on_disk(sql_env):
    payloads = FilePayloadStore(sql_env.payloads.root, engine=sql_env.engine, inline_limit=0)
    staged = payloads.stage(io.BytesIO(SMALL), 1_000_000)

    with Session(sql_env.engine) as session, session.begin():
        payloads.persist(staged, session)

    assert payloads.path_for(staged.sha256).read_bytes() == SMALL
    assert inline_rows(sql_env.engine) == 0


def test_without_engine_small_payload_on_disk(tmp_path, sql_env):
    payloads = FilePayloadStore(tmp_path / "files")
    staged = payloads.stage(io.BytesIO(SMALL), 1_000_000)

    with Session(sql_env.engine) as session, session.begin():
        payloads.persist(staged, session)

    with payloads.open(staged.sha256) as stream:
        assert stream.read() == SMALL
    assert inline_rows(sql_env.engine) == 0


def test_copy_when_hard_links_fail(sql_env, monkeypatch):
    def refuse_link(source, target):
        raise OSError(errno.EPERM, "hard links not permitted")

    monkeypatch.setattr(os, "link", refuse_link)
    staged = sql_env.payloads.stage(io.BytesIO(LARGE), 10_000_000)

    persist(sql_env, staged)
    sql_env.payloads.discard(staged)

    target = sql_env.payloads.path_for(staged.sha256)
    assert target.read_bytes() == LARGE
    assert [p.name for p in target.parent.iterdir()] == [staged.sha256]


def test_rolled_back_inline_payload_is_gone(sql_env):
    staged = sql_env.payloads.stage(io.BytesIO(SMALL), 1_000_000)

    with Session(sql_env.engine) as session:
        session.begin()
        sql_env.payloads.persist(staged, session)
        session.rollback()

    with pytest.raises(KeyError):
        sql_env.payloads.open(staged.sha256)

"""The sealed stream backups are written in: however the bytes arrive, the same chunks, and they open."""

from __future__ import annotations

import io
import itertools

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import given
from hypothesis import strategies as st

from app import sealed
from app.sealed import Damaged, SealedReader, SealedWriter

KEY = bytes(range(32))
HEADER = b"header"
SMALL_CHUNK = 16  # the real one is 1 MiB: the same code, exercised on small writes


def sealed_at_once(data: bytes) -> bytes:
    """The format written out plainly: full chunks while more than a chunk is left, then the final one."""
    aead, out, counter, start = AESGCM(KEY), b"", 0, 0
    while len(data) - start > SMALL_CHUNK:
        out += aead.encrypt(counter.to_bytes(11, "big") + b"\x00", data[start : start + SMALL_CHUNK], HEADER)
        counter, start = counter + 1, start + SMALL_CHUNK
    return out + aead.encrypt(counter.to_bytes(11, "big") + b"\x01", data[start:], HEADER)


def pieces(data: bytes, cuts: list[int]) -> list[bytes]:
    bounds = sorted({min(cut, len(data)) for cut in cuts} | {0, len(data)})
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


@given(
    data=st.binary(max_size=5 * SMALL_CHUNK + 3),
    cuts=st.lists(st.integers(min_value=0, max_value=5 * SMALL_CHUNK + 3), max_size=8),
    as_memoryview=st.booleans(),
)
def test_any_way_of_writing_the_bytes_seals_the_same_chunks_and_they_open(
    data: bytes, cuts: list[int], as_memoryview: bool
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sealed, "CHUNK", SMALL_CHUNK)
        out = io.BytesIO()
        writer = SealedWriter(out, KEY, HEADER)
        for piece in pieces(data, cuts):
            assert writer.write(memoryview(piece) if as_memoryview else bytearray(piece)) == len(piece)
        assert writer.tell() == len(data)
        writer.finish()
        assert out.getvalue() == sealed_at_once(data)
        reader = SealedReader(io.BytesIO(out.getvalue()), KEY, HEADER)
        assert reader.read() == data


def test_a_stream_cut_at_a_chunk_boundary_does_not_open() -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sealed, "CHUNK", SMALL_CHUNK)
        out = io.BytesIO()
        writer = SealedWriter(out, KEY, HEADER)
        writer.write(b"x" * (3 * SMALL_CHUNK))
        writer.finish()
        cut = out.getvalue()[: 2 * (SMALL_CHUNK + sealed.TAG)]
        with pytest.raises(Damaged):
            SealedReader(io.BytesIO(cut), KEY, HEADER).read()


@given(
    data=st.binary(max_size=5 * SMALL_CHUNK + 3),
    moves=st.lists(
        st.tuples(st.sampled_from(["read", "seek", "skip"]), st.integers(min_value=0, max_value=2 * SMALL_CHUNK)),
        max_size=10,
    ),
)
def test_the_reader_says_where_it_is_and_seeks_forward_as_a_file_would(
    data: bytes, moves: list[tuple[str, int]]
) -> None:
    """What tarfile's plain read mode needs of it (the restore reads the archive so): ``tell``, and
    ``seek`` to where it is or further on, the bytes then read being the file's at that place."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sealed, "CHUNK", SMALL_CHUNK)
        out = io.BytesIO()
        writer = SealedWriter(out, KEY, HEADER)
        writer.write(data)
        writer.finish()
        reader, plain = SealedReader(io.BytesIO(out.getvalue()), KEY, HEADER), io.BytesIO(data)
        for move, amount in moves:
            if move == "read":
                assert reader.read(amount) == plain.read(amount)
            elif move == "seek":
                target = min(plain.tell() + amount, len(data))
                assert reader.seek(target) == plain.seek(target)
            else:
                assert reader.seek(amount, io.SEEK_CUR) == plain.seek(min(plain.tell() + amount, len(data)))
            assert reader.tell() == plain.tell()
        if reader.tell():
            with pytest.raises(io.UnsupportedOperation):
                reader.seek(reader.tell() - 1)
        assert reader.read() == plain.read()

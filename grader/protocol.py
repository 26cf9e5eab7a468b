"""The wire format between the grader and its worker process.

A frame is a 4-byte big-endian header length, a JSON header, then the raw bytes of every array
the header mentions, in order. No pickle: the parent decodes what an untrusted process wrote, so
decoding may only ever build plain data (None, numbers, strings, tuples, lists, dicts, arrays).
"""
from __future__ import annotations

import json
import os
import struct
from dataclasses import dataclass

import numpy as np

# Arrays of these kinds only; an object array could smuggle anything.
_ALLOWED_KINDS = {"b", "i", "u", "f", "c"}
MAX_HEADER_BYTES = 8 << 20
MAX_ARRAY_BYTES = 1 << 30
MAX_DEPTH = 8
MAX_ITEMS = 10_000
MAX_STR = 2_000


class ProtocolError(Exception):
    """A frame that does not follow the format (a broken or hostile peer)."""


@dataclass(frozen=True)
class Remote:
    """A handle on an object that lives in the worker."""
    id: int


@dataclass(frozen=True)
class Opaque:
    """A value the worker could not send as data: only its type name travels."""
    type_name: str

    def __repr__(self) -> str:
        return f"<{self.type_name} object>"


# ---- encoding -----------------------------------------------------------------------------

def encode_parts(message: dict) -> list:
    """The frame as a list of buffers: length prefix, JSON header, then each array's memory.

    Arrays are not copied: a training step's gradients go from numpy to the pipe via writev.
    """
    arrays: list[np.ndarray] = []
    header = {k: _describe(v, arrays, 0) for k, v in message.items()}
    head = json.dumps(header, allow_nan=True).encode()
    return [struct.pack(">I", len(head)), head] + [memoryview(a).cast("B") for a in arrays if a.size]


def encode(message: dict) -> bytes:
    """Turn a message whose values may hold arrays into one frame."""
    return b"".join(encode_parts(message))


def _describe(value, arrays: list, depth: int):
    if depth > MAX_DEPTH:
        return {"t": "object", "type": "nested too deep"}
    if value is None:
        return {"t": "none"}
    if isinstance(value, Remote):
        return {"t": "ref", "id": value.id}
    if isinstance(value, (bool, np.bool_)):
        return {"t": "bool", "v": bool(value)}
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        arr = np.asarray(value)
        if arr.dtype.kind not in _ALLOWED_KINDS:
            return {"t": "object", "type": f"ndarray of {arr.dtype}"}
        arr = np.ascontiguousarray(arr)
        arrays.append(arr)
        return {"t": "array", "dtype": arr.dtype.str, "shape": list(arr.shape),
                "scalar": isinstance(value, np.generic)}
    if type(value) is int:
        return {"t": "int", "v": value} if abs(value) < 2**62 else {"t": "float", "v": float(value)}
    if type(value) is float:
        return {"t": "float", "v": value}
    if type(value) is str:
        return {"t": "str", "v": value[:MAX_STR]}
    if type(value) in (tuple, list):
        items = [_describe(v, arrays, depth + 1) for v in value[:MAX_ITEMS]]
        return {"t": type(value).__name__, "items": items}
    if type(value) is dict:
        items = [[str(k)[:MAX_STR], _describe(v, arrays, depth + 1)]
                 for k, v in list(value.items())[:MAX_ITEMS]]
        return {"t": "dict", "items": items}
    return {"t": "object", "type": _type_name(value)}


def _type_name(value) -> str:
    cls = type(value)
    module = getattr(cls, "__module__", "") or ""
    name = getattr(cls, "__qualname__", "object")
    return f"{module}.{name}" if module not in ("builtins", "") else str(name)


# ---- decoding (runs in the trusted parent on untrusted bytes) ---------------------------

def decode(frame: bytes) -> dict:
    if len(frame) < 4:
        raise ProtocolError("frame shorter than its length prefix")
    (n,) = struct.unpack(">I", frame[:4])
    if n > MAX_HEADER_BYTES or 4 + n > len(frame):
        raise ProtocolError("bad header length")
    try:
        header = json.loads(frame[4:4 + n])
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(f"header is not JSON: {exc}") from None
    if not isinstance(header, dict):
        raise ProtocolError("header is not an object")
    reader = _ArrayReader(memoryview(frame)[4 + n:])
    message = {str(k): _build(v, reader, 0) for k, v in header.items()}
    if reader.offset != len(reader.data):
        raise ProtocolError("trailing bytes after the last array")
    return message


class _ArrayReader:
    def __init__(self, data: memoryview):
        self.data = data
        self.offset = 0

    def take(self, dtype: np.dtype, shape: tuple) -> np.ndarray:
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        size = count * dtype.itemsize
        if size > MAX_ARRAY_BYTES or self.offset + size > len(self.data):
            raise ProtocolError("array bytes missing or too large")
        chunk = self.data[self.offset:self.offset + size]
        self.offset += size
        # A copy, so the array owns writable memory and outlives the frame.
        return np.frombuffer(chunk, dtype=dtype, count=count).reshape(shape).copy()


def _build(node, reader: _ArrayReader, depth: int):
    if depth > MAX_DEPTH + 1 or not isinstance(node, dict):
        raise ProtocolError("malformed value")
    kind = node.get("t")
    if kind == "none":
        return None
    if kind == "bool":
        return bool(node.get("v"))
    if kind == "int":
        v = node.get("v")
        if type(v) is not int:
            raise ProtocolError("malformed int")
        return v
    if kind == "float":
        v = node.get("v")
        if type(v) not in (int, float):
            raise ProtocolError("malformed float")
        return float(v)
    if kind == "str":
        return str(node.get("v", ""))[:MAX_STR]
    if kind == "ref":
        v = node.get("id")
        if type(v) is not int:
            raise ProtocolError("malformed ref")
        return Remote(v)
    if kind == "object":
        return Opaque(str(node.get("type", "object"))[:200])
    if kind == "array":
        try:
            dtype = np.dtype(str(node["dtype"]))
            shape = tuple(int(s) for s in node["shape"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ProtocolError(f"malformed array: {exc}") from None
        if dtype.kind not in _ALLOWED_KINDS or dtype.hasobject or any(s < 0 for s in shape):
            raise ProtocolError(f"array of a forbidden dtype {dtype}")
        if len(shape) > 32:
            raise ProtocolError("array with too many dimensions")
        arr = reader.take(dtype, shape)
        if node.get("scalar"):
            return arr.reshape(())[()]
        return arr
    if kind in ("tuple", "list"):
        items = node.get("items")
        if not isinstance(items, list) or len(items) > MAX_ITEMS:
            raise ProtocolError("malformed sequence")
        built = [_build(v, reader, depth + 1) for v in items]
        return tuple(built) if kind == "tuple" else built
    if kind == "dict":
        items = node.get("items")
        if not isinstance(items, list) or len(items) > MAX_ITEMS:
            raise ProtocolError("malformed dict")
        out = {}
        for pair in items:
            if not isinstance(pair, list) or len(pair) != 2:
                raise ProtocolError("malformed dict item")
            out[str(pair[0])] = _build(pair[1], reader, depth + 1)
        return out
    raise ProtocolError(f"unknown value kind {kind!r}")


# ---- framing over raw file descriptors -------------------------------------------------

def write_frame(fd: int, message: dict) -> None:
    parts = encode_parts(message)
    total = sum(len(p) for p in parts)
    pending = [memoryview(struct.pack(">Q", total))] + [memoryview(p) for p in parts]
    while pending:
        written = os.writev(fd, pending[:512])
        while written:
            if written >= len(pending[0]):
                written -= len(pending[0])
                pending.pop(0)
            else:
                pending[0] = pending[0][written:]
                written = 0


def read_exact(fd: int, n: int) -> bytes:
    """Blocking read of exactly n bytes (the worker side; the parent reads with deadlines)."""
    chunks = []
    while n:
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            raise EOFError("peer closed the channel")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int) -> dict:
    (n,) = struct.unpack(">Q", read_exact(fd, 8))
    return decode(read_exact(fd, n))

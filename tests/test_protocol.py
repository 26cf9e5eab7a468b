"""The wire format: plain data round-trips; anything else is refused, never executed."""
import json
import struct

import numpy as np
import pytest

from grader import protocol
from grader.protocol import Opaque, ProtocolError, Remote


def roundtrip(value):
    return protocol.decode(protocol.encode({"value": value}))["value"]


def test_plain_values_round_trip():
    value = {"a": [1, 2.5, None, True, "text"], "b": (Remote(3),)}
    assert roundtrip(value) == {"a": [1, 2.5, None, True, "text"], "b": (Remote(3),)}


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.uint8, np.bool_])
def test_arrays_keep_dtype_shape_and_values(dtype):
    arr = (np.arange(24).reshape(2, 3, 4) % 3).astype(dtype)
    back = roundtrip(arr)
    assert back.dtype == arr.dtype and back.shape == arr.shape
    np.testing.assert_array_equal(back, arr)
    back[0, 0, 0] = 1  # the decoded array owns writable memory


def test_numpy_scalars_stay_scalars_and_nan_survives():
    assert roundtrip(np.float64(2.5)) == 2.5
    assert np.isnan(roundtrip(float("nan")))


def test_objects_travel_as_type_names_only():
    class Sneaky:
        pass
    assert roundtrip(Sneaky()).type_name.endswith("Sneaky")
    assert isinstance(roundtrip(np.array([object()], dtype=object)), Opaque)


def _frame(header: dict, payload: bytes = b"") -> bytes:
    head = json.dumps(header).encode()
    return struct.pack(">I", len(head)) + head + payload


@pytest.mark.parametrize("frame", [
    b"\x00\x00",
    _frame({"value": {"t": "array", "dtype": "|O", "shape": [1]}}, b"\x00" * 8),
    _frame({"value": {"t": "array", "dtype": "<f8", "shape": [4]}}, b"\x00" * 8),
    _frame({"value": {"t": "pickle", "v": "cos\nsystem\n"}}),
    _frame({"value": {"t": "int", "v": "12"}}),
    _frame({"value": {"t": "none"}}, b"trailing"),
])
def test_malformed_or_dangerous_frames_are_refused(frame):
    with pytest.raises(ProtocolError):
        protocol.decode(frame)

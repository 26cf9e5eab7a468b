"""Judging one returned value against the trusted expectation.

Every function here either returns quietly or raises CheckFailed carrying a Message, a
Comparison (expected against got, with the quantity named) and, where the wrong answer bears a
recognisable relation to the right one, a diagnosis in words.
"""
from __future__ import annotations

import numbers

import numpy as np

from grader.reference import relative_error
from grader.results import Comparison, Message

GRADIENT_THRESHOLD = 1e-6   # analytic vs central difference, float64, inputs away from kinks
VALUE_THRESHOLD = 1e-7      # forward values vs closed forms


class CheckFailed(Exception):
    def __init__(self, message: Message, comparison: Comparison | None = None,
                 diagnosis: Message | None = None):
        super().__init__(message.key)
        self.message = message
        self.comparison = comparison
        self.diagnosis = diagnosis


def preview(value, entries: int = 4) -> str:
    """A few entries of an array, enough to see a pattern without flooding the report."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return _num(value[()])
    if isinstance(value, np.ndarray):
        flat = value.reshape(-1)
        shown = ", ".join(_num(v) for v in flat[:entries])
        more = ", ..." if flat.size > entries else ""
        return f"shape {tuple(value.shape)}: [{shown}{more}]"
    if isinstance(value, (numbers.Number, np.generic)):
        return _num(value)
    return repr(value)[:120]


def _num(v) -> str:
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    try:
        return f"{float(v):.6g}"
    except (TypeError, ValueError):
        return repr(v)[:40]


def as_array(value, method: str, quantity: str, attribute: str | None = None) -> np.ndarray:
    """The value as a float64 array, or CheckFailed saying what came back instead.

    `attribute` names where the value was read (e.g. "Affine.dW") when it is not a return value.
    """
    if value is None:
        if attribute:
            raise CheckFailed(Message("attribute_none", {"method": method, "quantity": quantity,
                                                         "attribute": attribute}))
        raise CheckFailed(Message("returned_none", {"method": method, "quantity": quantity}))
    if isinstance(value, (tuple, list)) and not attribute:
        # `return out, self.mask`: the value wanted is probably among the items, so say so.
        raise CheckFailed(Message("returned_sequence", {
            "method": method, "quantity": quantity, "type": type(value).__name__, "count": len(value),
            "items": ", ".join(_type_of(v) for v in value[:4]) + (", ..." if len(value) > 4 else "")}),
            Comparison(quantity, "one array or number", preview(value)))
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (np.ndarray, numbers.Number, np.generic)):
        raise CheckFailed(Message("wrong_type", {"method": method, "quantity": quantity,
                                                 "type": _type_of(value)}))
    arr = np.asarray(value)
    if arr.dtype.kind == "c":
        raise CheckFailed(Message("wrong_type", {"method": method, "quantity": quantity,
                                                 "type": "complex array"}))
    return arr.astype(np.float64, copy=False)  # replies are fresh arrays already: no second copy


def _type_of(value) -> str:
    from grader.protocol import Opaque
    if isinstance(value, Opaque):
        return value.type_name
    if isinstance(value, np.ndarray):
        return f"ndarray {tuple(value.shape)}" if value.ndim else f"ndarray of {value.dtype}"
    return type(value).__name__


def expect_close(value, expected, *, method: str, quantity: str,
                 threshold: float = GRADIENT_THRESHOLD, batch_size: int | None = None,
                 allow_scalar_broadcast: bool = False, attribute: str | None = None,
                 gradient: bool = True) -> np.ndarray:
    """Raise CheckFailed unless value matches expected (shape and values) within threshold.

    `gradient=False` for forward values (out, loss): notes about gradients are not offered."""
    got = as_array(value, method, quantity, attribute)
    expected = np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        if allow_scalar_broadcast and got.size == 1 and expected.size == 1:
            got = got.reshape(expected.shape)
        else:
            raise CheckFailed(
                Message("wrong_shape", {"method": method, "quantity": quantity,
                                        "got": str(tuple(got.shape)), "expected": str(tuple(expected.shape))}),
                Comparison(quantity, preview(expected), preview(got)),
                diagnose_shape(got, expected))
    if not np.all(np.isfinite(got)):
        raise CheckFailed(Message("not_finite", {"method": method, "quantity": quantity}),
                          Comparison(quantity, preview(expected), preview(got)))
    errors = relative_error(got, expected)
    worst = float(errors.max()) if errors.size else 0.0
    if worst > threshold:
        where = np.unravel_index(int(errors.argmax()), errors.shape) if errors.ndim else ()
        at = "[" + ", ".join(str(int(i)) for i in where) + "]"
        raise CheckFailed(
            Message("wrong_values", {"method": method, "quantity": quantity,
                                     "error": worst, "threshold": threshold}),
            Comparison(quantity, preview(expected), preview(got), worst, threshold,
                       f"{at}: {_num(expected[where])} / {_num(got[where])}"),
            diagnose_values(got, expected, threshold=max(threshold, 1e-6), batch_size=batch_size,
                            gradient=gradient))
    return got


def _close(a: np.ndarray, b: np.ndarray, threshold: float = 1e-5) -> bool:
    try:
        return a.shape == b.shape and float(relative_error(a, b).max(initial=0.0)) <= threshold
    except (TypeError, ValueError):
        return False


def diagnose_shape(got: np.ndarray, expected: np.ndarray) -> Message | None:
    """Name what a wrong-shaped answer is, only where its values show it: a note that guesses
    from the shape alone (a scalar `np.sum(dout)` is not a collapsed batch axis) misleads."""
    if got.ndim == 2 and got.shape == expected.shape[::-1]:
        if _close(got.T, expected):
            return Message("diag_transposed", {})
        return Message("diag_transposed_shape", {})
    if got.size == 1 and expected.size > 1:
        if _close(got.reshape(()), np.asarray(expected.sum())):
            return Message("diag_summed_every_axis", {})
        if _close(got.reshape(()), np.asarray(expected.mean())):
            return Message("diag_averaged_every_axis", {})
        return None     # one number where many are needed: its cause is not in the number
    if got.size == expected.size:
        if _close(got.reshape(expected.shape), expected):
            return Message("diag_reshaped", {"got": str(tuple(got.shape)), "expected": str(tuple(expected.shape))})
        return None
    if expected.ndim >= 2 and got.shape == expected.shape[1:]:
        if _close(got, expected.sum(axis=0)):
            return Message("diag_summed_batch", {})
        if _close(got, expected.mean(axis=0)):
            return Message("diag_averaged_batch", {})
        return None
    if got.ndim >= 2 and expected.shape == got.shape[1:] and _close(got.sum(axis=0), expected):
        return Message("diag_not_summed", {})
    return None


def diagnose_values(got: np.ndarray, expected: np.ndarray, *, threshold: float,
                    batch_size: int | None = None, gradient: bool = True) -> Message | None:
    """Name a simple relation between a wrong answer and the right one, if there is one.

    `gradient`: the quantity is a gradient (all zeros then suggests one never returned or
    stored); a forward value of zeros says nothing of the kind."""
    def close(a, b) -> bool:
        return float(relative_error(a, b).max()) <= threshold * 10

    if not np.any(expected):
        return None
    if not np.any(got):
        return Message("diag_all_zero", {}) if gradient else None
    if close(-got, expected):
        return Message("diag_sign", {})
    if got.ndim == 2 and got.shape[0] == got.shape[1] and close(got.T, expected):
        return Message("diag_transposed", {})
    factor = float(np.sum(got * expected) / np.sum(expected * expected))
    if factor and abs(factor - 1) > 1e-3 and close(got, factor * expected):
        if batch_size and batch_size > 1 and abs(factor - batch_size) < 1e-6 * batch_size:
            return Message("diag_missing_batch_division", {"batch": batch_size})
        if batch_size and batch_size > 1 and abs(factor * batch_size - 1) < 1e-6:
            return Message("diag_extra_batch_division", {"batch": batch_size})
        # Any single number is "a constant factor" times another: a factor is evidence only
        # where several different entries all show it.
        if np.unique(expected[expected != 0]).size >= 2:
            return Message("diag_factor", {"factor": factor})
    return None

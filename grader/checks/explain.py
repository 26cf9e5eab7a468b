"""Explanations that need more than one check's arrays, given only where their evidence holds.

A note about a backward ("every entry is zero: not returned or stored?") assumes the forward
before it is right; where the forward check failed, the note is dropped. An exception is
reported as it happened (type, message, the student's lines); some have a cause the grader can
establish from what else it knows, and then one sentence says it:

- Affine on an (N, C, H, W) input fails in the product after the (N, D) checks passed: the
  tensor is not flattened to (N, -1).
- TwoLayerNet.gradient fails inside a layer's backward called from a loop that walks
  self.layers from the first layer to the last: the layers are not reversed.
"""
from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

from grader import source
from grader.results import CheckResult, Message, State

# Notes about a backward that hold only when the forward it follows is right.
_ASSUMES_RIGHT_FORWARD = {"diag_all_zero"}
# The hint step that fits a diagnosis (the rest of a failure shows the first step).
_HINT_FOR = {
    "diag_reciprocal_not_squared": ("sigmoid_graph", 2), "diag_exp_times_input": ("sigmoid_graph", 2),
    "diag_graph_without_dout": ("sigmoid_graph", 3),
    "diag_dx_after_update": ("modular_network", 2), "diag_no_update": ("modular_network", 2),
    "diag_softmax_elementwise": ("modular_network", 4),
    "diag_network_forward_chain": ("modular_network", 3), "diag_train_step_layer": ("modular_network", 3),
    "diag_train_step_loss": ("modular_network", 3),
}
# numpy's words for operands whose shapes do not fit a product
_SHAPE_ERRORS = ("not aligned", "mismatch in its core dimension", "could not be broadcast")


def explain_error(result: CheckResult, earlier: list, submission: Path) -> CheckResult:
    """`result` with a diagnosis (and the hint step that fits) where its cause is established,
    and without one whose evidence does not hold; `earlier`: the results of this exercise's
    checks that ran before it."""
    passed = {c.check for c in earlier if c.state is State.PASSED}
    if (result.diagnosis is not None and result.diagnosis.key in _ASSUMES_RIGHT_FORWARD
            and "forward" not in passed and any(c.check == "forward" for c in earlier)):
        # All zeros from a backward whose forward is wrong says nothing about backward itself.
        return replace(result, diagnosis=None)
    if result.diagnosis is not None and result.diagnosis.key in _HINT_FOR and result.hint is None:
        return replace(result, hint=_hint(*_HINT_FOR[result.diagnosis.key]))
    if result.state is not State.ERROR or result.diagnosis is not None or not result.exception:
        return result
    shape_error = result.exception.startswith("ValueError") and any(
        words in result.exception for words in _SHAPE_ERRORS)
    if not shape_error:
        return result
    if result.exercise == "Affine" and result.check == "tensor_input" and {"forward", "backward"} <= passed:
        return replace(result, diagnosis=Message("diag_flatten_tensor", {}), hint=_hint("Affine", 5))
    if result.exercise == "TwoLayerNet" and _walks_layers_forwards(result, submission):
        return replace(result, diagnosis=Message("diag_layers_not_reversed", {}), hint=_hint("TwoLayerNet", 2))
    return result


def _hint(exercise: str, step: int) -> Message:
    """The catalogue's hint `step` (1 = the first) for `exercise`, as the report should show it."""
    return Message("hint_step", {"exercise": exercise, "step": step})


def _walks_layers_forwards(result: CheckResult, submission: Path) -> bool:
    """The exception passed through a layer's `backward` called from `gradient`, on a line inside
    a loop over self.layers that is not reversed."""
    frames = list(result.location)
    callers = [i for i, f in enumerate(frames) if f.function == "gradient"]
    if not callers or callers[-1] + 1 >= len(frames) or frames[callers[-1] + 1].function != "backward":
        return False
    frame = frames[callers[-1]]
    try:
        tree = source.parse(submission / frame.file, frame.file)
    except (source.SourceProblem, SyntaxError, ValueError):
        return False
    for loop in ast.walk(tree):
        if isinstance(loop, ast.For) and loop.lineno <= frame.line <= (loop.end_lineno or loop.lineno):
            if _over_layers_in_order(loop.iter) and not _reversed_elsewhere(tree, loop):
                return True
    return False


def _over_layers_in_order(expression) -> bool:
    """`self.layers.values()`, `list(self.layers.values())`, `self.layers` ... but not
    `reversed(...)` nor `[::-1]`."""
    mentions_layers = any(isinstance(n, ast.Attribute) and n.attr == "layers" for n in ast.walk(expression))
    reverses = any((isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "reversed")
                   or (isinstance(n, ast.Slice) and n.step is not None)
                   for n in ast.walk(expression))
    return mentions_layers and not reverses


def _reversed_elsewhere(tree, loop: ast.For) -> bool:
    """A `.reverse()` call in the same function before the loop (then the order is reversed)."""
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef) and fn.lineno <= loop.lineno <= (fn.end_lineno or fn.lineno):
            return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "reverse"
                       and n.lineno < loop.lineno for n in ast.walk(fn))
    return False

"""Worker-side helpers for layouts: run only inside the worker, reached through its `function` op.

Like the rest of the worker they decide nothing: `run_script` sends back what a script printed
(as text, which the parent parses and judges), `wire_apple_orange` sends back the six numbers the
student's own MulLayer and AddLayer give on the book's graph, `apple_orange_edges` the number on
each of its edges.
"""
from __future__ import annotations

import importlib
import runpy
import sys

PRINTED_LIMIT = 20_000   # characters of a script's stdout sent back for parsing


class _Tee:
    """Keeps the start of what is written and passes everything on, so the report still shows it."""

    def __init__(self, stream):
        self.stream = stream
        self.kept: list[str] = []
        self.size = 0

    def write(self, text):
        text = str(text)
        if self.size < PRINTED_LIMIT:
            self.kept.append(text[:PRINTED_LIMIT - self.size])
            self.size += len(self.kept[-1])
        try:
            return self.stream.write(text)
        except Exception:
            return len(text)

    def flush(self):
        try:
            self.stream.flush()
        except Exception:
            pass

    def __getattr__(self, name):
        return getattr(self.stream, name)


def run_script(module: str) -> str:
    """Run `module` (found on sys.path, as `python buy_apple_orange.py` would from its folder) as
    __main__ and return what it printed to sys.stdout."""
    tee = _Tee(sys.stdout)
    saved_stdout, saved_argv = sys.stdout, sys.argv
    sys.stdout = tee
    try:
        sys.argv = [module + ".py"]
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    finally:
        sys.stdout, sys.argv = saved_stdout, saved_argv
    return "".join(tee.kept)


def wire_apple_orange(mul_module: str, add_module: str, apple, apple_num, orange, orange_num, tax):
    """The book's graph of 5.4.2 from the student's layers: two products, their sum, the tax.
    Returns [price, dapple, dapple_num, dorange, dorange_num, dtax]."""
    edges = {}
    _wire(mul_module, add_module, (apple, apple_num, orange, orange_num, tax), edges)
    return [edges["price"][0], edges["apple"][1], edges["apple_num"][1], edges["orange"][1],
            edges["orange_num"][1], edges["tax"][1]]


def apple_orange_edges(mul_module: str, add_module: str, apple, apple_num, orange, orange_num, tax):
    """The same graph's value on every edge, {edge id: [forward, backward]} (the edge ids of
    grader.graph.values), each a float or None: as far as the student's layers got, for the
    parent to draw and judge. An exception in their code ends the wiring there, quietly: the check
    that called this reports the layers' own failures."""
    edges: dict = {}
    try:
        _wire(mul_module, add_module, (apple, apple_num, orange, orange_num, tax), edges)
    except Exception:
        pass
    return {edge: [_float(v) for v in pair] for edge, pair in edges.items()}


def _float(value):
    """One number as a float; None for anything else (an array of several, None, an object)."""
    try:
        if getattr(value, "size", None) == 1 and hasattr(value, "item"):
            value = value.item()      # a 0-d or one-element array, without numpy's deprecation
        return float(value)
    except Exception:
        return None


def _wire(mul_module, add_module, args, edges: dict) -> None:
    """Fill `edges` ({edge id: [forward, backward]}) value by value, forward then backward."""
    apple, apple_num, orange, orange_num, tax = args
    mul_layer = getattr(importlib.import_module(mul_module), "MulLayer")
    add_layer = getattr(importlib.import_module(add_module), "AddLayer")
    for name, value in zip(("apple", "apple_num", "orange", "orange_num", "tax"), args):
        edges[name] = [value, None]
    apples, oranges, fruit, taxed = mul_layer(), mul_layer(), add_layer(), mul_layer()
    edges["apple_price"] = [apples.forward(apple, apple_num), None]
    edges["orange_price"] = [oranges.forward(orange, orange_num), None]
    edges["all_price"] = [fruit.forward(edges["apple_price"][0], edges["orange_price"][0]), None]
    edges["price"] = [taxed.forward(edges["all_price"][0], tax), 1]
    edges["all_price"][1], edges["tax"][1] = taxed.backward(1)
    edges["apple_price"][1], edges["orange_price"][1] = fruit.backward(edges["all_price"][1])
    edges["apple"][1], edges["apple_num"][1] = apples.backward(edges["apple_price"][1])
    edges["orange"][1], edges["orange_num"][1] = oranges.backward(edges["orange_price"][1])

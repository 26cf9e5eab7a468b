"""Worker-side helpers for layouts: run only inside the worker, reached through its `function` op.

Like the rest of the worker they decide nothing: `run_script` sends back what a script printed
(as text, which the parent parses and judges), `wire_apple_orange` sends back the six numbers the
student's own MulLayer and AddLayer give on the book's graph.
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
    mul_layer = getattr(importlib.import_module(mul_module), "MulLayer")
    add_layer = getattr(importlib.import_module(add_module), "AddLayer")
    apples, oranges, fruit, taxed = mul_layer(), mul_layer(), add_layer(), mul_layer()
    price = taxed.forward(fruit.forward(apples.forward(apple, apple_num),
                                        oranges.forward(orange, orange_num)), tax)
    dfruit, dtax = taxed.backward(1)
    dapples, doranges = fruit.backward(dfruit)
    dapple, dapple_num = apples.backward(dapples)
    dorange, dorange_num = oranges.backward(doranges)
    return [price, dapple, dapple_num, dorange, dorange_num, dtax]

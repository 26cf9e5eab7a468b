"""A network from modules (extra `modular_network`): each module alone, then XOR learnt.

Linear's dx is compared with central differences at the weights forward used, and its own SGD
step with W - lr * dW computed here from the arrays the worker sent (before and after), to 1e-10:
the same arithmetic in another order, nothing else. Sigmoid, ReLU, MSELoss and Softmax are
compared with closed forms and central differences. The network learns XOR from the student's
own modules; whether it learnt is decided here, from its outputs on the four points.
"""
from __future__ import annotations

import numpy as np

from grader import reference
from grader.checks.context import CheckContext, away_from_zero
from grader.compare import (GRADIENT_THRESHOLD, VALUE_THRESHOLD, CheckFailed, as_array, diagnose_values,
                            expect_close, preview)
from grader.reference import relative_error
from grader.results import Comparison, Message

EXERCISE = "modular_network"
LEARNING_RATE = 0.1
UPDATE_THRESHOLD = 1e-10     # W after the step: only the order of the sums may differ
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_T = np.array([[0.0], [1.0], [1.0], [0.0]])
XOR_HIDDEN, XOR_RATE, XOR_STEPS = 8, 2.0, 2000   # the solution learns it in a few hundred steps
                                                   # for every one of 1000 seeds tried


def _module(ctx: CheckContext) -> str:
    return ctx.module_of(EXERCISE)


def _close(a, b, threshold: float = 1e-6) -> bool:
    return (isinstance(a, np.ndarray) and a.shape == np.shape(b)
            and float(relative_error(a.astype(float), b).max()) < threshold)


def _linear_before(ctx: CheckContext, sizes=(4, 3), batch: int = 5):
    """A fresh Linear that has run forward on x: (layer, x, W, b) with W, b as forward used them."""
    layer = ctx.new(_module(ctx), "Linear", *sizes)
    W = as_array(ctx.attribute(layer, "Linear.W"), "Linear.__init__", "W", attribute="Linear.W")
    b = as_array(ctx.attribute(layer, "Linear.b"), "Linear.__init__", "b", attribute="Linear.b")
    x = ctx.rng.normal(size=(batch, sizes[0]))
    out = ctx.call(layer, "Linear.forward", x)
    expect_close(out, x @ W + b, method="Linear.forward", quantity="out", threshold=VALUE_THRESHOLD,
                 gradient=False)
    return layer, x, W.copy(), b.copy()


def linear_gradient(ctx: CheckContext) -> None:
    """dx from Linear.backward, numerically, at the W forward used."""
    layer, x, W, b = _linear_before(ctx)
    grad = ctx.rng.normal(size=(x.shape[0], W.shape[1]))
    dx = ctx.call(layer, "Linear.backward", grad, LEARNING_RATE)
    want = reference.backward_of(lambda v: v @ W + b, x, grad)
    try:
        expect_close(dx, want, method="Linear.backward", quantity="dx", threshold=GRADIENT_THRESHOLD)
    except CheckFailed as failure:
        updated = W - LEARNING_RATE * (x.T @ grad)
        if _close(dx, grad @ updated.T):
            failure.diagnosis = Message("diag_dx_after_update", {})
        raise


def linear_update(ctx: CheckContext) -> None:
    """Linear.backward's own step: W and b after it equal W - lr * dW and b - lr * db."""
    layer, x, W, b = _linear_before(ctx)
    grad = ctx.rng.normal(size=(x.shape[0], W.shape[1]))
    ctx.call(layer, "Linear.backward", grad, LEARNING_RATE)
    for name, before, gradient in (("W", W, x.T @ grad), ("b", b, grad.sum(axis=0))):
        after = as_array(ctx.attribute(layer, f"Linear.{name}"), "Linear.backward", name,
                         attribute=f"Linear.{name}")
        want = before - LEARNING_RATE * gradient
        try:
            expect_close(after, want, method="Linear.backward", quantity=name, threshold=UPDATE_THRESHOLD,
                         gradient=False)
        except CheckFailed as failure:
            failure.diagnosis = _step_relation(before, after, LEARNING_RATE * gradient) or failure.diagnosis
            raise


def _step_relation(before: np.ndarray, after: np.ndarray, step: np.ndarray) -> Message | None:
    """What the step taken is, next to the one expected (sign, a factor, none at all)."""
    if after.shape != before.shape:
        return None
    taken = before - after
    if not np.any(taken):
        return Message("diag_no_update", {})
    return diagnose_values(taken, step, threshold=1e-6, gradient=False)


def _activation(ctx: CheckContext, cls: str, fn, draw) -> None:
    for shape in ((5,), (4, 6)):
        x = draw(shape)
        layer = ctx.new(_module(ctx), cls)
        out = ctx.call(layer, f"{cls}.forward", x)
        expect_close(out, fn(x), method=f"{cls}.forward", quantity="out", threshold=VALUE_THRESHOLD,
                     gradient=False)
        grad = ctx.rng.normal(size=shape)
        dx = ctx.call(layer, f"{cls}.backward", grad, LEARNING_RATE)
        expect_close(dx, reference.backward_of(fn, x, grad), method=f"{cls}.backward", quantity="dx",
                     threshold=GRADIENT_THRESHOLD)


def sigmoid(ctx: CheckContext) -> None:
    _activation(ctx, "Sigmoid", reference.sigmoid, lambda shape: ctx.rng.uniform(-5, 5, size=shape))


def relu(ctx: CheckContext) -> None:
    _activation(ctx, "ReLU", reference.relu, lambda shape: away_from_zero(ctx.rng, shape))


def mse_loss(ctx: CheckContext) -> None:
    """forward: mean((y - t) ** 2) over every entry; backward: its gradient by y."""
    for shape in ((4, 1), (3, 5)):
        y, t = ctx.rng.normal(size=shape), ctx.rng.normal(size=shape)
        loss = ctx.new(_module(ctx), "MSELoss")
        got = ctx.call(loss, "MSELoss.forward", y, t)
        expect_close(got, np.mean((y - t) ** 2), method="MSELoss.forward", quantity="loss",
                     threshold=VALUE_THRESHOLD, allow_scalar_broadcast=True, gradient=False)
        dy = ctx.call(loss, "MSELoss.backward")
        want = reference.backward_of(lambda v: np.mean((v - t) ** 2), y, np.ones(()))
        expect_close(dy, want, method="MSELoss.backward", quantity="dy", threshold=GRADIENT_THRESHOLD)


def softmax(ctx: CheckContext) -> None:
    """Softmax.backward against central differences: the whole Jacobian, not its diagonal."""
    for shape in ((2, 4), (3, 5)):
        x = ctx.rng.normal(size=shape)
        layer = ctx.new(_module(ctx), "Softmax")
        out = ctx.call(layer, "Softmax.forward", x)
        expect_close(out, reference.softmax(x), method="Softmax.forward", quantity="out",
                     threshold=VALUE_THRESHOLD, gradient=False)
        grad = ctx.rng.normal(size=shape)
        dx = ctx.call(layer, "Softmax.backward", grad, LEARNING_RATE)
        try:
            expect_close(dx, reference.backward_of(reference.softmax, x, grad), method="Softmax.backward",
                         quantity="dx", threshold=GRADIENT_THRESHOLD)
        except CheckFailed as failure:
            y = reference.softmax(x)
            if _close(dx, grad * y * (1.0 - y)):
                failure.diagnosis = Message("diag_softmax_elementwise", {})
            raise


def xor(ctx: CheckContext) -> None:
    """The student's Network of Linear(2, 8), Sigmoid, Linear(8, 1), Sigmoid and MSELoss learns
    XOR: after at most XOR_STEPS steps its outputs on the four points round to 0, 1, 1, 0."""
    module = _module(ctx)
    modules = [ctx.new(module, "Linear", 2, XOR_HIDDEN), ctx.new(module, "Sigmoid"),
               ctx.new(module, "Linear", XOR_HIDDEN, 1), ctx.new(module, "Sigmoid")]
    network = ctx.new(module, "Network", modules, ctx.new(module, "MSELoss"))
    first = as_array(ctx.call(network, "Network.train_step", XOR_X, XOR_T, XOR_RATE), "Network.train_step", "loss")
    ctx.call(network, "Network.train", XOR_X, XOR_T, XOR_RATE, XOR_STEPS - 1)
    out = as_array(ctx.call(network, "Network.forward", XOR_X), "Network.forward", "out")
    if out.size != 4:
        raise CheckFailed(Message("wrong_shape", {"method": "Network.forward", "quantity": "out",
                                                  "got": str(tuple(out.shape)), "expected": "(4, 1)"}),
                          Comparison("out", "shape (4, 1)", preview(out)))
    out = out.reshape(4)
    answers = (out > 0.5).astype(int)
    ctx.notes["xor"] = {"outputs": [float(v) for v in out], "first_loss": float(np.asarray(first).reshape(-1)[0])}
    if not np.all(np.isfinite(out)) or list(answers) != [0, 1, 1, 0]:
        method, quantity, why = _wiring(ctx, module) or ("Network.train_step", None, None)
        ctx.current = method
        # The report shows a line of `method`: what forward returns, or in train_step the line
        # that last set `quantity`.
        where = {"at": method, **({"quantity": quantity} if quantity else {})}
        raise CheckFailed(Message("xor_not_learnt", {"method": "Network.train_step", "steps": XOR_STEPS,
                                                     "rate": XOR_RATE, **where}),
                          Comparison("out", "[0, 1, 1, 0] (rounded)", preview(out)), why)


_CLASSES = ("Linear", "Sigmoid", "Linear", "Sigmoid")


def _wiring(ctx: CheckContext, module: str) -> tuple[str, str, Message] | None:
    """Where a Network that did not learn XOR is wired otherwise than its own modules say:
    (method, the variable that carries the mismatch, why), or None when it is wired as they say
    (then the modules or the numbers are to blame, not the Network).

    The evidence is the student's own modules, never our idea of them: a second set, given the
    same starting weights, is chained forward by hand, then stepped by hand (the loss, its
    backward, then every module's backward from the last). The Network's forward and one
    train_step must give exactly that."""
    def build():
        return [ctx.new(module, cls, *sizes) for cls, sizes in zip(_CLASSES, ((2, XOR_HIDDEN), (), (XOR_HIDDEN, 1), ()))]

    try:
        modules, by_hand = build(), build()
        loss_module, hand_loss = ctx.new(module, "MSELoss"), ctx.new(module, "MSELoss")
        network = ctx.new(module, "Network", modules, loss_module)
        for i in (0, 2):
            for name in ("W", "b"):
                start = as_array(ctx.attribute(modules[i], f"Linear.{name}"), "Linear.__init__", name)
                ctx.session.assign(ctx.attribute(by_hand[i], f"Linear.{name}", keep=True), start)
        out = as_array(ctx.call(network, "Network.forward", XOR_X), "Network.forward", "out")
        chained = XOR_X
        for ref, cls in zip(by_hand, _CLASSES):
            chained = ctx.call(ref, f"{cls}.forward", chained)
        if not _close(out, np.asarray(chained, dtype=float)):
            return "Network.forward", None, Message("diag_network_forward_chain", {})
        loss = ctx.call(hand_loss, "MSELoss.forward", chained, XOR_T)
        grad = ctx.call(hand_loss, "MSELoss.backward")
        for ref, cls in reversed(list(zip(by_hand, _CLASSES))):
            grad = ctx.call(ref, f"{cls}.backward", grad, XOR_RATE)
        returned = ctx.call(network, "Network.train_step", XOR_X, XOR_T, XOR_RATE)
        for i, layer in ((2, 2), (0, 1)):     # from the last, where the gradient enters
            for name in ("W", "b"):
                got = as_array(ctx.attribute(modules[i], f"Linear.{name}"), "Network.train_step", name)
                want = as_array(ctx.attribute(by_hand[i], f"Linear.{name}"), "Linear.backward", name)
                if not _close(got, want):
                    return "Network.train_step", "grad", Message("diag_train_step_layer",
                                                                 {"layer": layer, "quantity": name})
        if not _close(np.asarray(returned, dtype=float).reshape(-1), np.asarray(loss, dtype=float).reshape(-1)):
            return "Network.train_step", "loss", Message("diag_train_step_loss", {})
    except Exception:   # the modules themselves fail here: their own checks say so
        return None
    return None

"""Before the MNIST run: does the student's network start where the book's does, and can it learn?

Two checks of a few milliseconds each stop a run that cannot succeed before it spends its
training budget, and say why with numbers:

1. The initial loss. The parent computes the loss of the network the student's `__init__` built
   from the parameters the worker sends back, on 100 training images it chooses: with the book's
   small random weights every softmax output is close to 1/10 and the loss close to ln 10. The
   student's own `loss()` is never asked: it is given code, training never calls it, and a
   `loss()` that returned 2.30 whatever the weights would hide exactly the wrong initialisation
   this is here to catch. The parameters are what training starts from; they are what is judged.
2. Overfitting 20 examples. A second network of the student's class takes SGD steps with its own
   `gradient` on the same 20 training images; the parent mirrors every step and computes the loss
   on those images after each. A network that learns drives it near zero in a few dozen steps.
   When it fails, the gradients of its first and last steps are checked against the parent's own
   loss, so that a wrong gradient is reported as one and not as a network that does not learn.

The second network is made after the one the run trains, so the run starts from the same weights
as without the pre-flight; its examples come from a stream of their own, so the run's batches
are the same too.
"""
from __future__ import annotations

import math

import numpy as np

from grader import reference
from grader.checks.context import CheckContext
from grader.checks.network import flatten, unflatten
from grader.checks.steps import Steps, gradient_agrees, update_of
from grader.compare import CheckFailed, as_array
from grader.results import Comparison, Message
from grader.slots import layout_of

LN10 = math.log(10)
LOSS_IMAGES = 100
# The initial loss must lie in [ln 10 - BELOW, ln 10 + ABOVE]. Measured on 100-image batches,
# 2,000 seeds each: the book's weight_init_std=0.01 gives ln 10 +- 0.0022; He initialisation
# (sqrt(2/n), the book's own advice for ReLU in chapter 6) -0.098 to +0.41; Xavier -0.05 to +0.14;
# weight_init_std=0.1 (200 seeds) -0.07 to +0.40. Too large a start (weight_init_std=1, the scale
# forgotten) gives +53 to +89, and 0.3 gives +3.1 to +6.1: confident, wrong outputs from the first
# step. Below: a network that scores far better than guessing before any training was not
# started from random weights. (Weights 15-20 times the book's, 0.15 to 0.2, straddle the upper
# bound; nothing in the book or the given code draws them.)
BELOW = 0.5
ABOVE = 1.0
# Overfitting: learning rate, examples, the loss to get under, and the steps allowed. Measured
# with the solutions' TwoLayerNet at 200 seeds (20 random training images each), the steps to a
# loss under 0.2 at learning rate 0.5: the book's initialisation 16 to 26 (median 20); its
# gradient in float32 the same; W2 all zero 18 to 29; He initialisation 4 to 43; 0.1 6 to 13.
# Through the grader, the solutions (seeds 0-9) and every correct variant of
# tests/corpus/variants.py (seeds 0-4) took 16 to 22, and started within 0.0006 of ln 10; the
# whole pre-flight took 27 ms (median; 45 at most) on a machine loaded five times over.
# 80 steps is three times the book's worst. A network that cannot learn stays far above:
# with W1 all zero only b2 learns, and the loss cannot go below the entropy of the 20 labels (2.0
# and more); with equal weights every hidden unit stays the same unit.
OVERFIT_RATE = 0.5
OVERFIT_EXAMPLES = 20
OVERFIT_LOSS = 0.2
OVERFIT_STEPS = 80
# A weight matrix drawn with a standard deviation above this (ten times the book's) is named as
# the likely cause when the network fails the pre-flight.
LARGE_INIT_STD = 0.1


def read_params(ctx: CheckContext, net, shapes: dict) -> dict:
    """The student's network's parameters as the parent's own float64 arrays, shapes checked."""
    params_ref = ctx.attribute(net, "TwoLayerNet.params", keep=True)
    params = {k: as_array(ctx.session.getitem(params_ref, k), "TwoLayerNet.__init__", k) for k in shapes}
    for key in shapes:
        if params[key].shape != shapes[key]:
            raise CheckFailed(Message("wrong_shape", {"method": "TwoLayerNet.__init__", "quantity": key,
                                                      "got": str(params[key].shape),
                                                      "expected": str(shapes[key])}))
    return params


def initialisation_problem(params: dict) -> Message | None:
    """What is visibly wrong with the weights the student's __init__ drew, if anything."""
    for key in ("W1", "W2"):
        weights = params[key]
        if weights.size and np.all(weights == weights.flat[0]):
            return Message("diag_constant_init", {"key": key, "value": float(weights.flat[0])})
        std = float(np.std(weights))
        if std > LARGE_INIT_STD:
            return Message("diag_large_init", {"key": key, "std": std})
    return None


def run(ctx: CheckContext, params: dict, module: str, x_ref, t_ref, images: np.ndarray,
        labels: np.ndarray) -> dict:
    """Both checks, on the run's network (`params`, as its __init__ drew them) and on a second
    one; CheckFailed on the first that fails. What they measured, for the report's notes."""
    # A stream of its own: the run's batches stay those it would draw without the pre-flight.
    rng = np.random.default_rng(ctx.rng.bit_generator.seed_seq.spawn(1)[0])
    shapes = {k: v.shape for k, v in params.items()}
    batch = rng.choice(len(labels), LOSS_IMAGES, replace=False)
    initial = _initial_loss(params, images[batch], labels[batch])
    probe = ctx.new(module, "TwoLayerNet", 784, 50, 10)
    start = read_params(ctx, probe, shapes)
    examples = np.sort(rng.choice(len(labels), OVERFIT_EXAMPLES, replace=False))
    steps, loss = _overfit(ctx, probe, start, x_ref, t_ref, images[examples], labels[examples], examples, rng)
    return {"initial_loss": initial, "overfit_steps": steps, "overfit_loss": loss}


def _initial_loss(params: dict, images: np.ndarray, labels: np.ndarray) -> float:
    loss = reference.two_layer_loss(params, images.astype(np.float64) / 255.0, labels)
    if not LN10 - BELOW <= loss <= LN10 + ABOVE:   # NaN fails too
        below = math.isfinite(loss) and loss < LN10
        raise CheckFailed(
            Message("preflight_initial_loss", {"loss": loss, "expected": LN10, "low": LN10 - BELOW,
                                               "high": LN10 + ABOVE, "images": len(labels),
                                               "method": "TwoLayerNet.__init__"}),
            Comparison("initial loss", f"ln 10 = {LN10:.4f} ({LN10 - BELOW:.2f} .. {LN10 + ABOVE:.2f})",
                       f"{loss:.4f}"),
            Message("diag_starts_trained", {}) if below else initialisation_problem(params))
    return loss


def _overfit(ctx: CheckContext, net, start: dict, x_ref, t_ref, images: np.ndarray, labels: np.ndarray,
             examples: np.ndarray, rng: np.random.Generator) -> tuple[int, float]:
    """(steps taken, loss reached) on the 20 examples, or CheckFailed saying what went wrong."""
    shapes = {k: v.shape for k, v in start.items()}
    flat = flatten(start)
    params = unflatten(flat, shapes)
    x = images.astype(np.float64) / 255.0
    losses = [reference.two_layer_loss(params, x, labels)]
    # The first step's update and the last one's, with the parameters it was taken at: what a
    # failure is judged on. Copied into buffers of our own (a slot is reused two requests later).
    first, before, last = np.empty_like(flat), np.empty_like(flat), np.empty_like(flat)
    steps = Steps(ctx, net, x_ref, t_ref, OVERFIT_STEPS, layout=layout_of(params), size=flat.size,
                  lr=OVERFIT_RATE, choose=lambda count: np.tile(examples, (count, 1)), per_request=4)
    ctx.current = "TwoLayerNet.gradient"
    failure = None
    try:
        steps.start()
        for step in range(1, OVERFIT_STEPS + 1):
            update, _ = update_of(steps.next()[1], shapes, OVERFIT_RATE, keep=False)
            np.copyto(first if step == 1 else last, update)
            np.copyto(before, flat)
            flat -= update
            losses.append(reference.two_layer_loss(params, x, labels))
            if not math.isfinite(losses[-1]):
                failure = Message("preflight_diverged", {
                    "step": step, "loss": "nan" if math.isnan(losses[-1]) else "inf", "examples": len(labels),
                    "lr": OVERFIT_RATE, "last_loss": losses[-2]})
                break
            if losses[-1] < OVERFIT_LOSS:
                return step, losses[-1]
    finally:
        steps.close()
    if failure is None:
        failure = Message("preflight_no_overfit", {"steps": OVERFIT_STEPS, "examples": len(labels),
                                                   "lr": OVERFIT_RATE, "start": losses[0], "loss": losses[-1],
                                                   "threshold": OVERFIT_LOSS})
    # A wrong gradient is the reason, if there is one: the first step's (at the weights __init__
    # drew), then the last one's (gradients that go wrong once the layers hold state). Judged only
    # now, so that a network that learns pays for no gradient check here; the run checks its own
    # first steps anyway.
    _check_gradient(ctx, start, unflatten(first / OVERFIT_RATE, shapes), images, labels, 1, rng)
    if step > 1:
        _check_gradient(ctx, unflatten(before, shapes), unflatten(last / OVERFIT_RATE, shapes), images,
                        labels, step, rng)
    cause = initialisation_problem(start)
    # The report points at the code to look at: __init__ when its weights are the likely cause.
    method = "TwoLayerNet.__init__" if cause is not None else "TwoLayerNet.gradient"
    raise CheckFailed(Message(failure.key, {**failure.params, "method": method}),
                      Comparison(f"loss ({len(labels)} examples)", f"< {OVERFIT_LOSS:g}",
                                 f"{losses[-1]:.4g} (step {step})"),
                      cause)


def _check_gradient(ctx: CheckContext, params: dict, grads: dict, images, labels, step: int,
                    rng: np.random.Generator) -> None:
    try:
        gradient_agrees(ctx, params, grads, images, labels, rng)
    except CheckFailed as failure:
        raise CheckFailed(Message("preflight_gradient_wrong", {"step": step, "examples": len(labels)}),
                          failure.comparison, failure.diagnosis) from None

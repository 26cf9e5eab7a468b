"""train_neuralnet (section 5.7.4): SGD on MNIST with the student's gradient, judged by the parent.

The parent chooses every mini-batch, keeps its own copy of the parameters and applies the same
update the worker applies in place (`p -= lr * grad`), so the accuracy it measures is that of
parameters reached only through the gradients the student's code returned. It checks those
gradients against its own loss at the first two steps and then at about one step in 128, chosen
from the operating system's randomness, so a submission cannot know which: a gradient that is
wrong, or that "teleports" towards pre-trained weights, is caught with a probability that grows
with the number of steps it is wrong at. (A wrong gradient at a single unchecked step is not;
checking every step would cost as much as the training.)
"""
from __future__ import annotations

import math
import secrets
import threading
from collections import deque

import numpy as np

from grader import reference
from grader.checks import preflight
from grader.checks.context import CheckContext
from grader.checks.curve import diagnose
from grader.checks.network import expected_shapes, flatten, unflatten
from grader.checks.steps import Steps, gradient_agrees, update_of
from grader.compare import CheckFailed
from grader.results import Comparison, Message
from grader.slots import layout_of

LEARNING_RATE = 0.1
BATCH = 100
# Iterations between accuracy measurements: every 100 while the last estimate is more than 0.015
# below the target, every 25 near it, where the moment it is reached matters. (Measured at seeds
# 0-4: the same iterations reach the target as with a measurement every 25 steps throughout.)
CADENCE = ((0.015, 100), (0.0, 25))   # (at least this far below the target, every n)
# A measurement scores the test images in a fixed random order and stops early when the images
# scored so far put the accuracy clearly below the target: after 2,000 images if more than 0.015
# below (3.2 standard errors), after 6,000 if more than 0.005 below (2.6). Only a score of all
# 10,000 can pass. Most measurements stop at the first stage: a fifth of the work.
STAGES = ((2_000, 0.015), (6_000, 0.005))
# The loss on the curve is measured on the images every measurement scores: the first stage's.
LOSS_IMAGES = STAGES[0][0]
# Steps whose gradient the parent checks against its own loss at its own parameters: the first
# two (a wrong gradient, or one that goes wrong once the layers hold state, fails there, at every
# seed) and then each step with this probability, drawn from the operating system's randomness
# rather than the seed, so that a submission cannot know which steps are looked at.
ALWAYS_CHECKED = (1, 2)
SPOT_RATE = 1 / 128
# A correct network is past 0.85 after 2,000 steps; one still under 0.3 there cannot learn.
GIVE_UP_AT = 2_000
GIVE_UP_BELOW = 0.3


# The test set as _test_set() gives it, loaded once by the fork server (grader/forkserver.py) for
# every check it forks (about 35 ms of CPU each, which several jobs share the cores for); None
# everywhere else, where each check loads its own.
preloaded_test_set = None


def _test_set():
    """The test set the verdict rests on, read with its checksums verified, scaled as load_mnist
    does (one pass, from uint8), in the fixed random order the staged measurements use."""
    if preloaded_test_set is not None:
        return preloaded_test_set
    from grader.datasets import test_set_uint8
    images, labels = test_set_uint8()
    order = np.random.default_rng(20251124).permutation(len(labels))
    return np.divide(images[order], np.float32(255.0), dtype=np.float32), labels[order]


def _cadence(last: float, target: float) -> int:
    for below, every in CADENCE:
        if target - last > below:
            return every
    return CADENCE[-1][1]


def accuracy(ctx: CheckContext) -> None:
    from grader.datasets import training_set_mapped
    settings = ctx.settings
    # Reading and verifying the test set takes a while: it happens on the evaluator's thread
    # while the worker imports the student's code and the pre-flight runs.
    evaluator = _Evaluator(settings.mnist_target)
    try:
        shapes = expected_shapes(784, 50, 10)
        module = ctx.module_of("TwoLayerNet")
        net = ctx.new(module, "TwoLayerNet", 784, 50, 10)
        params = preflight.read_params(ctx, net, shapes)
        x_ref, t_ref = ctx.session.request("mnist")
        x_train_u8, t_train = training_set_mapped()  # the spot checks' copy of the batches
        ctx.notes["preflight"] = preflight.run(ctx, params, module, x_ref, t_ref, x_train_u8, t_train)
    except BaseException:
        evaluator.close(wait=False)   # a failed pre-flight is reported now, not after the test set loads
        raise
    try:
        _train(ctx, evaluator, net, params, shapes, x_ref, t_ref, x_train_u8, t_train)
    finally:
        evaluator.close()


def _train(ctx: CheckContext, evaluator: "_Evaluator", net, params: dict, shapes: dict, x_ref, t_ref,
           x_train_u8: np.ndarray, t_train: np.ndarray) -> None:
    settings = ctx.settings
    start = preflight.initialisation_problem(params)   # told only if the run then fails
    # The parent's copy of the parameters lives in one flat array, in the order the worker lays
    # the gradients out in a slot: one multiply and one subtract mirror a whole step.
    flat = flatten(params)
    params = unflatten(flat, shapes)
    budget = settings.mnist_max_iterations
    spot_rng = np.random.default_rng(secrets.randbits(128))
    check_next = False   # the last check fell on ReLU's kink: check this step instead
    curve: list[tuple[int, float]] = []    # (step, test accuracy)
    losses: list[tuple[int, float]] = []   # (step, loss on the first LOSS_IMAGES test images)
    evaluator.submit(0, params)
    iteration = 0
    reached_at = None
    steps = Steps(ctx, net, x_ref, t_ref, budget, layout=layout_of(params), size=flat.size, lr=LEARNING_RATE,
                  choose=lambda count: ctx.rng.choice(60_000, (count, BATCH)))
    ctx.current = "TwoLayerNet.gradient"
    try:
        steps.start()
        while iteration < budget and reached_at is None:
            batch, raw = steps.next()
            iteration += 1
            checked = iteration in ALWAYS_CHECKED or check_next or spot_rng.random() < SPOT_RATE
            update, grads = update_of(raw, shapes, LEARNING_RATE, keep=checked)
            if checked:
                check_next = not _spot_check(ctx, params, grads, x_train_u8[batch], t_train[batch],
                                             iteration, spot_rng)
            flat -= update
            if iteration % _cadence(curve[-1][1] if curve else 0.0, settings.mnist_target) == 0:
                evaluator.submit(iteration, params)
            reached_at = _record(evaluator.finished(), curve, losses, settings.mnist_target, ctx, budget)
            if losses and not math.isfinite(losses[-1][1]):
                break  # NaN parameters never recover: the run has said what it will say
            if iteration >= GIVE_UP_AT and curve and curve[-1][0] >= GIVE_UP_AT and curve[-1][1] < GIVE_UP_BELOW:
                break  # near chance this late: it will not learn, and waiting would only cost time
        if reached_at is None:
            reached_at = _record(evaluator.finished(wait=True), curve, losses, settings.mnist_target, ctx, budget)
        if reached_at is None:
            # The end of the run, measured on the whole test set, is the curve's last point.
            final, final_loss = evaluator.whole(params)
            curve[:] = [p for p in curve if p[0] < iteration] + [(iteration, final)]
            losses[:] = [p for p in losses if p[0] < iteration] + [(iteration, final_loss)]
    finally:
        steps.close()
    if reached_at is not None:
        iteration = reached_at
        final = dict(curve)[reached_at]
    # W1's columns are what the first layer learnt to look for: --plot draws them as 28x28 images.
    ctx.notes.update(curve=curve, losses=losses, loss_images=LOSS_IMAGES, iterations=iteration,
                     test_accuracy=final, target=settings.mnist_target, W1=params["W1"].astype(np.float32))
    if reached_at is None:
        raise CheckFailed(
            Message("accuracy_too_low", {"accuracy": final, "target": settings.mnist_target,
                                         "iterations": iteration}),
            Comparison("test accuracy", f">= {settings.mnist_target:.3f}", f"{final:.4f}"),
            _explained(diagnose(curve, losses, iteration, budget, settings.mnist_target), start))


# What the curve shows when the network learns too slowly or not at all: a start visibly unlike
# the book's (W1 drawn without its scale passes the pre-flight, then crawls) is then the reason.
FROM_THE_START = ("diag_stuck_at_chance", "diag_too_slow", "diag_too_slow_stopped")


def _explained(shown: Message | None, start: Message | None) -> Message | None:
    """The curve's explanation, or the initialisation that accounts for it."""
    if shown is not None and shown.key in FROM_THE_START and start is not None:
        return start
    return shown


def _spot_check(ctx: CheckContext, params: dict, grads: dict, images: np.ndarray, labels: np.ndarray,
                iteration: int, rng: np.random.Generator) -> bool:
    """The gradient the student's code just returned, against our loss at our parameters; False
    when this step cannot be judged (on ReLU's kink)."""
    try:
        return gradient_agrees(ctx, params, grads, images, labels, rng)
    except CheckFailed as failure:
        # The TwoLayerNet exercise passed, so one call on a fresh network is right: after the
        # first step, a mismatch means state carried over from earlier steps.
        carried_over = Message("diag_stale_parameters", {}) if iteration > 1 else None
        raise CheckFailed(Message("training_gradient_wrong", {"iteration": iteration}),
                          failure.comparison, carried_over or failure.diagnosis) from None


class _Evaluator:
    """Test accuracy and loss of parameter snapshots, computed on a thread of the parent.

    numpy releases the GIL in the matrix product, so the main thread keeps reading the worker's
    replies meanwhile; a snapshot's numbers are reported against the iteration it was taken at.
    The thread's first task is loading the test set, so nothing waits for it but the first score.
    """

    def __init__(self, target: float):
        from concurrent.futures import ThreadPoolExecutor
        self.target = target
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="grader-eval")
        self.test_set = self.pool.submit(_test_set)
        self.pending: deque = deque()
        self.closing = threading.Event()

    def submit(self, iteration: int, params: dict) -> None:
        snapshot = {k: v.copy() for k, v in params.items()}  # a copy the loop cannot touch
        self.pending.append((iteration, self.pool.submit(self._score, snapshot)))

    def _score(self, params: dict) -> tuple[float, bool, float]:
        """(accuracy, whether it is of the whole test set, loss on the first LOSS_IMAGES).

        Scored LOSS_IMAGES at a time, so that a measurement the run no longer needs (it ended
        while this one was under way) stops within a few milliseconds instead of finishing."""
        x_test, t_test = self.test_set.result()
        p32 = _float32(params)
        right, done, loss = 0, 0, math.nan
        for upto, margin in STAGES + ((len(t_test), None),):
            while done < upto:
                if self.closing.is_set():
                    raise _RunEnded()
                end = min(upto, done + LOSS_IMAGES)
                scores = _scores(p32, x_test[done:end])
                right += _correct(scores, t_test[done:end])
                if done == 0:
                    loss = _loss(scores, params, x_test[:end], t_test[:end])
                done = end
            if margin is not None and right / done < self.target - margin:
                return right / done, False, loss
        return right / done, True, loss

    def whole(self, params: dict) -> tuple[float, float]:
        """(the whole test set's accuracy, the loss on its first LOSS_IMAGES) at `params`, now."""
        x_test, t_test = self.test_set.result()
        scores = _scores(_float32(params), x_test)
        loss = _loss(None if scores is None else scores[:LOSS_IMAGES], params, x_test[:LOSS_IMAGES],
                     t_test[:LOSS_IMAGES])
        return _correct(scores, t_test) / len(t_test), loss

    def finished(self, wait: bool = False):
        """(iteration, accuracy, of the whole set?, loss) of the evaluations that are done, in order."""
        while self.pending and (wait or self.pending[0][1].done()):
            iteration, future = self.pending.popleft()
            yield (iteration, *future.result())

    def close(self, wait: bool = True) -> None:
        self.closing.set()
        self.pool.shutdown(wait=wait, cancel_futures=True)


class _RunEnded(Exception):
    """A measurement abandoned because the run it was for has ended."""


def _record(results, curve: list, losses: list, target: float, ctx: CheckContext, budget: int):
    """Add finished evaluations to the curves; the first iteration at which the whole test set
    reached the target, else None. (Estimates from a part of it go on the curve but never pass.)"""
    for iteration, tested, whole, loss in results:
        curve.append((iteration, tested))
        losses.append((iteration, loss))
        ctx.report_progress(iteration, budget, accuracy=tested)
        if whole and tested >= target:
            return iteration
    return None


def _float32(params: dict) -> dict | None:
    """The parameters in float32, once per measurement; None when one is NaN or inf."""
    # float32 is plenty to pick the arg-max, and twice as fast on the 10,000 test images.
    p32 = {k: v.astype(np.float32) for k, v in params.items()}
    return p32 if all(np.all(np.isfinite(v)) for v in p32.values()) else None


def _scores(p32: dict | None, x: np.ndarray) -> np.ndarray | None:
    """The network's scores for the images (None without finite parameters)."""
    return None if p32 is None else reference.two_layer_predict(p32, x)


def _correct(scores: np.ndarray | None, labels: np.ndarray) -> int:
    """How many of the images the scores classify right (none, without scores)."""
    if scores is None:
        return 0
    return int(np.count_nonzero(scores.argmax(axis=1) == labels))


def _loss(scores: np.ndarray | None, params: dict, x: np.ndarray, labels: np.ndarray) -> float:
    """The mean cross-entropy loss: from the float32 scores where they are finite, else computed
    again in float64 from the parameters, so that a NaN or inf on the curve is the network's own
    and never float32's range running out."""
    if scores is not None:
        shifted = scores.astype(np.float64)
        shifted -= shifted.max(axis=1, keepdims=True)
        log_y = shifted[np.arange(len(labels)), labels] - np.log(np.exp(shifted).sum(axis=1))
        loss = float(-np.mean(log_y))
        if math.isfinite(loss):
            return loss
    with np.errstate(all="ignore"):
        return reference.two_layer_loss(params, x.astype(np.float64), labels)

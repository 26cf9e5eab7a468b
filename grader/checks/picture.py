"""The Affine forward pass seen on MNIST (extra `affine_mnist_picture`).

W (784, 10) holds the mean image of each digit over the training set, Z = X·W scores the first
20 training images against them, the argmax of each row predicts a class, and 12 of the 20 are
right (0.6, measured on the shipped data). Each of the student's four functions is checked on
random arrays the parent chooses; then `mnist_picture()`, which loads MNIST itself with
load_mnist in the worker, is judged on its arrays against the parent's own float64 reference
from the verified MNIST files. An explanation is offered only where the values show it: the
transpose, the test set's means, pixels left at 0-255, an argmax over the wrong axis, a count
for a fraction.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from grader import reference
from grader.checks.activations import expect_unchanged
from grader.checks.context import CheckContext
from grader.compare import CheckFailed, as_array, expect_close
from grader.reference import relative_error
from grader.results import Comparison, Message

EXERCISE = "affine_mnist_picture"
COUNT = 20            # the training images scored
CLASSES = 10
KEYS = ("W", "Z", "y", "accuracy")
# load_mnist gives float32 pixels, and float32 is welcome in every function: means over ~6,000
# images in float32 are within 2e-5 of the float64 reference (measured: np.mean, a loop of +=,
# x.T @ one_hot), a float32 sum of a few random rows within 2e-7. The bugs explained below are
# off by far more (the test set's means by 1.0, 0-255 pixels by 254/255).
MNIST_THRESHOLD = 1e-4
FLOAT32_THRESHOLD = 1e-5
# Classes are integers: compared exactly.
EXACT = 1e-12


# -- the parent's reference ----------------------------------------------------------------------

@lru_cache(maxsize=1)
def mnist_reference() -> dict:
    """W, Z, y and the accuracy computed here in float64 from the verified training set."""
    from grader.datasets import training_set_uint8
    images, labels = training_set_uint8()
    W = reference.class_means(images, labels, CLASSES) / 255.0
    x = images[:COUNT] / 255.0
    Z = x @ W
    y = Z.argmax(axis=1)
    return {"W": W, "Z": Z, "y": y, "accuracy": float(np.mean(y == labels[:COUNT])), "x": x,
            "t": labels[:COUNT].astype(np.int64), "counts": np.bincount(labels, minlength=CLASSES)}


@lru_cache(maxsize=1)
def _test_set_reference() -> dict:
    """What the test set would give instead: read only to explain a wrong answer."""
    from grader.datasets import test_set_uint8
    images, labels = test_set_uint8()
    return {"W": reference.class_means(images, labels, CLASSES) / 255.0, "x": images[:COUNT] / 255.0}


def _close(got, want, threshold: float = MNIST_THRESHOLD) -> bool:
    return (isinstance(got, np.ndarray) and got.shape == np.shape(want)
            and float(relative_error(got, want).max(initial=0.0)) <= threshold)


# -- the four functions on the parent's random arrays ----------------------------------------------

def _labels(ctx: CheckContext) -> np.ndarray:
    """Every class at least twice, in different numbers, shuffled: uint8 as load_mnist gives."""
    counts = ctx.rng.integers(2, 9, size=CLASSES)
    return ctx.rng.permutation(np.repeat(np.arange(CLASSES), counts)).astype(np.uint8)


def mean_images(ctx: CheckContext) -> None:
    """mean_images(x, t): column k of W is the mean of the images labelled k."""
    module = ctx.module_of(EXERCISE)
    t = _labels(ctx)
    x = ctx.rng.uniform(0.0, 1.0, size=(t.size, 784))
    x_ref = ctx.put(x)
    got = ctx.function(module, "mean_images", x_ref, t)
    try:
        expect_close(got, reference.class_means(x, t), method="mean_images", quantity="W",
                     threshold=FLOAT32_THRESHOLD, gradient=False)
    except CheckFailed as failure:
        sums = np.stack([x[t == k].sum(axis=0) for k in range(CLASSES)], axis=1)
        if isinstance(got, np.ndarray) and _close(got.astype(np.float64), sums, 1e-6):
            failure.diagnosis = Message("diag_sums_not_means", {})
        raise
    expect_unchanged(ctx, x_ref, x, "mean_images", "x")


def affine_forward(ctx: CheckContext) -> None:
    """affine_forward(x, W) is x·W, (N, M)."""
    module = ctx.module_of(EXERCISE)
    # Non-negative, as pixels and mean images are: no sum cancels, so float32 stays within 1e-6.
    x = ctx.rng.uniform(0.0, 1.0, size=(7, 784))
    W = ctx.rng.uniform(0.0, 1.0, size=(784, CLASSES))
    got = ctx.function(module, "affine_forward", x, W)
    expect_close(got, x @ W, method="affine_forward", quantity="Z", threshold=FLOAT32_THRESHOLD,
                 gradient=False)


def predict(ctx: CheckContext) -> None:
    """predict(Z): the argmax of each row."""
    module = ctx.module_of(EXERCISE)
    Z = ctx.rng.normal(size=(COUNT, CLASSES))
    _expect_classes(ctx.function(module, "predict", Z), Z, "predict")


def accuracy(ctx: CheckContext) -> None:
    """accuracy(y, t): the fraction of y equal to t."""
    module = ctx.module_of(EXERCISE)
    t = ctx.rng.integers(0, CLASSES, size=COUNT)
    y = t.copy()
    wrong = ctx.rng.choice(COUNT, size=int(ctx.rng.integers(3, COUNT - 3)), replace=False)
    y[wrong] = (t[wrong] + ctx.rng.integers(1, CLASSES, size=wrong.size)) % CLASSES
    _expect_accuracy(ctx.function(module, "accuracy", y, t), int(np.sum(y == t)), COUNT, "accuracy")


def _expect_classes(got, Z: np.ndarray, method: str) -> None:
    try:
        expect_close(got, Z.argmax(axis=1), method=method, quantity="y", threshold=EXACT, gradient=False)
    except CheckFailed as failure:
        if isinstance(got, np.ndarray) and got.shape == (Z.shape[1],) and np.array_equal(got, Z.argmax(axis=0)):
            failure.diagnosis = Message("diag_argmax_axis", {})
        raise


def _expect_accuracy(got, right: int, total: int, method: str) -> None:
    try:
        # float32 is welcome here too: 12 / 20 in float32 is 0.6 to within 4e-8.
        expect_close(got, right / total, method=method, quantity="accuracy", threshold=FLOAT32_THRESHOLD,
                     allow_scalar_broadcast=True, gradient=False)
    except CheckFailed as failure:
        value = np.asarray(got, dtype=float) if isinstance(got, (int, float, np.number, np.ndarray)) else None
        if value is not None and value.size == 1 and right != 0 and float(value.reshape(())) == right:
            failure.diagnosis = Message("diag_accuracy_count", {"right": right, "total": total})
        raise


# -- the whole picture, on MNIST -----------------------------------------------------------------

def on_mnist(ctx: CheckContext) -> None:
    """mnist_picture(): W from the training set, the first 20 training images scored with it."""
    module = ctx.module_of(EXERCISE)
    method = "mnist_picture"
    got = ctx.function(module, method)
    picture = _picture(got, method)
    truth = mnist_reference()
    W = as_array(picture["W"], method, "W")
    Z = as_array(picture["Z"], method, "Z")
    # What --plot draws: the student's own arrays, wherever their shapes allow a picture.
    ctx.notes["picture"] = {name: value.astype(np.float32) for name, value in (("W", W), ("Z", Z))
                            if value.ndim == 2 and value.shape[1] == CLASSES
                            and (name == "Z" or value.shape[0] == 784)}
    ctx.notes["picture"]["labels"] = truth["t"].tolist()   # the grader's, beside each row of Z
    try:
        expect_close(W, truth["W"], method=method, quantity="W", threshold=MNIST_THRESHOLD, gradient=False)
    except CheckFailed as failure:
        failure.diagnosis = _why_W(W, truth) or failure.diagnosis
        raise
    try:
        expect_close(Z, truth["Z"], method=method, quantity="Z", threshold=MNIST_THRESHOLD, gradient=False)
    except CheckFailed as failure:
        failure.diagnosis = _why_Z(Z, truth) or failure.diagnosis
        raise
    # A Z within 1e-4 has the reference's argmax: the closest two scores of a row differ by 1.2e-3
    # of the larger (measured), so the classes are compared exactly.
    _expect_classes(picture["y"], truth["Z"], method)
    _expect_accuracy(picture["accuracy"], int(np.sum(truth["y"] == truth["t"])), COUNT, method)


def _picture(got, method: str) -> dict:
    if not isinstance(got, dict):
        raise CheckFailed(Message("returned_none", {"method": method, "quantity": "picture"}) if got is None
                          else Message("picture_not_dict", {"method": method, "type": type(got).__name__,
                                                            "keys": ", ".join(KEYS)}))
    missing = [k for k in KEYS if k not in got]
    if missing:
        raise CheckFailed(Message("missing_keys", {"method": method, "keys": ", ".join(missing)}),
                          Comparison("picture", ", ".join(KEYS), ", ".join(sorted(map(str, got)))))
    return got


def _why_W(W: np.ndarray, truth: dict) -> Message | None:
    """The wrong W's relation to the right one, where its values show it (the transpose is said
    by the shape comparison itself)."""
    if _close(W, 255.0 * truth["W"]):
        return Message("diag_pixels_unnormalised", {})
    if _close(W, truth["W"] * truth["counts"]):
        return Message("diag_sums_not_means", {})
    if W.shape == truth["W"].shape and _close(W, _test_set_reference()["W"]):
        return Message("diag_means_of_test_set", {})
    return None


def _why_Z(Z: np.ndarray, truth: dict) -> Message | None:
    """Z is checked after W passed: its relation to the right Z comes from the images scored."""
    if _close(Z, 255.0 * truth["Z"]):
        return Message("diag_pixels_unnormalised", {})
    if Z.shape == truth["Z"].shape and _close(Z, _test_set_reference()["x"] @ truth["W"]):
        return Message("diag_scored_test_images", {"count": COUNT})
    return None


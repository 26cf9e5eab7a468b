"""The grader's own chapter-5 mathematics, in float64: the trusted side of every comparison.

These never run student code. Expected forward values come from the closed forms here, and
expected gradients from central differences of these functions.
"""
from __future__ import annotations

import numpy as np


def relu(x):
    return np.maximum(x, 0.0)


def sigmoid(x):
    # Written in the stable form so that large |x| cannot overflow the reference itself.
    out = np.empty_like(x, dtype=np.float64)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    out[~pos] = ex / (1.0 + ex)
    return out


def affine(x, W, b):
    return x.reshape(x.shape[0], -1) @ W + b


def softmax(x):
    shifted = x - x.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def labels_of(t, classes: int):
    """Class indices from one-hot rows or from indices."""
    t = np.asarray(t)
    return t.argmax(axis=-1) if t.ndim == 2 and t.shape[-1] == classes else t.astype(np.int64)


def cross_entropy(y, t, eps: float = 1e-7):
    """The book's mean cross-entropy, with its `+ 1e-7` inside the log unless eps=0."""
    if y.ndim == 1:
        y = y.reshape(1, -1)
        t = np.asarray(t).reshape(1, -1) if np.size(t) == y.size else np.atleast_1d(t)
    idx = labels_of(t, y.shape[1])
    return float(-np.sum(np.log(y[np.arange(y.shape[0]), idx] + eps)) / y.shape[0])


def softmax_with_loss(x, t, book_epsilon: bool = False):
    """Mean cross-entropy of softmax(x).

    Without the book's epsilon it is computed as a log-softmax, exactly and stably: that is the
    function whose gradient is (y - t) / N, so every gradient reference uses it. Forward values
    are accepted in either form (see checks/softmax.py).
    """
    if book_epsilon:
        return cross_entropy(softmax(x), t)
    x2 = x.reshape(1, -1) if x.ndim == 1 else x
    shifted = x2 - x2.max(axis=-1, keepdims=True)
    log_y = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    idx = labels_of(np.asarray(t).reshape(x2.shape[0], -1) if np.size(t) == x2.size else np.atleast_1d(t),
                    x2.shape[1])
    return float(-np.mean(log_y[np.arange(x2.shape[0]), idx]))


def two_layer_predict(params, x):
    hidden = relu(affine(x, params["W1"], params["b1"]))
    return affine(hidden, params["W2"], params["b2"])


def two_layer_loss(params, x, t, book_epsilon: bool = False):
    return softmax_with_loss(two_layer_predict(params, x), t, book_epsilon=book_epsilon)


def two_layer_loss_after_first_layer(a1, W2, b2, t):
    """two_layer_loss from the first layer's output on (a1 = x W1 + b1, before the ReLU)."""
    return softmax_with_loss(affine(relu(a1), W2, b2), t)


def accuracy(params, x, labels) -> float:
    return float(np.mean(two_layer_predict(params, x).argmax(axis=1) == labels))


def class_means(x: np.ndarray, t: np.ndarray, classes: int = 10) -> np.ndarray:
    """x: (N, D) with integer dtype or float, t: (N,) class indices. Returns (D, classes) in
    float64: column k is the mean of the rows labelled k, summed in float64 (uint8 images
    are never copied to float as a whole)."""
    t = np.asarray(t)
    return np.stack([x[t == k].sum(axis=0, dtype=np.float64) / np.count_nonzero(t == k)
                     for k in range(classes)], axis=1)


def numerical_gradient(f, x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Central differences of the scalar function f at x (x is perturbed in place, then restored)."""
    grad = np.zeros_like(x, dtype=np.float64)
    flat = x.reshape(-1)
    gflat = grad.reshape(-1)
    for i in range(flat.size):
        keep = flat[i]
        flat[i] = keep + h
        up = f()
        flat[i] = keep - h
        down = f()
        flat[i] = keep
        gflat[i] = (up - down) / (2 * h)
    return grad


def backward_of(forward, x: np.ndarray, dout: np.ndarray) -> np.ndarray:
    """d(sum(forward(x) * dout))/dx by central differences: what any layer's dx must equal."""
    x = np.array(x, dtype=np.float64)
    return numerical_gradient(lambda: float(np.sum(forward(x) * dout)), x)


def relative_error(got: np.ndarray, expected: np.ndarray, floor: float = 1e-8) -> np.ndarray:
    """|a - n| / max(|a|, |n|, floor), element-wise.

    The floor stops entries that are zero in both from dividing noise by noise; it is relative to
    the size of the expected array so that a uniformly tiny gradient is still judged fairly.
    """
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    scale = float(np.max(np.abs(expected))) if expected.size else 0.0
    tiny = max(floor, 1e-6 * scale)
    return np.abs(got - expected) / np.maximum(np.maximum(np.abs(got), np.abs(expected)), tiny)

"""Functions from chapters 3 and 4 that chapter 5 builds on. Given: nothing to write here.

関数 (第 3 章・第 4 章): 第 5 章で使う完成済みの関数です。ここには何も書きません。
"""
import numpy as np


def softmax(x):
    """Softmax over the last axis; x is (C,) or (N, C). Stable for large inputs.

    ソフトマックス関数。大きな入力でもオーバーフローしないよう、最大値を引いてから exp を取ります。
    """
    x = x - np.max(x, axis=-1, keepdims=True)
    e = np.exp(x)
    return e / np.sum(e, axis=-1, keepdims=True)


def cross_entropy_error(y, t):
    """Mean cross-entropy of predictions y (N, C) against t, one-hot (N, C) or labels (N,).

    交差エントロピー誤差 (バッチの平均)。t はワンホットでもクラス番号でもかまいません。
    """
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:  # one-hot rows become class indices
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size


def numerical_gradient(f, x):
    """Central-difference gradient of f at x (any shape); f takes x and returns a number.

    数値微分 (中心差分) による勾配。x の各要素を少しずつ動かして f の変化を測ります。
    """
    h = 1e-4
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    while not it.finished:
        i = it.multi_index
        keep = x[i]
        x[i] = keep + h
        up = f(x)
        x[i] = keep - h
        down = f(x)
        x[i] = keep
        grad[i] = (up - down) / (2 * h)
        it.iternext()
    return grad

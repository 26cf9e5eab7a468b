"""A two-layer network built from the chapter's layers (5.7.2).

2 層ニューラルネットワーク。レイヤを組み合わせて作ります。学生が書くのは gradient だけです。
"""
from collections import OrderedDict

import numpy as np

from functions import numerical_gradient as numerical_gradient_of
from layers import Affine, Relu, SoftmaxWithLoss


class TwoLayerNet:
    """input (D) -> Affine1 -> Relu1 -> Affine2 -> SoftmaxWithLoss.

    self.params: {'W1' (D, H), 'b1' (H,), 'W2' (H, C), 'b2' (C,)}; the Affine layers hold these
    very arrays, so updating params in place updates the layers.
    self.params の配列そのものを Affine レイヤが持つので、params をその場で更新すればレイヤにも反映されます。
    """

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            "W1": weight_init_std * np.random.randn(input_size, hidden_size),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * np.random.randn(hidden_size, output_size),
            "b2": np.zeros(output_size),
        }
        self.layers = OrderedDict()
        self.layers["Affine1"] = Affine(self.params["W1"], self.params["b1"])
        self.layers["Relu1"] = Relu()
        self.layers["Affine2"] = Affine(self.params["W2"], self.params["b2"])
        self.lastLayer = SoftmaxWithLoss()

    def predict(self, x):
        """x (N, D) -> scores (N, C), before softmax. 推論 (スコアを返す)。"""
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def loss(self, x, t):
        """The mean loss for inputs x (N, D) and targets t (one-hot or labels). 損失関数の値。"""
        return self.lastLayer.forward(self.predict(x), t)

    def accuracy(self, x, t):
        """The fraction of x classified as t (one-hot or labels). 認識精度。"""
        y = np.argmax(self.predict(x), axis=1)
        if t.ndim != 1:
            t = np.argmax(t, axis=1)
        return np.sum(y == t) / float(x.shape[0])

    def numerical_gradient(self, x, t):
        """Gradients by central differences: slow, for checking only. 数値微分による勾配 (確認用)。"""
        loss_at = lambda _: self.loss(x, t)
        return {key: numerical_gradient_of(loss_at, self.params[key]) for key in ("W1", "b1", "W2", "b2")}

    def gradient(self, x, t):
        """誤差逆伝播法で勾配を求める。x (N, D), t はワンホットかクラス番号。
        {'W1', 'b1', 'W2', 'b2'} の辞書を、params と同じ形の配列で返す。
        Gradients by backpropagation: a dict with keys W1, b1, W2, b2, each shaped like params."""
        self.loss(x, t)  # forward: every layer remembers what its backward needs

        dout = self.lastLayer.backward(1)
        for layer in reversed(list(self.layers.values())):
            dout = layer.backward(dout)

        return {
            "W1": self.layers["Affine1"].dW, "b1": self.layers["Affine1"].db,
            "W2": self.layers["Affine2"].dW, "b2": self.layers["Affine2"].db,
        }

"""The layers of chapter 5. Each forward keeps what its backward needs.

第 5 章のレイヤ。順伝播 (forward) で、逆伝播 (backward) に必要な値を覚えておきます。
"""
import numpy as np

from functions import cross_entropy_error, softmax


class MulLayer:
    """乗算レイヤ: out = x * y (5.4.1)."""

    def __init__(self):
        self.x = None
        self.y = None

    def forward(self, x, y):
        """順伝播。x, y はスカラーか同じ形の配列。x * y を返す。
        Return x * y (scalars or arrays of the same shape); remember x and y for backward."""
        self.x = x
        self.y = y
        return x * y

    def backward(self, dout):
        """逆伝播。(dx, dy) を返す。
        Return (dx, dy), the gradients with respect to x and y, given dout = dL/dout."""
        dx = dout * self.y  # each input's gradient is scaled by the other input
        dy = dout * self.x
        return dx, dy


class AddLayer:
    """加算レイヤ: out = x + y (5.4.2)."""

    def __init__(self):
        pass

    def forward(self, x, y):
        """順伝播。x + y を返す。
        Return x + y (scalars or arrays of the same shape)."""
        return x + y

    def backward(self, dout):
        """逆伝播。(dx, dy) を返す。
        Return (dx, dy), the gradients with respect to x and y, given dout."""
        return dout * 1, dout * 1


class Relu:
    """ReLU レイヤ (5.5.1). self.mask: forward の入力が 0 以下だった場所 (bool 配列)。"""

    def __init__(self):
        self.mask = None

    def forward(self, x):
        """順伝播。x は任意の形の配列。max(0, x) を返し、x 自体は変えない。
        Return max(0, x) for an array of any shape, without modifying x; set self.mask."""
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        """逆伝播。dout は forward の出力と同じ形。dx を返す。
        Return dx, the same shape as dout."""
        dout[self.mask] = 0  # the book reuses dout in place; nothing flows where x was <= 0
        return dout


class Sigmoid:
    """Sigmoid レイヤ (5.5.2). self.out: forward の出力 y。"""

    def __init__(self):
        self.out = None

    def forward(self, x):
        """順伝播。1 / (1 + exp(-x)) を返し、self.out に覚える。
        Return 1 / (1 + exp(-x)) for an array of any shape; keep it in self.out."""
        out = 1 / (1 + np.exp(-x))
        self.out = out
        return out

    def backward(self, dout):
        """逆伝播。dout は forward の出力と同じ形。dx を返す。
        Return dx, the same shape as dout."""
        return dout * (1.0 - self.out) * self.out


class Affine:
    """Affine レイヤ: out = x·W + b (5.6.2).

    W (D, M) と b (M,) はコピーせずそのまま持つ (学習で params がその場で更新されるため)。
    backward は self.dW (D, M) と self.db (M,) を設定する。
    Keeps the very arrays W (D, M) and b (M,), no copies; backward sets self.dW and self.db.
    """

    def __init__(self, W, b):
        self.W = W
        self.b = b
        self.x = None
        self.original_x_shape = None
        self.dW = None
        self.db = None

    def forward(self, x):
        """順伝播。x は (N, D)、または (N, C, H, W) のようなテンソル (N 行に平らにして使う)。
        out (N, M) を返す。
        x is (N, D) or a tensor such as (N, C, H, W), flattened to (N, D); return out (N, M)."""
        self.original_x_shape = x.shape
        self.x = x.reshape(x.shape[0], -1)
        return np.dot(self.x, self.W) + self.b

    def backward(self, dout):
        """逆伝播。dout は (N, M)。dx を forward の入力と同じ形で返し、self.dW と self.db を設定する。
        dout is (N, M); return dx in the shape forward received, and set self.dW, self.db."""
        dx = np.dot(dout, self.W.T)
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        return dx.reshape(*self.original_x_shape)


class SoftmaxWithLoss:
    """Softmax-with-Loss レイヤ (5.6.3). self.y: softmax の出力、self.t: 教師データ、self.loss: 損失。"""

    def __init__(self):
        self.loss = None
        self.y = None
        self.t = None

    def forward(self, x, t):
        """順伝播。x は (N, C) のスコア、t はワンホット (N, C) かクラス番号 (N,)。損失 (スカラー) を返す。
        x is (N, C) scores; t is one-hot (N, C) or class indices (N,). Return the mean loss."""
        self.t = t
        self.y = softmax(x)
        self.loss = cross_entropy_error(self.y, self.t)
        return self.loss

    def backward(self, dout=1):
        """逆伝播。x に対する勾配 dx (N, C) を返す (バッチ平均の損失の勾配)。
        Return dx (N, C), the gradient of the mean loss with respect to x."""
        batch_size = self.t.shape[0]
        if self.t.size == self.y.size:  # one-hot targets
            dx = (self.y - self.t) / batch_size
        else:  # class indices: subtract 1 at each row's correct class
            dx = self.y.copy()
            dx[np.arange(batch_size), self.t] -= 1
            dx = dx / batch_size
        return dx

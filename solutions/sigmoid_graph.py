"""The sigmoid as a computational graph of four nodes (section 5.5.2).

    x --[x(-1)]--> neg --[exp]--> exp --[+1]--> plus1 --[1/x]--> y

Each node is a layer of its own, as MulLayer and AddLayer are: forward keeps what backward
needs, backward multiplies the gradient from upstream by the node's local derivative.
SigmoidGraph chains the four; its backward must come out as dout * y * (1 - y).
"""
import numpy as np


class NegLayer:
    """Multiply by -1."""

    def forward(self, x):
        """x: any shape. Returns -x, the same shape."""
        return -x

    def backward(self, dout):
        """dout: the shape of forward's output. Returns dx, the same shape."""
        return -dout  # d(-x)/dx = -1


class ExpLayer:
    """exp(x)."""

    def __init__(self):
        self.out = None

    def forward(self, x):
        """x: any shape. Returns exp(x), the same shape."""
        out = np.exp(x)
        self.out = out
        return out

    def backward(self, dout):
        """dout: the shape of forward's output. Returns dx, the same shape."""
        return dout * self.out  # exp is its own derivative: the output is all backward needs


class PlusOneLayer:
    """Add 1."""

    def forward(self, x):
        """x: any shape. Returns x + 1, the same shape."""
        return x + 1

    def backward(self, dout):
        """dout: the shape of forward's output. Returns dx, the same shape."""
        return dout * 1  # the gradient passes unchanged


class ReciprocalLayer:
    """1 / x."""

    def __init__(self):
        self.out = None

    def forward(self, x):
        """x: any shape, no zeros. Returns 1 / x, the same shape."""
        out = 1 / x
        self.out = out
        return out

    def backward(self, dout):
        """dout: the shape of forward's output. Returns dx, the same shape."""
        return -dout * self.out ** 2  # d(1/x)/dx = -1/x**2 = -y**2


class SigmoidGraph:
    """The four nodes in a row: y = 1 / (1 + exp(-x))."""

    def __init__(self):
        self.nodes = [NegLayer(), ExpLayer(), PlusOneLayer(), ReciprocalLayer()]

    def forward(self, x):
        """x: any shape. Returns y, the same shape."""
        for node in self.nodes:
            x = node.forward(x)
        return x

    def backward(self, dout):
        """dout: the shape of y. Returns dx, the same shape."""
        for node in reversed(self.nodes):
            dout = node.backward(dout)
        return dout

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
        raise NotImplementedError('NegLayer.forward を書いてください / write NegLayer.forward (hint: grader hint sigmoid_graph)')

    def backward(self, dout):
        """dout: the shape of forward's output. Returns dx, the same shape."""
        raise NotImplementedError('NegLayer.backward を書いてください / write NegLayer.backward (hint: grader hint sigmoid_graph)')


class ExpLayer:
    """exp(x)."""

    def __init__(self):
        self.out = None

    def forward(self, x):
        """x: any shape. Returns exp(x), the same shape."""
        raise NotImplementedError('ExpLayer.forward を書いてください / write ExpLayer.forward (hint: grader hint sigmoid_graph)')

    def backward(self, dout):
        """dout: the shape of forward's output. Returns dx, the same shape."""
        raise NotImplementedError('ExpLayer.backward を書いてください / write ExpLayer.backward (hint: grader hint sigmoid_graph)')


class PlusOneLayer:
    """Add 1."""

    def forward(self, x):
        """x: any shape. Returns x + 1, the same shape."""
        raise NotImplementedError('PlusOneLayer.forward を書いてください / write PlusOneLayer.forward (hint: grader hint sigmoid_graph)')

    def backward(self, dout):
        """dout: the shape of forward's output. Returns dx, the same shape."""
        raise NotImplementedError('PlusOneLayer.backward を書いてください / write PlusOneLayer.backward (hint: grader hint sigmoid_graph)')


class ReciprocalLayer:
    """1 / x."""

    def __init__(self):
        self.out = None

    def forward(self, x):
        """x: any shape, no zeros. Returns 1 / x, the same shape."""
        raise NotImplementedError('ReciprocalLayer.forward を書いてください / write ReciprocalLayer.forward (hint: grader hint sigmoid_graph)')

    def backward(self, dout):
        """dout: the shape of forward's output. Returns dx, the same shape."""
        raise NotImplementedError('ReciprocalLayer.backward を書いてください / write ReciprocalLayer.backward (hint: grader hint sigmoid_graph)')


class SigmoidGraph:
    """The four nodes in a row: y = 1 / (1 + exp(-x))."""

    def __init__(self):
        self.nodes = [NegLayer(), ExpLayer(), PlusOneLayer(), ReciprocalLayer()]

    def forward(self, x):
        """x: any shape. Returns y, the same shape."""
        raise NotImplementedError('SigmoidGraph.forward を書いてください / write SigmoidGraph.forward (hint: grader hint sigmoid_graph)')

    def backward(self, dout):
        """dout: the shape of y. Returns dx, the same shape."""
        raise NotImplementedError('SigmoidGraph.backward を書いてください / write SigmoidGraph.backward (hint: grader hint sigmoid_graph)')

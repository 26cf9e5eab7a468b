"""A network built from modules that learn by themselves (an extra, after section 5.7).

The ideas of this chapter in the modular style many frameworks began with. Every module has
forward(x) and backward(grad, learning_rate): backward returns the gradient by the module's
input, and a module with parameters (Linear) also takes its own SGD step there. A Network is a
row of modules and a loss; learning XOR is the proof that all of it fits together.
"""
import numpy as np


class Linear:
    """out = x W + b, learning as the gradient passes back through it."""

    def __init__(self, input_size, output_size):
        # scaled by the input size so that a sigmoid network starts where its slope is useful
        self.W = np.random.randn(input_size, output_size) / np.sqrt(input_size)
        self.b = np.zeros(output_size)
        self.x = None

    def forward(self, x):
        """x: (N, input_size). Returns out: (N, output_size)."""
        self.x = x
        return np.dot(x, self.W) + self.b

    def backward(self, grad, learning_rate):
        """grad: (N, output_size), the loss's gradient by out. Returns dx: (N, input_size), with
        the W that forward used; then one SGD step: W -= learning_rate * dW, b likewise."""
        dx = np.dot(grad, self.W.T)
        dW = np.dot(self.x.T, grad)
        db = np.sum(grad, axis=0)
        self.W -= learning_rate * dW
        self.b -= learning_rate * db
        return dx


class Sigmoid:
    """1 / (1 + exp(-x)), element-wise."""

    def __init__(self):
        self.out = None

    def forward(self, x):
        """x: any shape. Returns out, the same shape."""
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, grad, learning_rate):
        """grad: the shape of out. Returns dx (nothing to learn here)."""
        return grad * self.out * (1 - self.out)


class ReLU:
    """max(x, 0), element-wise."""

    def __init__(self):
        self.mask = None

    def forward(self, x):
        """x: any shape. Returns out, the same shape."""
        self.mask = x > 0
        return x * self.mask

    def backward(self, grad, learning_rate):
        """grad: the shape of out. Returns dx (nothing to learn here)."""
        return grad * self.mask


class Softmax:
    """softmax over the last axis: every output depends on every input of its row."""

    def __init__(self):
        self.out = None

    def forward(self, x):
        """x: (N, C). Returns out: (N, C), each row summing to 1."""
        shifted = x - np.max(x, axis=-1, keepdims=True)
        e = np.exp(shifted)
        self.out = e / np.sum(e, axis=-1, keepdims=True)
        return self.out

    def backward(self, grad, learning_rate):
        """grad: (N, C), the loss's gradient by out. Returns dx: (N, C). Check it against a
        numerical gradient: is it right for an output that depends on every input?"""
        y = self.out
        # the Jacobian of row i is diag(y) - y y^T; its product with grad, row by row
        return y * (grad - np.sum(grad * y, axis=-1, keepdims=True))


class MSELoss:
    """The mean of (y - t) ** 2 over every entry."""

    def __init__(self):
        self.y = None
        self.t = None

    def forward(self, y, t):
        """y, t: the same shape. Returns the loss, one number."""
        self.y, self.t = y, t
        return np.mean((y - t) ** 2)

    def backward(self):
        """Returns the loss's gradient by y: the shape of y."""
        return 2 * (self.y - self.t) / self.y.size


class Network:
    """Modules in a row, and a loss at the end."""

    def __init__(self, modules, loss):
        self.modules = list(modules)
        self.loss = loss

    def forward(self, x):
        """x: (N, D). Returns the last module's output."""
        for module in self.modules:
            x = module.forward(x)
        return x

    def train_step(self, x, t, learning_rate):
        """Forward, the loss, then backward through every module from the last (each learning as
        the gradient passes). Returns the loss before the step."""
        loss = self.loss.forward(self.forward(x), t)
        grad = self.loss.backward()
        for module in reversed(self.modules):
            grad = module.backward(grad, learning_rate)
        return loss

    def train(self, x, t, learning_rate, steps):
        """`steps` training steps on the same (x, t). Returns the losses, one per step."""
        return np.array([self.train_step(x, t, learning_rate) for _ in range(steps)], dtype=float)

"""The Affine forward pass seen on MNIST (extra; the Affine layer of 5.6.2 on the data of 5.7.4).

Weights are easiest to understand as pictures. Here W is not learnt but built by hand: column k
is the mean image of the digit k over the 60,000 training images. Z = X·W then scores every
image against each of the ten mean images (many bright pixels in common: a high score), and the
class with the highest score is the prediction.

    X (N, 784) · W (784, 10) = Z (N, 10)  --argmax of each row-->  y (N,)

`grader check --plot DIR` draws W's ten columns as 28x28 pictures and Z as a heat map.
"""
import numpy as np

from grader.datasets import load_mnist

COUNT = 20   # how many training images are scored


def mean_images(x, t):
    """x: (N, D) images, t: (N,) class indices 0-9 (each class present at least once).
    Returns W (D, 10): column k is the mean of the rows of x whose label is k."""
    raise NotImplementedError('mean_images を書いてください / write mean_images (hint: grader hint affine_mnist_picture)')


def affine_forward(x, W):
    """x: (N, D), W: (D, M). Returns Z = x·W, (N, M): the Affine layer's forward with no bias."""
    raise NotImplementedError('affine_forward を書いてください / write affine_forward (hint: grader hint affine_mnist_picture)')


def predict(Z):
    """Z: (N, M) scores. Returns y (N,): the class with the highest score in each row."""
    raise NotImplementedError('predict を書いてください / write predict (hint: grader hint affine_mnist_picture)')


def accuracy(y, t):
    """y, t: (N,) class indices. Returns the fraction of y equal to t, a number in [0, 1]."""
    raise NotImplementedError('accuracy を書いてください / write accuracy (hint: grader hint affine_mnist_picture)')


def mnist_picture():
    """W from the training set, then the first COUNT training images scored with it.
    Returns {'W': (784, 10), 'Z': (COUNT, 10), 'y': (COUNT,), 'accuracy': a number}."""
    raise NotImplementedError('mnist_picture を書いてください / write mnist_picture (hint: grader hint affine_mnist_picture)')


if __name__ == "__main__":   # python affine_mnist_picture.py
    picture = mnist_picture()
    print("predicted:", picture["y"])
    print("accuracy:", picture["accuracy"])

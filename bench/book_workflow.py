"""The book's own way to answer "is my chapter 5 right?", run on the solutions for the benchmark.

gradient_check.py: a full numerical gradient of TwoLayerNet(784, 50, 10) on 3 samples against
backpropagation; then train_neuralnet.py: 10,000 iterations of SGD with train and test accuracy
every epoch. Run from inside a submission folder (bench/run.py does so).
"""
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # grader, from a source checkout too
sys.path.insert(0, str(Path.cwd()))
from grader.datasets import load_mnist  # noqa: E402
from two_layer_net import TwoLayerNet  # noqa: E402

started = time.perf_counter()
(x_train, t_train), (x_test, t_test) = load_mnist(normalize=True, one_hot_label=True)

network = TwoLayerNet(784, 50, 10)
numerical = network.numerical_gradient(x_train[:3], t_train[:3])
backprop = network.gradient(x_train[:3], t_train[:3])
for key in numerical:
    print(key, np.average(np.abs(backprop[key] - numerical[key])))

network = TwoLayerNet(784, 50, 10)
iters, batch, lr = 10_000, 100, 0.1
per_epoch = max(x_train.shape[0] // batch, 1)
for i in range(iters):
    mask = np.random.choice(x_train.shape[0], batch)
    grad = network.gradient(x_train[mask], t_train[mask])
    for key in ("W1", "b1", "W2", "b2"):
        network.params[key] -= lr * grad[key]
    if i % per_epoch == 0:
        print(i, network.accuracy(x_train, t_train), network.accuracy(x_test, t_test))
print("seconds", time.perf_counter() - started)

"""The floor under a check: the book's training loop alone, for as many steps as the grader's
MNIST run takes, in a fresh process (start-up, imports and MNIST from the cache included).

The batches are what the grader's worker feeds the student's gradient: float64 images scaled from
uint8 (the book's float32 makes numpy's matrix products take a slow mixed-precision path, which
would make the floor look higher than what any grader has to pay), on one BLAS thread.
`python bench/training_floor.py STEPS` from inside a submission folder; prints the seconds.
"""
import sys
import time

started = time.perf_counter()
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # grader, from a source checkout too
sys.path.insert(0, str(Path.cwd()))
from grader.datasets import load_mnist  # noqa: E402
from two_layer_net import TwoLayerNet  # noqa: E402

steps = int(sys.argv[1])
(images, labels), _ = load_mnist(normalize=False, one_hot_label=False)
one_hot = np.eye(10)
network = TwoLayerNet(784, 50, 10)
for _ in range(steps):
    mask = np.random.choice(images.shape[0], 100)
    grad = network.gradient(images[mask] / 255.0, one_hot[labels[mask]])
    for key in ("W1", "b1", "W2", "b2"):
        network.params[key] -= 0.1 * grad[key]
print(time.perf_counter() - started)

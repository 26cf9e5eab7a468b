"""Gradient check (5.7.3): backpropagation against numerical differentiation on 3 MNIST samples.

勾配確認: 誤差逆伝播法で求めた勾配と数値微分の勾配の差を表示します。`python gradient_check.py`
"""
import numpy as np

from grader.datasets import load_mnist
from two_layer_net import TwoLayerNet

if __name__ == "__main__":
    (x_train, t_train), (x_test, t_test) = load_mnist(normalize=True, one_hot_label=True)
    network = TwoLayerNet(input_size=784, hidden_size=50, output_size=10)

    x_batch = x_train[:3]
    t_batch = t_train[:3]

    grad_numerical = network.numerical_gradient(x_batch, t_batch)
    grad_backprop = network.gradient(x_batch, t_batch)

    for key in grad_numerical:
        diff = np.average(np.abs(grad_backprop[key] - grad_numerical[key]))
        print(key + ":" + str(diff))

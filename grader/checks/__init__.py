"""Which function checks what: one entry per check named in the catalogue."""
from __future__ import annotations

from grader.checks import (activations, affine, arithmetic, modular_network, network, picture, sigmoid_graph,
                           softmax, training)

CHECKS = {
    "MulLayer": {"forward": arithmetic.mul_forward, "backward": arithmetic.mul_backward},
    "AddLayer": {"forward": arithmetic.add_forward, "backward": arithmetic.add_backward},
    "buy_apple_orange": {"book_values": arithmetic.apple_book_values,
                         "random_values": arithmetic.apple_random_values},
    "Relu": {"forward": activations.relu_forward, "backward": activations.relu_backward},
    "Sigmoid": {"forward": activations.sigmoid_forward, "backward": activations.sigmoid_backward},
    "Affine": {"forward": affine.forward, "backward": affine.backward, "tensor_input": affine.tensor_input},
    "SoftmaxWithLoss": {"forward": softmax.forward, "backward": softmax.backward,
                        "class_labels": softmax.class_labels},
    "TwoLayerNet": {"small_network": network.small_network, "full_network": network.full_network},
    "train_neuralnet": {"accuracy": training.accuracy},
    "sigmoid_graph": {"neg": sigmoid_graph.neg, "exp": sigmoid_graph.exp, "plus_one": sigmoid_graph.plus_one,
                      "reciprocal": sigmoid_graph.reciprocal, "composed": sigmoid_graph.composed},
    "affine_mnist_picture": {"mean_images": picture.mean_images, "affine_forward": picture.affine_forward,
                             "predict": picture.predict, "accuracy": picture.accuracy,
                             "on_mnist": picture.on_mnist},
    "modular_network": {"linear_gradient": modular_network.linear_gradient,
                        "linear_update": modular_network.linear_update, "sigmoid": modular_network.sigmoid,
                        "relu": modular_network.relu, "mse_loss": modular_network.mse_loss,
                        "softmax": modular_network.softmax, "xor": modular_network.xor},
}

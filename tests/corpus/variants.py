"""Correct answers written differently from the solutions: every one must pass.

Each is a list of (file, old, new) edits to the solutions and the exercises it touches. A variant
that is right only for what the network uses (the book's flat Affine of section 5.6.2, a
SoftmaxWithLoss for one-hot labels only) names in `costs` the checks it fails: those fail, and
only those; every exercise built on it must still pass.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Variant:
    id: str
    edits: tuple[tuple[str, str, str], ...]
    exercises: tuple[str, ...]
    costs: tuple[str, ...] = ()     # "Exercise.check" that fail, and cost only their own points


_FLAT_AFFINE = (
    ("layers.py", "        self.original_x_shape = x.shape\n        self.x = x.reshape(x.shape[0], -1)\n"
                  "        return np.dot(self.x, self.W) + self.b",
     "        self.x = x\n        return np.dot(x, self.W) + self.b"),
    ("layers.py", "        return dx.reshape(*self.original_x_shape)", "        return dx"),
)
_ONE_HOT_SOFTMAX = (
    ("layers.py", "        if self.t.size == self.y.size:  # one-hot targets\n            dx = (self.y - self.t) / batch_size\n"
                  "        else:  # class indices: subtract 1 at each row's correct class\n            dx = self.y.copy()\n"
                  "            dx[np.arange(batch_size), self.t] -= 1\n            dx = dx / batch_size\n        return dx",
     "        return (self.y - self.t) / batch_size"),
)

VARIANTS = (
    Variant("relu_np_maximum", (
        ("layers.py", "        out = x.copy()\n        out[self.mask] = 0\n        return out",
         "        return np.maximum(x, 0)"),), ("Relu",)),
    Variant("relu_np_where_backward_new_array", (
        ("layers.py", "        dout[self.mask] = 0  # the book reuses dout in place; nothing flows where x was <= 0\n        return dout",
         "        return np.where(self.mask, 0.0, dout)"),), ("Relu",)),
    Variant("sigmoid_stable", (
        ("layers.py", "        out = 1 / (1 + np.exp(-x))",
         "        out = np.exp(-np.logaddexp(0, -x))"),), ("Sigmoid",)),
    Variant("sigmoid_tanh_form", (
        ("layers.py", "        out = 1 / (1 + np.exp(-x))",
         "        out = 0.5 * (1 + np.tanh(0.5 * x))"),), ("Sigmoid",)),
    Variant("affine_matmul_operator", (
        ("layers.py", "        return np.dot(self.x, self.W) + self.b",
         "        return self.x @ self.W + self.b"),
        ("layers.py", "        dx = np.dot(dout, self.W.T)\n        self.dW = np.dot(self.x.T, dout)",
         "        dx = dout @ self.W.T\n        self.dW = self.x.T @ dout"),), ("Affine",)),
    Variant("affine_db_keepdims_then_reshape", (
        ("layers.py", "        self.db = np.sum(dout, axis=0)",
         "        self.db = np.sum(dout, axis=0, keepdims=True).reshape(self.b.shape)"),), ("Affine",)),
    Variant("affine_einsum", (
        ("layers.py", "        self.dW = np.dot(self.x.T, dout)",
         "        self.dW = np.einsum('nd,nm->dm', self.x, dout)"),), ("Affine",)),
    Variant("softmax_labels_via_eye", (
        ("layers.py", "        else:  # class indices: subtract 1 at each row's correct class\n            dx = self.y.copy()\n            dx[np.arange(batch_size), self.t] -= 1\n            dx = dx / batch_size",
         "        else:\n            dx = (self.y - np.eye(self.y.shape[1])[self.t]) / batch_size"),), ("SoftmaxWithLoss",)),
    Variant("softmax_log_softmax_loss", (
        ("layers.py", "        self.loss = cross_entropy_error(self.y, self.t)",
         "        z = x - x.max(axis=1, keepdims=True)\n"
         "        log_y = z - np.log(np.exp(z).sum(axis=1, keepdims=True))\n"
         "        labels = t.argmax(axis=1) if t.ndim == 2 else t\n"
         "        self.loss = -np.mean(log_y[np.arange(x.shape[0]), labels])"),), ("SoftmaxWithLoss",)),
    Variant("gradient_explicit_calls", (
        ("two_layer_net.py", "        dout = self.lastLayer.backward(1)\n        for layer in reversed(list(self.layers.values())):\n            dout = layer.backward(dout)",
         "        dout = self.lastLayer.backward()\n        dout = self.layers['Affine2'].backward(dout)\n"
         "        dout = self.layers['Relu1'].backward(dout)\n        self.layers['Affine1'].backward(dout)"),),
        ("TwoLayerNet",)),
    Variant("gradient_with_prints", (
        ("two_layer_net.py", "        dout = self.lastLayer.backward(1)",
         "        print('loss computed, starting backward')\n        dout = self.lastLayer.backward(1)"),),
        ("TwoLayerNet",)),
    # The MNIST run's gradients normally travel through shared memory; these take the other road
    # (float32 arrays, another key order, a fresh dict) and must be graded the same.
    Variant("gradient_float32_in_another_order", (
        ("two_layer_net.py", '''        return {
            "W1": self.layers["Affine1"].dW, "b1": self.layers["Affine1"].db,
            "W2": self.layers["Affine2"].dW, "b2": self.layers["Affine2"].db,
        }''', '''        grads = {}
        grads["b2"] = self.layers["Affine2"].db.astype(np.float32)
        grads["W2"] = self.layers["Affine2"].dW.astype(np.float32)
        grads["b1"] = self.layers["Affine1"].db.astype(np.float32)
        grads["W1"] = self.layers["Affine1"].dW.astype(np.float32)
        return grads'''),), ("TwoLayerNet", "train_neuralnet")),
    Variant("mul_and_add_written_differently", (
        ("layers.py", "        dx = dout * self.y  # each input's gradient is scaled by the other input\n        dy = dout * self.x\n        return dx, dy",
         "        return (self.y * dout, self.x * dout)"),
        ("layers.py", "        return dout * 1, dout * 1", "        return dout, dout"),), ("MulLayer", "AddLayer", "buy_apple_orange")),
    Variant("apple_graph_in_loops", (
        ("buy_apple_orange.py", "    apple_price = mul_apple.forward(apple, apple_num)",
         "    print('building the graph')\n    apple_price = mul_apple.forward(apple, apple_num)"),), ("buy_apple_orange",)),
    # What many readers write from the text of 5.6.2 and 5.6.3: right for the network of 5.7,
    # which feeds flat (N, 784) images and one-hot labels.
    Variant("affine_flat_only", _FLAT_AFFINE, ("Affine", "TwoLayerNet", "train_neuralnet"),
            costs=("Affine.tensor_input",)),
    Variant("softmax_one_hot_only", _ONE_HOT_SOFTMAX, ("SoftmaxWithLoss", "TwoLayerNet"),
            costs=("SoftmaxWithLoss.class_labels",)),
    Variant("flat_affine_and_one_hot_softmax", _FLAT_AFFINE + _ONE_HOT_SOFTMAX,
            ("Affine", "SoftmaxWithLoss", "TwoLayerNet", "train_neuralnet"),
            costs=("Affine.tensor_input", "SoftmaxWithLoss.class_labels")),
    # -- sigmoid_graph (an extra) -------------------------------------------------------------
    Variant("graph_reciprocal_from_its_input", (
        ("sigmoid_graph.py", "        out = 1 / x\n        self.out = out",
         "        self.x = x\n        out = 1 / x\n        self.out = out"),
        ("sigmoid_graph.py", "        return -dout * self.out ** 2  # d(1/x)/dx = -1/x**2 = -y**2",
         "        return -dout / (self.x * self.x)"),), ("sigmoid_graph",)),
    Variant("graph_numpy_ufuncs_and_named_nodes", (
        ("sigmoid_graph.py", "        return -x\n", "        return np.negative(x)\n"),
        ("sigmoid_graph.py", "        out = 1 / x\n", "        out = np.reciprocal(x)\n"),
        ("sigmoid_graph.py", "        for node in reversed(self.nodes):\n            dout = node.backward(dout)\n        return dout",
         "        neg, exp, plus_one, reciprocal = self.nodes\n"
         "        return neg.backward(exp.backward(plus_one.backward(reciprocal.backward(dout))))"),),
        ("sigmoid_graph",)),
    # -- affine_mnist_picture (an extra) ------------------------------------------------------
    Variant("picture_means_by_one_hot_product", (
        ("affine_mnist_picture.py",
         "    W = np.zeros((x.shape[1], 10))\n    for k in range(10):\n        W[:, k] = x[t == k].mean(axis=0)\n    return W",
         "    one_hot = np.eye(10)[t]                     # (N, 10)\n"
         "    return np.dot(x.T, one_hot) / one_hot.sum(axis=0)"),), ("affine_mnist_picture",)),
    Variant("picture_float32_throughout_and_one_hot_labels", (
        ("affine_mnist_picture.py",
         "    W = np.zeros((x.shape[1], 10))\n    for k in range(10):\n        W[:, k] = x[t == k].mean(axis=0)\n    return W",
         "    sums = np.zeros((x.shape[1], 10), dtype=np.float32)\n    counts = np.zeros(10)\n"
         "    for image, label in zip(x, t):\n        sums[:, label] += image\n        counts[label] += 1\n"
         "    return sums / counts"),
        ("affine_mnist_picture.py", "    (x_train, t_train), (x_test, t_test) = load_mnist(normalize=True)\n",
         "    (x_train, t_train), (x_test, t_test) = load_mnist(normalize=True, one_hot_label=True)\n"
         "    t_train = np.argmax(t_train, axis=1)\n"),
        ("affine_mnist_picture.py", "    return np.sum(y == t) / len(t)", "    return np.mean(y == t, dtype=np.float32)"),
        ("affine_mnist_picture.py", "    return np.argmax(Z, axis=1)", "    return Z.argmax(axis=-1)"),
        ("affine_mnist_picture.py", "    return np.dot(x, W)", "    return x.astype(np.float32) @ W.astype(np.float32)"),),
        ("affine_mnist_picture",)),
    # -- modular_network (an extra) -----------------------------------------------------------
    Variant("modular_linear_rebinds_its_arrays", (
        ("modular_network.py", "        self.W -= learning_rate * dW\n        self.b -= learning_rate * db",
         "        self.W = self.W - learning_rate * dW\n        self.b = self.b - learning_rate * db"),
        ("modular_network.py", "        dW = np.dot(self.x.T, grad)", "        dW = np.einsum('ni,no->io', self.x, grad)"),),
        ("modular_network",)),
    Variant("modular_softmax_full_jacobian", (
        ("modular_network.py", "        return y * (grad - np.sum(grad * y, axis=-1, keepdims=True))",
         "        jacobian = np.einsum('ni,ij->nij', y, np.eye(y.shape[-1])) - np.einsum('ni,nj->nij', y, y)\n"
         "        return np.einsum('nij,ni->nj', jacobian, grad)"),
        ("modular_network.py", "        return grad * self.mask", "        return np.where(self.mask, grad, 0.0)"),),
        ("modular_network",)),
)

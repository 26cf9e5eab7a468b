"""Realistic chapter-5 student bugs, as edits to the solutions.

Each bug must make its exercise fail (state failed or error, never passed), with a report that
names the quantity or idea in `says` (checked case-insensitively in the exercise's output), never
says what is in `not_says` (an explanation whose evidence does not hold for this bug), and must
leave the exercises in `still_pass` passing: the blame lands on the right layer, and only there.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Bug:
    id: str
    file: str
    old: str
    new: str
    exercise: str
    says: tuple[str, ...]
    still_pass: tuple[str, ...] = ()
    not_says: tuple[str, ...] = ()


_GRADIENT_RETURNED = '''        return {
            "W1": self.layers["Affine1"].dW, "b1": self.layers["Affine1"].db,
            "W2": self.layers["Affine2"].dW, "b2": self.layers["Affine2"].db,
        }'''


def _returning(expression: str) -> str:
    """The solution's gradient, with `expression` of each gradient `g` returned instead."""
    return (_GRADIENT_RETURNED.replace("return {", "grads = {")
            + f"\n        return {{key: {expression} for key, g in grads.items()}}")


BUGS = (
    # -- MulLayer / AddLayer --------------------------------------------------------------
    Bug("mul_swapped_gradients", "layers.py",
        "dx = dout * self.y  # each input's gradient is scaled by the other input\n        dy = dout * self.x",
        "dx = dout * self.x\n        dy = dout * self.y",
        "MulLayer", ("dx", "swapped"), ("AddLayer", "Relu")),
    Bug("mul_forgot_dout", "layers.py",
        "dx = dout * self.y  # each input's gradient is scaled by the other input\n        dy = dout * self.x",
        "dx = self.y\n        dy = self.x",
        "MulLayer", ("dx",), ("AddLayer",)),
    Bug("mul_forward_no_return", "layers.py",
        "        self.y = y\n        return x * y",
        "        self.y = y\n        out = x * y",
        "MulLayer", ("None", "return"), ("AddLayer",)),
    Bug("mul_forward_keeps_nothing", "layers.py",
        "        self.x = x\n        self.y = y\n        return x * y",
        "        return x * y",
        "MulLayer", ("unsupported operand", "NoneType"), ("AddLayer",)),
    Bug("mul_forward_in_place", "layers.py",
        "        self.y = y\n        return x * y",
        "        self.y = y\n        x *= y\n        return x",
        "MulLayer", ("changed the array",), ("AddLayer",)),
    Bug("add_backward_one_value", "layers.py",
        "        return dout * 1, dout * 1",
        "        return dout",
        "AddLayer", ("two values",), ("MulLayer",)),
    Bug("add_backward_halves", "layers.py",
        "        return dout * 1, dout * 1",
        "        return dout / 2, dout / 2",
        "AddLayer", ("dx", "0.5"), ("MulLayer",)),
    # -- buy_apple_orange ---------------------------------------------------------------------
    Bug("apple_hard_coded", "buy_apple_orange.py",
        "    return price, dapple, dapple_num, dorange, dorange_num, dtax",
        "    return 715.0000000000001, 2.2, 110.00000000000001, 3.3000000000000003, 165.0, 650",
        "buy_apple_orange", ("price",), ("MulLayer", "AddLayer")),
    Bug("apple_backward_skips_tax", "buy_apple_orange.py",
        "    dapple_price, dorange_price = add_fruit.backward(dsubtotal)",
        "    dapple_price, dorange_price = add_fruit.backward(1)",
        "buy_apple_orange", ("dapple",), ("MulLayer", "AddLayer")),
    Bug("apple_tax_not_applied", "buy_apple_orange.py",
        "    dsubtotal, dtax = mul_tax.backward(1)",
        "    dtax, dsubtotal = 1, mul_tax.backward(1)[1]",
        "buy_apple_orange", ("dapple",), ("MulLayer", "AddLayer")),
    # -- Relu ------------------------------------------------------------------------------
    Bug("relu_mask_inverted", "layers.py",
        "        dout[self.mask] = 0  # the book reuses dout in place; nothing flows where x was <= 0",
        "        dout[~self.mask] = 0",
        "Relu", ("dx", "inverted"), ("Sigmoid", "Affine")),
    Bug("relu_backward_passes_everything", "layers.py",
        "        dout[self.mask] = 0  # the book reuses dout in place; nothing flows where x was <= 0\n        return dout",
        "        return dout",
        "Relu", ("dx", "leak"), ("Sigmoid", "Affine")),
    Bug("relu_forward_in_place", "layers.py",
        "        out = x.copy()\n        out[self.mask] = 0\n        return out",
        "        x[self.mask] = 0\n        return x",
        "Relu", ("changed the array",), ("Sigmoid",)),
    Bug("relu_mask_only", "layers.py",
        "        dout[self.mask] = 0  # the book reuses dout in place; nothing flows where x was <= 0\n        return dout",
        "        return (~self.mask).astype(float)",
        "Relu", ("dx", "mask"), ("Sigmoid",)),
    Bug("relu_backward_no_return", "layers.py",
        "        dout[self.mask] = 0  # the book reuses dout in place; nothing flows where x was <= 0\n        return dout",
        "        dout[self.mask] = 0",
        "Relu", ("None",), ("Sigmoid",)),
    Bug("relu_mask_inverted_through_dx", "layers.py",
        "        dout[self.mask] = 0  # the book reuses dout in place; nothing flows where x was <= 0\n        return dout",
        "        dout[~self.mask] = 0\n        dx = dout\n        return dx",
        "Relu", ("dx", "inverted", "dout[~self.mask] = 0"), ("Sigmoid", "Affine"), not_says=("dx = dout",)),
    Bug("relu_forward_mask_inverted", "layers.py",
        "        self.mask = x <= 0",
        "        self.mask = x > 0",
        "Relu", ("out", "inverted"), ("Sigmoid",)),
    Bug("relu_backward_returns_fresh_zeros", "layers.py",
        "        dout[self.mask] = 0  # the book reuses dout in place; nothing flows where x was <= 0\n        return dout",
        "        dx = np.zeros_like(dout)\n        dout[self.mask] = 0\n        return dx",
        "Relu", ("dx", "not returned or stored"), ("Sigmoid",)),
    Bug("relu_forward_returns_tuple", "layers.py",
        "        out[self.mask] = 0\n        return out",
        "        out[self.mask] = 0\n        return out, self.mask",
        "Relu", ("out", "tuple of 2"), ("Sigmoid",)),
    Bug("relu_forward_no_return", "layers.py",
        "        out[self.mask] = 0\n        return out",
        "        out[self.mask] = 0",
        "Relu", ("out", "None", "return"), ("Sigmoid",)),
    # -- Sigmoid ---------------------------------------------------------------------------
    Bug("sigmoid_forgot_dout", "layers.py",
        "        return dout * (1.0 - self.out) * self.out",
        "        return (1.0 - self.out) * self.out",
        "Sigmoid", ("dx",), ("Relu",)),
    Bug("sigmoid_sign", "layers.py",
        "        out = 1 / (1 + np.exp(-x))",
        "        out = 1 / (1 + np.exp(x))",
        "Sigmoid", ("out",), ("Relu",)),
    Bug("sigmoid_derivative_sign", "layers.py",
        "        return dout * (1.0 - self.out) * self.out",
        "        return dout * (self.out - 1.0) * self.out",
        "Sigmoid", ("dx", "sign"), ("Relu",)),
    Bug("sigmoid_no_out_kept", "layers.py",
        "        out = 1 / (1 + np.exp(-x))\n        self.out = out\n        return out",
        "        return 1 / (1 + np.exp(-x))",
        "Sigmoid", ("NoneType",), ("Relu",)),
    Bug("sigmoid_forward_constant", "layers.py",
        "        out = 1 / (1 + np.exp(-x))",
        "        out = 1 / (1 + np.exp(-1))",
        "Sigmoid", ("out", "shape ()"), ("Relu",), not_says=("batch", "->")),
    Bug("sigmoid_floor_division", "layers.py",
        "        out = 1 / (1 + np.exp(-x))",
        "        out = 1 // (1 + np.exp(-x))",
        "Sigmoid", ("out",), ("Relu",), not_says=("not returned or stored", "->")),
    Bug("sigmoid_backward_one_plus", "layers.py",
        "        return dout * (1.0 - self.out) * self.out",
        "        return dout * (1.0 + self.out) * self.out",
        "Sigmoid", ("dx", "(1 + y)", "y(1 - y)"), ("Relu",)),
    # -- Affine ----------------------------------------------------------------------------
    Bug("affine_dx_no_transpose", "layers.py",
        "        dx = np.dot(dout, self.W.T)",
        "        dx = np.dot(dout, self.W)",
        "Affine", ("shapes", "not aligned"), ("Relu", "SoftmaxWithLoss")),
    Bug("affine_dW_wrong_transpose", "layers.py",
        "        self.dW = np.dot(self.x.T, dout)",
        "        self.dW = np.dot(dout.T, self.x)",
        "Affine", ("dW", "transpose"), ("Relu", "SoftmaxWithLoss")),
    Bug("affine_db_not_summed", "layers.py",
        "        self.db = np.sum(dout, axis=0)",
        "        self.db = dout",
        "Affine", ("db",), ("Relu", "SoftmaxWithLoss")),
    Bug("affine_db_summed_all", "layers.py",
        "        self.db = np.sum(dout, axis=0)",
        "        self.db = np.sum(dout)",
        "Affine", ("db", "every axis", "axis=0"), ("Relu", "SoftmaxWithLoss"),
        not_says=("batch axis is missing",)),
    Bug("affine_db_mean", "layers.py",
        "        self.db = np.sum(dout, axis=0)",
        "        self.db = np.mean(dout, axis=0)",
        "Affine", ("db", "batch"), ("Relu", "SoftmaxWithLoss")),
    Bug("affine_db_with_dot", "layers.py",
        "        self.db = np.sum(dout, axis=0)",
        "        self.db = np.dot(np.ones(dout.shape[1]), dout.T)",
        "Affine", ("db",), ("Relu", "SoftmaxWithLoss")),
    Bug("affine_copies_W", "layers.py",
        "        self.W = W\n        self.b = b",
        "        self.W = W.copy()\n        self.b = b.copy()",
        "Affine", ("copies", "W"), ("Relu", "SoftmaxWithLoss")),
    Bug("affine_dx_not_reshaped", "layers.py",
        "        return dx.reshape(*self.original_x_shape)",
        "        return dx",
        "Affine", ("dx", "shape"), ("Relu", "SoftmaxWithLoss")),
    Bug("affine_no_flatten", "layers.py",
        "        self.x = x.reshape(x.shape[0], -1)",
        "        self.x = x",
        "Affine", ("tensor_input",), ("Relu", "SoftmaxWithLoss")),
    Bug("affine_grads_accumulate", "layers.py",
        "        self.dW = np.dot(self.x.T, dout)\n        self.db = np.sum(dout, axis=0)",
        "        if self.dW is None:\n            self.dW, self.db = np.zeros_like(self.W), np.zeros_like(self.b)\n"
        "        self.dW += np.dot(self.x.T, dout)\n        self.db += np.sum(dout, axis=0)",
        "Affine", ("dw", "second", "+="), ("MulLayer", "AddLayer", "Relu", "Sigmoid")),
    Bug("affine_dW_not_stored", "layers.py",
        "        self.dW = np.dot(self.x.T, dout)",
        "        dW = np.dot(self.x.T, dout)",
        "Affine", ("self.dW", "None"), ("Relu", "SoftmaxWithLoss")),
    # -- SoftmaxWithLoss ---------------------------------------------------------------------
    Bug("softmax_missing_batch_division", "layers.py",
        "            dx = (self.y - self.t) / batch_size",
        "            dx = self.y - self.t",
        "SoftmaxWithLoss", ("dx", "batch"), ("Affine", "Relu")),
    Bug("softmax_onehot_only", "layers.py",
        "        if self.t.size == self.y.size:  # one-hot targets\n            dx = (self.y - self.t) / batch_size\n        else:  # class indices: subtract 1 at each row's correct class\n            dx = self.y.copy()\n            dx[np.arange(batch_size), self.t] -= 1\n            dx = dx / batch_size\n        return dx",
        "        return (self.y - self.t) / batch_size",
        "SoftmaxWithLoss", ("class_labels", "one-hot"), ("Affine", "Relu")),
    Bug("softmax_sign", "layers.py",
        "            dx = (self.y - self.t) / batch_size",
        "            dx = (self.t - self.y) / batch_size",
        "SoftmaxWithLoss", ("dx", "sign"), ("Affine", "Relu")),
    Bug("softmax_forward_no_return", "layers.py",
        "        self.loss = cross_entropy_error(self.y, self.t)\n        return self.loss",
        "        self.loss = cross_entropy_error(self.y, self.t)",
        "SoftmaxWithLoss", ("None", "loss"), ("Affine", "Relu")),
    Bug("softmax_unstable", "layers.py",
        "        self.y = softmax(x)",
        "        self.y = np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)",
        "SoftmaxWithLoss", ("loss", "overflow"), ("Affine", "Relu")),
    Bug("softmax_loss_without_mean", "layers.py",
        "        self.loss = cross_entropy_error(self.y, self.t)",
        "        self.loss = cross_entropy_error(self.y, self.t) * self.y.shape[0]",
        "SoftmaxWithLoss", ("loss", "4 times too large"), ("Affine", "Relu")),
    Bug("softmax_dx_uses_t_shape_0_wrongly", "layers.py",
        "        batch_size = self.t.shape[0]",
        "        batch_size = self.y.shape[1]",
        "SoftmaxWithLoss", ("dx",), ("Affine", "Relu")),
    Bug("softmax_dx_summed_over_batch", "layers.py",
        "            dx = (self.y - self.t) / batch_size",
        "            dx = np.sum(self.y - self.t, axis=0) / batch_size",
        "SoftmaxWithLoss", ("dx", "summed over the batch axis"), ("Affine", "Relu")),
    Bug("softmax_normalised_over_the_batch", "layers.py",
        "        self.y = softmax(x)",
        "        e = np.exp(x - np.max(x))\n        self.y = e / np.sum(e)",
        "SoftmaxWithLoss", ("loss", "whole batch", "axis=1"), ("Affine", "Relu"), not_says=("constant factor",)),
    Bug("cross_entropy_one_hot_only", "functions.py",
        "    if t.size == y.size:  # one-hot rows become class indices\n        t = t.argmax(axis=1)\n    batch_size = y.shape[0]\n    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size",
        "    batch_size = y.shape[0]\n    return -np.sum(t * np.log(y + 1e-7)) / batch_size",
        "SoftmaxWithLoss", ("class_labels", "one-hot"), ("Affine", "Relu", "TwoLayerNet", "train_neuralnet"),
        not_says=("constant factor",)),
    Bug("softmax_backward_needs_dout", "layers.py",
        "    def backward(self, dout=1):",
        "    def backward(self, dout):",
        "SoftmaxWithLoss", ("backward", "dout"), ("Affine", "Relu")),
    # -- TwoLayerNet.gradient ------------------------------------------------------------------
    Bug("gradient_layers_forwards", "two_layer_net.py",
        "        for layer in reversed(list(self.layers.values())):",
        "        for layer in list(self.layers.values()):",
        "TwoLayerNet", ("gradient", "reverse order"), ("Affine", "Relu", "SoftmaxWithLoss")),
    Bug("gradient_no_forward", "two_layer_net.py",
        "        self.loss(x, t)  # forward: every layer remembers what its backward needs\n",
        "",
        "TwoLayerNet", ("gradient",), ("Affine", "Relu", "SoftmaxWithLoss")),
    Bug("gradient_swapped_layers", "two_layer_net.py",
        '"W1": self.layers["Affine1"].dW, "b1": self.layers["Affine1"].db,\n            "W2": self.layers["Affine2"].dW, "b2": self.layers["Affine2"].db,',
        '"W1": self.layers["Affine2"].dW, "b1": self.layers["Affine2"].db,\n            "W2": self.layers["Affine1"].dW, "b2": self.layers["Affine1"].db,',
        "TwoLayerNet", ("W1", "shape"), ("Affine", "Relu", "SoftmaxWithLoss")),
    Bug("gradient_dW_db_swapped", "two_layer_net.py",
        '"W2": self.layers["Affine2"].dW, "b2": self.layers["Affine2"].db,',
        '"W2": self.layers["Affine2"].db, "b2": self.layers["Affine2"].dW,',
        "TwoLayerNet", ("W2", "shape"), ("Affine", "Relu", "SoftmaxWithLoss")),
    Bug("gradient_no_return", "two_layer_net.py",
        "        return {\n            \"W1\"",
        "        grads = {\n            \"W1\"",
        "TwoLayerNet", ("None", "return"), ("Affine", "Relu", "SoftmaxWithLoss")),
    Bug("gradient_missing_key", "two_layer_net.py",
        ' "b2": self.layers["Affine2"].db,\n',
        '\n',
        "TwoLayerNet", ("b2",), ("Affine", "Relu", "SoftmaxWithLoss")),
    Bug("gradient_is_numerical", "two_layer_net.py",
        "        self.loss(x, t)  # forward: every layer remembers what its backward needs\n",
        "        return self.numerical_gradient(x, t)\n",
        "TwoLayerNet", ("slow", "numerical gradient", "return self.numerical_gradient(x, t)"),
        ("Affine", "Relu", "SoftmaxWithLoss"), not_says=("def gradient",)),
    # The form: the numerical gradient returned first, the backward code after it never runs.
    Bug("gradient_returns_numerical_before_its_own_code", "two_layer_net.py",
        '''        self.loss(x, t)  # forward: every layer remembers what its backward needs

        dout = self.lastLayer.backward(1)
        for layer in reversed(list(self.layers.values())):
            dout = layer.backward(dout)

        return {
            "W1": self.layers["Affine1"].dW, "b1": self.layers["Affine1"].db,
            "W2": self.layers["Affine2"].dW, "b2": self.layers["Affine2"].db,
        }''',
        '''        return self.numerical_gradient(x, t)
        self.loss(x, t)
        dout = self.lastLayer.backward(1)
        for layer in reversed(list(self.layers.values())):
            dout = layer.backward(dout)
        grads = {}
        grads["W1"], grads["b1"] = self.layers["Affine1"].dW, self.layers["Affine1"].db
        grads["W2"], grads["b2"] = self.layers["Affine2"].dW, self.layers["Affine2"].db
        return grads''',
        "TwoLayerNet", ("numerical gradient", "return self.numerical_gradient(x, t)"),
        ("Affine", "Relu", "SoftmaxWithLoss"), not_says=('grads["W1"], grads["b1"]',)),
    Bug("gradient_dout_scaled", "two_layer_net.py",
        "        dout = self.lastLayer.backward(1)",
        "        dout = self.lastLayer.backward(1) * x.shape[0]",
        "TwoLayerNet", ("batch",), ("Affine", "Relu", "SoftmaxWithLoss")),
    Bug("gradient_accumulated_in_a_kept_dict", "two_layer_net.py",
        '''        return {
            "W1": self.layers["Affine1"].dW, "b1": self.layers["Affine1"].db,
            "W2": self.layers["Affine2"].dW, "b2": self.layers["Affine2"].db,
        }''',
        '''        if not hasattr(self, "grads"):
            self.grads = {key: np.zeros_like(value) for key, value in self.params.items()}
        self.grads["W1"] += self.layers["Affine1"].dW
        self.grads["b1"] += self.layers["Affine1"].db
        self.grads["W2"] += self.layers["Affine2"].dW
        self.grads["b2"] += self.layers["Affine2"].db
        return self.grads''',
        "TwoLayerNet", ("second", "+="), ("Affine", "Relu", "SoftmaxWithLoss")),
    Bug("net_layers_hold_copies", "two_layer_net.py",
        'self.layers["Affine1"] = Affine(self.params["W1"], self.params["b1"])',
        'self.layers["Affine1"] = Affine(self.params["W1"].copy(), self.params["b1"].copy())',
        "TwoLayerNet", ("W1",), ("Affine", "Relu", "SoftmaxWithLoss")),
    # Wrong gradients that would wreck the MNIST run: the network's own checks catch them, with
    # the shape of the mistake, and the run is not started (its pre-flight would say the same).
    Bug("gradient_returns_zeros", "two_layer_net.py",
        _GRADIENT_RETURNED, _returning("np.zeros_like(g)"),
        "TwoLayerNet", ("W1", "every entry is zero"), ("Affine", "Relu", "SoftmaxWithLoss"),
        not_says=("initial", "20 training images")),
    Bug("gradient_sign_flipped", "two_layer_net.py",
        _GRADIENT_RETURNED, _returning("-g"),
        "TwoLayerNet", ("W1", "sign"), ("Affine", "Relu", "SoftmaxWithLoss"),
        not_says=("initial", "20 training images")),
    Bug("gradient_times_1000", "two_layer_net.py",
        _GRADIENT_RETURNED, _returning("g * 1000"),
        "TwoLayerNet", ("W1", "1000 times"), ("Affine", "Relu", "SoftmaxWithLoss"),
        not_says=("initial", "20 training images", "diverged")),
    # -- train_neuralnet: a network that cannot learn, stopped by the pre-flight ---------------
    Bug("net_zero_initialisation", "two_layer_net.py",
        '"W1": weight_init_std * np.random.randn(input_size, hidden_size),',
        '"W1": np.zeros((input_size, hidden_size)),',
        "train_neuralnet", ("before training", "20 training images", "w1", "every entry equal", "random"),
        ("TwoLayerNet",), not_says=("test accuracy",)),
    Bug("net_init_without_scale", "two_layer_net.py",
        '"W1": weight_init_std * np.random.randn(input_size, hidden_size),',
        '"W1": np.random.randn(input_size, hidden_size),',
        # Only W1 unscaled: the outputs still start near uniform (W2 is small) and 20 examples are
        # learnt, so the pre-flight lets it run; the run crawls, and the start is named as why.
        "train_neuralnet", ("test accuracy", "w1", "started large", "weight_init_std"),
        ("TwoLayerNet",), not_says=("before training", "diverged")),
    Bug("net_init_std_one", "two_layer_net.py",
        "def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):",
        "def __init__(self, input_size, hidden_size, output_size, weight_init_std=1):",
        "train_neuralnet", ("before training", "initial loss", "ln 10", "started large", "def __init__"),
        ("TwoLayerNet",), not_says=("test accuracy", "20 training images", "gradient")),
    Bug("net_weights_all_zero", "two_layer_net.py",
        '"W1": weight_init_std * np.random.randn(input_size, hidden_size),\n'
        '            "b1": np.zeros(hidden_size),\n'
        '            "W2": weight_init_std * np.random.randn(hidden_size, output_size),',
        '"W1": np.zeros((input_size, hidden_size)),\n'
        '            "b1": np.zeros(hidden_size),\n'
        '            "W2": np.zeros((hidden_size, output_size)),',
        "train_neuralnet", ("before training", "20 training images", "every entry equal"),
        ("TwoLayerNet",), not_says=("test accuracy", "ln 10")),
)

"""The book's repository layout, built from this project's own solutions/ (never the book's code).

    repo/ch05/layer_naive.py        MulLayer, AddLayer
    repo/ch05/buy_apple_orange.py   a top-level script that prints the six values
    repo/ch05/two_layer_net.py      sys.path.append(os.pardir); from common.layers import *
    repo/common/layers.py           Relu, Sigmoid, Affine, SoftmaxWithLoss (from common.functions import *)
    repo/common/functions.py, gradient.py, util.py, __init__.py
    repo/dataset/__init__.py, mnist.py
"""
from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import SOLUTIONS


def _segments(file: str, names: tuple[str, ...]) -> str:
    """The source of the named top-level classes or functions of a solutions file, in order."""
    source = (SOLUTIONS / file).read_text(encoding="utf-8")
    tree = ast.parse(source)
    parts = [ast.get_source_segment(source, node) for node in tree.body
             if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and node.name in names]
    assert len(parts) == len(names), f"{file} must define {names}"
    return "\n\n\n".join(parts) + "\n"


BUY_APPLE_ORANGE_SCRIPT = '''# coding: utf-8
from layer_naive import *

apple, apple_num = 100, 2
orange, orange_num = 150, 3
tax = 1.1

# the four nodes of the graph
mul_apple_layer = MulLayer()
mul_orange_layer = MulLayer()
add_apple_orange_layer = AddLayer()
mul_tax_layer = MulLayer()

# forward
apple_price = mul_apple_layer.forward(apple, apple_num)
orange_price = mul_orange_layer.forward(orange, orange_num)
all_price = add_apple_orange_layer.forward(apple_price, orange_price)
price = mul_tax_layer.forward(all_price, tax)

# backward, in the reverse order
dprice = 1
dall_price, dtax = mul_tax_layer.backward(dprice)
dapple_price, dorange_price = add_apple_orange_layer.backward(dall_price)
dorange, dorange_num = mul_orange_layer.backward(dorange_price)
dapple, dapple_num = mul_apple_layer.backward(dapple_price)

print("price:", int(price))
print("dApple:", dapple)
print("dApple_num:", int(dapple_num))
print("dOrange:", dorange)
print("dOrange_num:", int(dorange_num))
print("dTax:", dtax)
'''

UTIL = '''import numpy as np


def im2col(input_data, filter_h, filter_w, stride=1, pad=0):
    """(N, C, H, W) -> rows of every filter-sized patch (N * out_h * out_w, C * filter_h * filter_w)."""
    n, c, h, w = input_data.shape
    out_h, out_w = (h + 2 * pad - filter_h) // stride + 1, (w + 2 * pad - filter_w) // stride + 1
    padded = np.pad(input_data, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
    rows = [padded[:, :, i * stride:i * stride + filter_h, j * stride:j * stride + filter_w].reshape(n, -1)
            for i in range(out_h) for j in range(out_w)]
    return np.stack(rows, axis=1).reshape(n * out_h * out_w, -1)


def col2im(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    """The inverse gathering of im2col: patches summed back into (N, C, H, W)."""
    n, c, h, w = input_shape
    out_h, out_w = (h + 2 * pad - filter_h) // stride + 1, (w + 2 * pad - filter_w) // stride + 1
    image = np.zeros((n, c, h + 2 * pad, w + 2 * pad))
    patches = col.reshape(n, out_h * out_w, c, filter_h, filter_w)
    for k in range(out_h * out_w):
        i, j = divmod(k, out_w)
        image[:, :, i * stride:i * stride + filter_h, j * stride:j * stride + filter_w] += patches[:, k]
    return image[:, :, pad:pad + h, pad:pad + w]
'''

MNIST = '''def load_mnist(normalize=True, flatten=True, one_hot_label=False):
    raise RuntimeError("the test repository has no MNIST files")
'''


def build_book_repository(root: Path, script: str = BUY_APPLE_ORANGE_SCRIPT) -> Path:
    """Write the layout under `root`; returns its ch05 folder."""
    ch05, common, dataset = root / "ch05", root / "common", root / "dataset"
    for folder in (ch05, common, dataset):
        folder.mkdir(parents=True, exist_ok=True)
    (ch05 / "layer_naive.py").write_text("# coding: utf-8\n\n\n" + _segments("layers.py", ("MulLayer", "AddLayer")),
                                         encoding="utf-8")
    (common / "__init__.py").write_text("", encoding="utf-8")
    (common / "functions.py").write_text(
        "# coding: utf-8\nimport numpy as np\n\n\n" + _segments("functions.py", ("softmax", "cross_entropy_error")),
        encoding="utf-8")
    (common / "gradient.py").write_text(
        "# coding: utf-8\nimport numpy as np\n\n\n" + _segments("functions.py", ("numerical_gradient",)),
        encoding="utf-8")
    (common / "util.py").write_text(UTIL, encoding="utf-8")
    (common / "layers.py").write_text(
        "# coding: utf-8\nimport numpy as np\nfrom common.functions import *\nfrom common.util import im2col, col2im\n\n\n"
        + _segments("layers.py", ("Relu", "Sigmoid", "Affine", "SoftmaxWithLoss")), encoding="utf-8")
    net = (SOLUTIONS / "two_layer_net.py").read_text(encoding="utf-8")
    for old, new in (("from functions import numerical_gradient as numerical_gradient_of",
                      "from common.gradient import numerical_gradient as numerical_gradient_of"),
                     ("from layers import Affine, Relu, SoftmaxWithLoss", "from common.layers import *")):
        assert net.count(old) == 1, old
        net = net.replace(old, new)
    (ch05 / "two_layer_net.py").write_text(
        "# coding: utf-8\nimport sys, os\nsys.path.append(os.pardir)  # the repository's common/\n" + net,
        encoding="utf-8")
    if script is not None:
        (ch05 / "buy_apple_orange.py").write_text(script, encoding="utf-8")
    (dataset / "__init__.py").write_text("", encoding="utf-8")
    (dataset / "mnist.py").write_text(MNIST, encoding="utf-8")
    return ch05

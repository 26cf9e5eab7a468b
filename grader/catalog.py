"""The exercises, declared once, in the book's order.

Everything else (the runner, the report, `grader list`, the hints, the points) reads this table;
nothing else knows the list of exercises. Hints go from a nudge to a shape-level recipe and never
contain the answer's code.
"""
from __future__ import annotations

from dataclasses import dataclass

FORMAT_VERSION = 1


@dataclass(frozen=True)
class CheckSpec:
    name: str
    points: float


@dataclass(frozen=True)
class Exercise:
    id: str
    file: str                       # the submission file the student edits
    title: dict                     # {"ja": ..., "en": ...}
    checks: tuple[CheckSpec, ...]
    depends_on: tuple[str, ...] = ()
    hints: tuple[dict, ...] = ()    # each {"ja": ..., "en": ...}, gentlest first
    writes: tuple[str, ...] = ()    # what the student writes: "Class.method" or "function"
    section: str = ""               # where the book explains it

    @property
    def points(self) -> float:
        return sum(c.points for c in self.checks)


def _checks(*pairs) -> tuple[CheckSpec, ...]:
    return tuple(CheckSpec(name, points) for name, points in pairs)


EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "MulLayer", "layers.py",
        {"ja": "乗算レイヤ", "en": "Multiplication layer"},
        _checks(("forward", 2), ("backward", 3)),
        hints=(
            {"ja": "forward では逆伝播で使う入力 x と y を覚えておきます。",
             "en": "forward must remember the inputs x and y: backward needs them."},
            {"ja": "乗算ノードの逆伝播は、上流の勾配に「もう一方の入力」を掛けたものです。",
             "en": "A multiplication node sends back the upstream gradient times the *other* input."},
            {"ja": "backward は (dx, dy) の順に 2 つ返します。dx は dout と y から、dy は dout と x から作ります。",
             "en": "backward returns two values in the order (dx, dy): dx from dout and y, dy from dout and x."},
        ),
        writes=("MulLayer.forward", "MulLayer.backward"), section="5.4.1"),
    Exercise(
        "AddLayer", "layers.py",
        {"ja": "加算レイヤ", "en": "Addition layer"},
        _checks(("forward", 2), ("backward", 3)),
        hints=(
            {"ja": "加算ノードは逆伝播で何も覚えておく必要がありません。",
             "en": "An addition node needs to remember nothing for backward."},
            {"ja": "加算ノードの逆伝播は、上流の勾配をそのまま両方の入力へ流します。",
             "en": "An addition node passes the upstream gradient unchanged to both inputs."},
        ),
        writes=("AddLayer.forward", "AddLayer.backward"), section="5.4.2"),
    Exercise(
        "buy_apple_orange", "buy_apple_orange.py",
        {"ja": "りんごとみかんの計算グラフ", "en": "The apple and orange graph"},
        _checks(("book_values", 3), ("random_values", 2)),
        depends_on=("MulLayer", "AddLayer"),
        hints=(
            {"ja": "レイヤは 4 つ要ります: りんごの乗算、みかんの乗算、その和、消費税の乗算。",
             "en": "You need four layers: apple times count, orange times count, their sum, and the tax."},
            {"ja": "逆伝播は順伝播と逆の順番で呼びます。最初の dout は 1 です。",
             "en": "Call backward in the reverse order of forward, starting with dout = 1."},
            {"ja": "引数の値を使い、数値を書き込まないでください。採点はランダムな値でも確かめます。",
             "en": "Use the arguments, never literal numbers: the grader also tries random prices."},
        ),
        writes=("buy_apple_orange",), section="5.4.2"),
    Exercise(
        "Relu", "layers.py",
        {"ja": "ReLU レイヤ", "en": "ReLU layer"},
        _checks(("forward", 3), ("backward", 5)),
        hints=(
            {"ja": "forward で「どこが 0 以下だったか」を self.mask に覚えておきます。",
             "en": "In forward, remember in self.mask where the input was <= 0."},
            {"ja": "逆伝播では、順伝播で 0 にした場所の勾配を 0 にし、それ以外はそのまま流します。",
             "en": "In backward, the gradient is zero where forward output zero and passes unchanged elsewhere."},
            {"ja": "forward で受け取った x を書き換えないこと。コピーしてから 0 を代入します。",
             "en": "Do not modify the x that forward received: copy it before writing zeros."},
        ),
        writes=("Relu.forward", "Relu.backward"), section="5.5.1"),
    Exercise(
        "Sigmoid", "layers.py",
        {"ja": "Sigmoid レイヤ", "en": "Sigmoid layer"},
        _checks(("forward", 3), ("backward", 5)),
        hints=(
            {"ja": "forward の出力 y を self.out に覚えておくと、逆伝播は y だけで書けます。",
             "en": "Keep forward's output y in self.out: backward can be written with y alone."},
            {"ja": "シグモイドの微分は y(1 - y) です。上流の勾配と要素ごとに掛けます。",
             "en": "The sigmoid's derivative is y(1 - y), multiplied element-wise with the upstream gradient."},
        ),
        writes=("Sigmoid.forward", "Sigmoid.backward"), section="5.5.2"),
    Exercise(
        "Affine", "layers.py",
        {"ja": "Affine レイヤ", "en": "Affine layer"},
        _checks(("forward", 5), ("backward", 8), ("tensor_input", 4)),
        hints=(
            {"ja": "形を追いかけましょう: x は (N, D)、W は (D, M)、dout は (N, M) です。",
             "en": "Follow the shapes: x is (N, D), W is (D, M), dout is (N, M)."},
            {"ja": "dx は W と同じ向きの行列積、dW は x の転置との積です。形が合う掛け方は 1 通りしかありません。",
             "en": "dx and dW are matrix products with a transpose each; only one order makes the shapes fit."},
            {"ja": "db はバッチ方向 (axis=0) の和です。dx は forward が受け取った元の形に戻します。",
             "en": "db is a sum over the batch axis (axis=0). Give dx back in the shape forward received."},
            {"ja": "W と b をコピーせず、そのまま持ってください。学習で params が書き換わるのを見るためです。",
             "en": "Keep W and b themselves, not copies: training updates params in place and the layer must see it."},
        ),
        writes=("Affine.forward", "Affine.backward"), section="5.6.2"),
    Exercise(
        "SoftmaxWithLoss", "layers.py",
        {"ja": "Softmax-with-Loss レイヤ", "en": "Softmax-with-Loss layer"},
        _checks(("forward", 6), ("backward", 7), ("class_labels", 4)),
        hints=(
            {"ja": "forward は softmax と cross_entropy_error (functions.py) を組み合わせ、y と t を覚えておきます。",
             "en": "forward combines softmax and cross_entropy_error from functions.py and keeps y and t."},
            {"ja": "逆伝播の結果は「出力と教師ラベルの差」をバッチの大きさで割ったものです。",
             "en": "The backward result is the difference between output and target, divided by the batch size."},
            {"ja": "t はワンホットでもクラス番号の配列でも来ます。t.size == y.size で見分けられます。",
             "en": "t may be one-hot or an array of class indices: t.size == y.size tells them apart."},
        ),
        writes=("SoftmaxWithLoss.forward", "SoftmaxWithLoss.backward"), section="5.6.3"),
    Exercise(
        "TwoLayerNet", "two_layer_net.py",
        {"ja": "2 層ネットワークの勾配 (誤差逆伝播法)", "en": "Two-layer network gradient by backpropagation"},
        _checks(("small_network", 9), ("full_network", 8)),
        depends_on=("Affine", "Relu", "SoftmaxWithLoss"),
        hints=(
            {"ja": "まず loss(x, t) を呼んで順伝播し、各レイヤに値を覚えさせます。",
             "en": "First call loss(x, t) so that every layer remembers its forward values."},
            {"ja": "lastLayer.backward(1) から始め、self.layers を逆順にたどって backward を呼びます。",
             "en": "Start with lastLayer.backward(1), then call backward on self.layers in reverse order."},
            {"ja": "最後に各 Affine レイヤの dW と db を W1, b1, W2, b2 の辞書にまとめます。numerical_gradient は使いません。",
             "en": "Finally collect each Affine layer's dW and db into a dict W1, b1, W2, b2. Do not use numerical_gradient."},
        ),
        writes=("TwoLayerNet.gradient",), section="5.7.2"),
    Exercise(
        "train_neuralnet", "two_layer_net.py",
        {"ja": "MNIST で学習する", "en": "Training on MNIST"},
        _checks(("accuracy", 18)),
        depends_on=("TwoLayerNet",),
        hints=(
            {"ja": "ここでは新しいコードは要りません。TwoLayerNet.gradient が正しく速ければ学習できます。",
             "en": "No new code here: a correct and fast TwoLayerNet.gradient is enough to learn."},
            {"ja": "学習が進まないなら、レイヤが params の配列そのものを使っているか (コピーしていないか) 確かめます。",
             "en": "If it does not learn, check that the layers use the params arrays themselves, not copies."},
        ),
        section="5.7.4"),
)

BY_ID = {e.id: e for e in EXERCISES}
ORDER = tuple(e.id for e in EXERCISES)


def find(name: str) -> Exercise | None:
    """Exercise ids match case-insensitively on the command line."""
    lowered = name.lower()
    return next((e for e in EXERCISES if e.id.lower() == lowered), None)


def with_dependencies(ids) -> list[str]:
    """The exercises asked for plus everything they depend on, in book order."""
    wanted: set[str] = set()
    stack = list(ids)
    while stack:
        current = stack.pop()
        if current not in wanted:
            wanted.add(current)
            stack.extend(BY_ID[current].depends_on)
    return [e for e in ORDER if e in wanted]


def with_points(exercise: Exercise, points: dict | None) -> Exercise:
    """The exercise with some checks re-weighted ({check name: points}); unknown names are ignored
    here because configuration is validated where it is read (grader.config)."""
    if not points:
        return exercise
    from dataclasses import replace
    checks = tuple(CheckSpec(c.name, float(points.get(c.name, c.points))) for c in exercise.checks)
    return replace(exercise, checks=checks)

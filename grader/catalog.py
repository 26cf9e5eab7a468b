"""The exercises, declared once, in the book's order.

Everything else (the runner, the report, `grader list`, the hints, the points) reads this table;
nothing else knows the list of exercises. Hints go from a nudge to a shape-level recipe and never
contain the answer's code. Titles and hints are message keys (`title.Relu`, `hint.Relu.2`): their
sentences, in every language, are in the catalogs of grader/i18n.
"""
from __future__ import annotations

from dataclasses import dataclass

from grader.i18n import Localized as _t

FORMAT_VERSION = 1


@dataclass(frozen=True)
class CheckSpec:
    name: str
    points: float
    # An extra's checks are worth nothing by default; `weight` is each one's share of the total a
    # course gives the exercise ([tool.grader.points] sigmoid_graph = 10).
    weight: float | None = None

    @property
    def share(self) -> float:
        return self.points if self.weight is None else self.weight


@dataclass(frozen=True)
class Exercise:
    id: str
    file: str                       # the submission file the student edits
    title: _t                       # title[lang] is the title in that language
    checks: tuple[CheckSpec, ...]
    depends_on: tuple[str, ...] = ()
    hints: tuple[_t, ...] = ()      # each hint[lang], gentlest first
    writes: tuple[str, ...] = ()    # what the student writes: "Class.method" or "function"
    section: str = ""               # where the book explains it
    # The checks of its dependencies this exercise actually relies on ("Affine.backward"); a
    # dependency named in none of them must pass whole. A failing check of a dependency that is
    # not relied on costs its own points only: this exercise runs without it (see `needs`).
    uses: tuple[str, ...] = ()
    # Given code the student corrects rather than writes: (Class.method, the stub's body), e.g. a
    # backward in its common wrong form. The stub holds that body instead of a raise.
    starts: tuple[tuple[str, str], ...] = ()
    # An extra lies outside the default 100 points and is graded only when written (some method
    # of its own file is no longer the stub) or named on the command line (grader/selection.py).
    extra: bool = False

    def needs(self, dependency: str) -> tuple[str, ...] | None:
        """The checks of `dependency` that must pass for this exercise to run; None: all of them."""
        named = tuple(u.split(".", 1)[1] for u in self.uses if u.split(".", 1)[0] == dependency)
        return named or None

    @property
    def points(self) -> float:
        return sum(c.points for c in self.checks)

    def split(self, total: float) -> dict[str, float]:
        """`total` points shared over the checks in the catalogue's proportions."""
        whole = sum(c.share for c in self.checks)
        return {c.name: (total * c.share / whole if whole else total / len(self.checks)) for c in self.checks}


def _checks(*pairs) -> tuple[CheckSpec, ...]:
    return tuple(CheckSpec(name, points) for name, points in pairs)


def _weighted(*pairs) -> tuple[CheckSpec, ...]:
    """An extra's checks: no points of their own, a share of whatever a course gives."""
    return tuple(CheckSpec(name, 0.0, weight) for name, weight in pairs)


EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "MulLayer", "layers.py",
        _t("title.MulLayer"),
        _checks(("forward", 2), ("backward", 3)),
        hints=(_t("hint.MulLayer.1"), _t("hint.MulLayer.2"), _t("hint.MulLayer.3")),
        writes=("MulLayer.forward", "MulLayer.backward"), section="5.4.1"),
    Exercise(
        "AddLayer", "layers.py",
        _t("title.AddLayer"),
        _checks(("forward", 2), ("backward", 3)),
        hints=(_t("hint.AddLayer.1"), _t("hint.AddLayer.2")),
        writes=("AddLayer.forward", "AddLayer.backward"), section="5.4.2"),
    Exercise(
        "buy_apple_orange", "buy_apple_orange.py",
        _t("title.buy_apple_orange"),
        _checks(("book_values", 3), ("random_values", 2)),
        depends_on=("MulLayer", "AddLayer"),
        hints=(_t("hint.buy_apple_orange.1"), _t("hint.buy_apple_orange.2"), _t("hint.buy_apple_orange.3")),
        writes=("buy_apple_orange",), section="5.4.2"),
    Exercise(
        "Relu", "layers.py",
        _t("title.Relu"),
        _checks(("forward", 3), ("backward", 5)),
        hints=(_t("hint.Relu.1"), _t("hint.Relu.2"), _t("hint.Relu.3")),
        writes=("Relu.forward", "Relu.backward"), section="5.5.1"),
    Exercise(
        "Sigmoid", "layers.py",
        _t("title.Sigmoid"),
        _checks(("forward", 3), ("backward", 5)),
        hints=(_t("hint.Sigmoid.1"), _t("hint.Sigmoid.2")),
        writes=("Sigmoid.forward", "Sigmoid.backward"), section="5.5.2"),
    Exercise(
        "Affine", "layers.py",
        _t("title.Affine"),
        _checks(("forward", 5), ("backward", 8), ("tensor_input", 4)),
        hints=(_t("hint.Affine.1"), _t("hint.Affine.2"), _t("hint.Affine.3"), _t("hint.Affine.4"),
               _t("hint.Affine.5")),
        writes=("Affine.forward", "Affine.backward"), section="5.6.2"),
    Exercise(
        "SoftmaxWithLoss", "layers.py",
        _t("title.SoftmaxWithLoss"),
        _checks(("forward", 6), ("backward", 7), ("class_labels", 4)),
        hints=(_t("hint.SoftmaxWithLoss.1"), _t("hint.SoftmaxWithLoss.2"), _t("hint.SoftmaxWithLoss.3")),
        writes=("SoftmaxWithLoss.forward", "SoftmaxWithLoss.backward"), section="5.6.3"),
    Exercise(
        "TwoLayerNet", "two_layer_net.py",
        _t("title.TwoLayerNet"),
        _checks(("small_network", 9), ("full_network", 8)),
        depends_on=("Affine", "Relu", "SoftmaxWithLoss"),
        hints=(_t("hint.TwoLayerNet.1"), _t("hint.TwoLayerNet.2"), _t("hint.TwoLayerNet.3")),
        writes=("TwoLayerNet.gradient",), section="5.7.2",
        # The network of 5.7 feeds flat (N, D) inputs: Affine's tensor form is not used; class
        # index targets are tried only where SoftmaxWithLoss passed class_labels.
        uses=("Affine.forward", "Affine.backward", "Relu.forward", "Relu.backward",
              "SoftmaxWithLoss.forward", "SoftmaxWithLoss.backward")),
    Exercise(
        "train_neuralnet", "two_layer_net.py",
        _t("title.train_neuralnet"),
        _checks(("accuracy", 18)),
        depends_on=("TwoLayerNet",),
        hints=(_t("hint.train_neuralnet.1"), _t("hint.train_neuralnet.2"), _t("hint.train_neuralnet.3")),
        section="5.7.4"),
    # -- extras: outside the default 100 points, graded once written or named --------------------
    Exercise(
        "sigmoid_graph", "sigmoid_graph.py",
        _t("title.sigmoid_graph"),
        _weighted(("neg", 1), ("exp", 1), ("plus_one", 1), ("reciprocal", 2), ("composed", 3)),
        hints=(_t("hint.sigmoid_graph.1"), _t("hint.sigmoid_graph.2"), _t("hint.sigmoid_graph.3")),
        writes=("NegLayer.forward", "NegLayer.backward", "ExpLayer.forward", "ExpLayer.backward",
                "PlusOneLayer.forward", "PlusOneLayer.backward", "ReciprocalLayer.forward",
                "ReciprocalLayer.backward", "SigmoidGraph.forward", "SigmoidGraph.backward"),
        section="5.5.2", extra=True),
    Exercise(
        "affine_mnist_picture", "affine_mnist_picture.py",
        _t("title.affine_mnist_picture"),
        _weighted(("mean_images", 2), ("affine_forward", 1), ("predict", 1), ("accuracy", 1), ("on_mnist", 3)),
        hints=(_t("hint.affine_mnist_picture.1"), _t("hint.affine_mnist_picture.2"),
               _t("hint.affine_mnist_picture.3"), _t("hint.affine_mnist_picture.4")),
        writes=("mean_images", "affine_forward", "predict", "accuracy", "mnist_picture"),
        section="5.6.2", extra=True),
    Exercise(
        "modular_network", "modular_network.py",
        _t("title.modular_network"),
        _weighted(("linear_gradient", 3), ("linear_update", 3), ("sigmoid", 1), ("relu", 1), ("mse_loss", 2),
                  ("softmax", 3), ("xor", 3)),
        hints=(_t("hint.modular_network.1"), _t("hint.modular_network.2"), _t("hint.modular_network.3"),
               _t("hint.modular_network.4")),
        writes=("Linear.forward", "Linear.backward", "Sigmoid.forward", "Sigmoid.backward", "ReLU.forward",
                "ReLU.backward", "MSELoss.forward", "MSELoss.backward", "Network.forward", "Network.train_step"),
        # The element-wise form that is right for the sigmoid, and wrong here: the student fixes it.
        starts=(("Softmax.backward", "y = self.out\nreturn grad * y * (1 - y)"),),
        section="5.7", extra=True),
)

BY_ID = {e.id: e for e in EXERCISES}
ORDER = tuple(e.id for e in EXERCISES)            # the core in the book's order, then the extras
CORE = tuple(e.id for e in EXERCISES if not e.extra)
EXTRAS = tuple(e.id for e in EXERCISES if e.extra)


def is_extra(exercise_id: str) -> bool:
    """Whether `exercise_id` is an extra (False for an id the catalogue does not know)."""
    exercise = BY_ID.get(exercise_id)
    return exercise is not None and exercise.extra


def find(name: str) -> Exercise | None:
    """Exercise ids match case-insensitively on the command line."""
    lowered = name.lower()
    return next((e for e in EXERCISES if e.id.lower() == lowered), None)


def hint_text(exercise_id: str, step: int, lang: str) -> str:
    """Hint `step` (1 = the gentlest) of an exercise in `lang`; "" when there is no such step."""
    hints = BY_ID[exercise_id].hints
    if not 1 <= step <= len(hints):
        return ""
    return hints[step - 1].get(lang, hints[step - 1]["en"])


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

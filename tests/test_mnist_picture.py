"""The extra `affine_mnist_picture`: the four functions, the picture on MNIST, and its numbers."""
from __future__ import annotations

import numpy as np
import pytest

from grader.checks.picture import COUNT, mnist_reference
from grader.results import State
from grader.runner import run
from tests.conftest import mutate

EXERCISE = "affine_mnist_picture"


def _checks(report) -> dict:
    result = next(e for e in report.exercises if e.exercise == EXERCISE)
    return {c.check: c for c in result.checks}


def test_the_reference_gives_the_numbers_the_exercise_quotes():
    """Measured on the shipped MNIST: 12 of the first 20 training images, 0.6."""
    truth = mnist_reference()
    assert truth["W"].shape == (784, 10) and truth["Z"].shape == (COUNT, 10)
    assert 0.0 <= truth["W"].min() and truth["W"].max() <= 1.0
    assert truth["accuracy"] == 0.6
    # Every row's best score is clear of the runner-up by more than the Z tolerance allows.
    top = np.sort(truth["Z"], axis=1)
    assert ((top[:, -1] - top[:, -2]) / top[:, -1]).min() > 1e-3


def test_the_solution_passes_and_leaves_its_picture(solutions_copy):
    report = run(solutions_copy, [EXERCISE])
    assert [e.exercise for e in report.exercises] == [EXERCISE]
    checks = _checks(report)
    assert all(c.state is State.PASSED for c in checks.values()), {n: c.state for n, c in checks.items()}
    picture = checks["on_mnist"].extra["picture"]
    assert picture["W"].shape == (784, 10) and picture["Z"].shape == (COUNT, 10)
    assert np.allclose(picture["W"], mnist_reference()["W"], rtol=0, atol=1e-4)


def test_the_stub_is_not_started_and_left_out_unless_written(stubs_copy):
    assert EXERCISE not in [e.exercise for e in run(stubs_copy, ["Relu"]).exercises]
    report = run(stubs_copy, [EXERCISE])
    assert {c.state for c in _checks(report).values()} == {State.NOT_STARTED}


def test_a_wrong_pipeline_is_blamed_on_its_line(solutions_copy):
    mutate(solutions_copy, "affine_mnist_picture.py", "    W = mean_images(x_train, t_train)\n",
           "    W = mean_images(x_test, t_test)\n")
    checks = _checks(run(solutions_copy, [EXERCISE]))
    failing = [name for name, c in checks.items() if c.state is not State.PASSED]
    assert failing == ["on_mnist"]
    on_mnist = checks["on_mnist"]
    assert on_mnist.comparison.quantity == "W" and on_mnist.diagnosis.key == "diag_means_of_test_set"
    where = on_mnist.location[0]
    assert where.file == "affine_mnist_picture.py" and where.code == "W = mean_images(x_test, t_test)"


def test_plot_draws_W_and_Z_also_from_a_stored_verdict(tmp_path):
    """--plot: ten 28x28 mean images and a 20x10 heat map; a stored verdict holds W packed, Z (200
    numbers) as a list."""
    pytest.importorskip("matplotlib")
    from grader import plots, verdicts
    from grader.results import CheckResult, ExerciseResult, Report
    rng = np.random.default_rng(0)
    picture = {"W": rng.uniform(size=(784, 10)).astype(np.float32), "Z": rng.uniform(size=(COUNT, 10)),
               "labels": list(range(COUNT))}
    result = ExerciseResult(EXERCISE, "affine_mnist_picture.py",
                            (CheckResult(EXERCISE, "on_mnist", State.FAILED, 0.0, extra={"picture": picture}),))
    stored = verdicts.decode(verdicts.encode(result))
    assert "packed" in stored.checks[0].extra["picture"]["W"]
    assert isinstance(stored.checks[0].extra["picture"]["Z"], list)
    for folder, exercise in ((tmp_path / "fresh", result), (tmp_path / "stored", stored)):
        report = Report(submission="s", exercises=(exercise,), seed=0, duration=1.0)
        files = plots.write_plots(report, folder, "en")
        assert [f.name for f in files] == ["affine_mnist_W.png", "affine_mnist_Z.png"]
        assert all(f.stat().st_size > 1000 for f in files)


def test_plot_draws_W1_also_from_a_stored_training_verdict(tmp_path):
    """The MNIST run's W1 came back from the verdict store as a list, and --plot failed on it."""
    pytest.importorskip("matplotlib")
    from grader import plots, verdicts
    from grader.results import CheckResult, ExerciseResult, Report
    W1 = np.random.default_rng(1).standard_normal((784, 50)).astype(np.float32)
    notes = {"curve": [(0, 0.1), (100, 0.85), (200, 0.9)], "losses": [(0, 2.3), (100, 0.5), (200, 0.3)],
             "loss_images": 2000, "iterations": 200, "test_accuracy": 0.9, "target": 0.94, "W1": W1}
    result = ExerciseResult("train_neuralnet", "two_layer_net.py",
                            (CheckResult("train_neuralnet", "accuracy", State.PASSED, 18.0, extra=notes),))
    stored = verdicts.decode(verdicts.encode(result))
    for folder, exercise in ((tmp_path / "fresh", result), (tmp_path / "stored", stored)):
        report = Report(submission="s", exercises=(exercise,), seed=0, duration=1.0)
        files = plots.write_plots(report, folder, "en")
        assert [f.name for f in files] == ["learning_curve.png", "W1.png"]
    assert (tmp_path / "fresh" / "W1.png").read_bytes() == (tmp_path / "stored" / "W1.png").read_bytes()


def test_plot_leaves_out_a_W_of_the_wrong_shape(tmp_path):
    pytest.importorskip("matplotlib")
    from grader.plots_picture import draw_picture
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    words = {"picture_W_title": "W", "picture_Z_title": "Z", "digit": "digit", "image": "image"}
    files = draw_picture(plt, {"W": np.zeros((10, 784)), "Z": np.ones((COUNT, 10))}, tmp_path, words)
    assert [f.name for f in files] == ["affine_mnist_Z.png"]

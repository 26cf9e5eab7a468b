"""`grader check --plot DIR`: the learning curve and the first layer's weights as pictures.

Each column of W1 (784 weights) is one hidden unit's template, shown as a 28x28 image: the
book's way of seeing what an Affine layer learnt. matplotlib is optional (the `plot` extra).
"""
from __future__ import annotations

from pathlib import Path

from grader.results import Report


class PlotUnavailable(Exception):
    """matplotlib is not installed."""


def _pyplot():
    try:
        import matplotlib
        matplotlib.use("Agg")  # files only: works without a screen, on CI and Colab alike
        import matplotlib.pyplot as plt
    except ImportError:
        raise PlotUnavailable() from None
    return plt


def training_notes(report: Report) -> dict | None:
    for exercise in report.exercises:
        for check in exercise.checks:
            if "curve" in check.extra:
                return dict(check.extra)
    return None


def write_plots(report: Report, folder: Path) -> list[Path]:
    """PNG files for the MNIST run in `report`; none when train_neuralnet did not run."""
    notes = training_notes(report)
    if notes is None:
        return []
    plt = _pyplot()
    folder.mkdir(parents=True, exist_ok=True)
    written = []

    iterations = [i for i, _ in notes["curve"]]
    accuracies = [a for _, a in notes["curve"]]
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(iterations, accuracies, marker=".", label="test accuracy")
    ax.axhline(notes.get("target", 0.94), color="grey", linestyle="--", label="target")
    ax.set_xlabel("iterations")
    ax.set_ylabel("accuracy")
    ax.set_ylim(0, 1)
    ax.legend(loc="lower right")
    ax.set_title("train_neuralnet: learning curve")
    path = folder / "learning_curve.png"
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)
    written.append(path)

    W1 = notes.get("W1")
    if W1 is not None and W1.shape[0] == 784:
        units = W1.shape[1]
        cols = 10
        rows = (units + cols - 1) // cols
        fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.1, rows * 1.1))
        for k, ax in enumerate(axes.flat):
            ax.axis("off")
            if k < units:
                image = W1[:, k].reshape(28, 28)
                limit = float(abs(image).max()) or 1.0
                ax.imshow(image, cmap="bwr", vmin=-limit, vmax=limit)
        fig.suptitle("W1: one 28x28 template per hidden unit")
        path = folder / "W1.png"
        fig.savefig(path, dpi=120, bbox_inches="tight")
        plt.close(fig)
        written.append(path)
    return written

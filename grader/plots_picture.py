"""`grader check --plot DIR` for the extra affine_mnist_picture: W's ten columns as 28x28
pictures (each the mean image of one digit) and Z = X·W as a heat map, one row per image.

The arrays are the student's, as the check recorded them; the labels of the 20 images come from
the grader's own copy of MNIST. From a stored verdict they come back packed (verdicts.stored_array).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from grader.verdicts import stored_array

W_FILE = "affine_mnist_W.png"
Z_FILE = "affine_mnist_Z.png"


def picture_notes(report) -> dict | None:
    for exercise in report.exercises:
        for check in exercise.checks:
            if "picture" in check.extra:
                return dict(check.extra["picture"])
    return None


def draw_picture(plt, notes: dict, folder: Path, words: dict[str, str]) -> list[Path]:
    """The PNG files written: W when it is (784, 10), Z when it has ten columns."""
    written = []
    W = stored_array(notes["W"]).astype(np.float64) if "W" in notes else None
    if W is not None and W.shape == (784, 10):
        fig, axes = plt.subplots(1, 10, figsize=(11, 1.7))
        # One grey scale for all ten: the digits' brightness can be compared with each other.
        top = float(W.max()) if W.size and float(W.max()) > 0 else 1.0
        for k, ax in enumerate(axes):
            ax.imshow(W[:, k].reshape(28, 28), cmap="gray_r", vmin=0.0, vmax=top)
            ax.set_title(str(k))
            ax.axis("off")
        fig.suptitle(words["picture_W_title"], y=1.05)
        written.append(_save(plt, fig, folder / W_FILE))
    Z = stored_array(notes["Z"]).astype(np.float64) if "Z" in notes else None
    if Z is not None and Z.ndim == 2 and Z.shape[1] == 10 and Z.shape[0] > 0:
        rows = Z.shape[0]
        fig, ax = plt.subplots(figsize=(5.5, 1.5 + 0.3 * rows))
        image = ax.imshow(Z, cmap="viridis", aspect="auto")
        fig.colorbar(image, ax=ax)
        # The predicted class of each image: its row's highest score.
        ax.scatter(Z.argmax(axis=1), np.arange(rows), s=30, facecolors="none", edgecolors="white")
        ax.set_xticks(range(10))
        labels = list(notes.get("labels") or [])
        ax.set_yticks(range(rows))
        ax.set_yticklabels([f"{i} ({labels[i]})" if i < len(labels) else str(i) for i in range(rows)])
        ax.set_xlabel(words["digit"])
        ax.set_ylabel(words["image"])
        ax.set_title(words["picture_Z_title"])
        written.append(_save(plt, fig, folder / Z_FILE))
    return written


def _save(plt, fig, path: Path) -> Path:
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)
    return path

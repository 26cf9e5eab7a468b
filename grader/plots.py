"""`grader check --plot DIR`: the learning curve and the first layer's weights as pictures.

Each column of W1 (784 weights) is one hidden unit's template, shown as a 28x28 image: the
book's way of seeing what an Affine layer learnt. The extra affine_mnist_picture's W and Z are
drawn too (grader/plots_picture.py). matplotlib is optional (the `plot` extra).
Labels are in the report's language when an installed font has every glyph they need, and in
English otherwise: a picture of empty boxes helps nobody.
"""
from __future__ import annotations

from pathlib import Path

from grader.messages import say
from grader.plots_picture import draw_picture, picture_notes
from grader.verdicts import stored_array
from grader.results import Report

# Fonts known to carry each script, most common first (Linux packages, then macOS and Windows).
PREFERRED = {
    "ja": ("Noto Sans CJK JP", "Noto Sans JP", "IPAexGothic", "IPAGothic", "TakaoGothic",
           "Hiragino Sans", "Hiragino Kaku Gothic ProN", "Yu Gothic", "Meiryo", "MS Gothic",
           "Source Han Sans JP"),
    "ko": ("Noto Sans CJK KR", "Noto Sans KR", "NanumGothic", "NanumBarunGothic", "Malgun Gothic",
           "Apple SD Gothic Neo", "AppleGothic", "UnDotum", "Source Han Sans KR"),
    "zh": ("Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
           "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC", "Source Han Sans SC",
           "AR PL UMing CN"),
}

# The pictures' words: message keys plot.<name>.
LABELS = ("curve_title", "test_accuracy", "target", "iterations", "accuracy", "w1_title", "loss",
          "picture_W_title", "picture_Z_title", "digit", "image")


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


# matplotlib's own fallback maps every character to one placeholder glyph: boxes by design.
NOT_A_FONT = ("Last Resort",)


def _installed_fonts() -> list[tuple[str, str]]:
    """(family name, file) of every font matplotlib knows, then of system fonts installed since
    matplotlib cached its list (a `apt install fonts-noto-cjk` after the first plot)."""
    from matplotlib import font_manager
    known = [(f.name, f.fname) for f in font_manager.fontManager.ttflist]
    seen = {path for _, path in known}
    try:
        newer = [path for path in font_manager.findSystemFonts() if path not in seen]
    except Exception:
        newer = []
    for path in newer:
        try:
            known.append((font_manager.get_font(path).family_name, path))
        except Exception:
            continue
    return known


def _register(path: str) -> None:
    """Make a font matplotlib had not cached usable by its family name."""
    from matplotlib import font_manager
    if all(f.fname != path for f in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(path)


def covers(path: str, text: str) -> bool:
    """Whether the font file has a glyph for every character of `text` (spaces aside)."""
    try:
        from matplotlib.ft2font import FT2Font
        charmap = FT2Font(path).get_charmap()
    except Exception:   # an unreadable font file is one that cannot draw the labels
        return False
    return all(ord(ch) in charmap for ch in text if not ch.isspace())


def font_for(lang: str, text: str, fonts: list[tuple[str, str]] | None = None) -> tuple[str, str] | None:
    """(family, file) to draw `text` with: a preferred font of `lang` with every glyph, else any
    installed font with every glyph; None when no font can draw it."""
    fonts = _installed_fonts() if fonts is None else fonts
    by_name: dict[str, list[str]] = {}
    for name, path in fonts:
        if not name.startswith(NOT_A_FONT):
            by_name.setdefault(name, []).append(path)
    ordered = [n for n in PREFERRED.get(lang, ()) if n in by_name]
    ordered += sorted(n for n in by_name if n not in ordered)
    for name in ordered:
        for path in by_name[name]:
            if covers(path, text):
                return name, path
    return None


def _choose(lang: str, fonts=None) -> tuple[dict[str, str], tuple[str, str] | None]:
    words = {name: say("plot." + name, lang) for name in LABELS}
    if all(ch.isascii() for text in words.values() for ch in text):
        return words, None
    found = font_for(lang, "".join(words.values()), fonts)
    if found is None:
        return {name: say("plot." + name, "en") for name in LABELS}, None
    return words, found


def labels(lang: str, fonts: list[tuple[str, str]] | None = None) -> tuple[dict[str, str], str | None]:
    """The plots' words in `lang` and the font family that draws them (None: matplotlib's own),
    or the English words where no installed font has their glyphs."""
    words, found = _choose(lang, fonts)
    return words, found[0] if found else None


def training_notes(report: Report) -> dict | None:
    for exercise in report.exercises:
        for check in exercise.checks:
            if "curve" in check.extra:
                return dict(check.extra)
    return None


def write_plots(report: Report, folder: Path, lang: str = "en") -> list[Path]:
    """PNG files for the MNIST run and the affine_mnist_picture extra in `report`; none when
    neither ran."""
    notes = training_notes(report)
    picture = picture_notes(report)
    if notes is None and not picture:
        return []
    plt = _pyplot()
    words, found = _choose(lang)
    family = None
    if found is not None:
        family = found[0]
        _register(found[1])
    style = {"font.family": "sans-serif", "font.sans-serif": [family, "DejaVu Sans"]} if family else {}
    folder.mkdir(parents=True, exist_ok=True)
    with plt.rc_context(style):
        written = _draw(plt, notes, folder, words) if notes is not None else []
        return written + (draw_picture(plt, picture, folder, words) if picture else [])


def _draw(plt, notes: dict, folder: Path, words: dict[str, str]) -> list[Path]:
    written = []
    iterations = [i for i, _ in notes["curve"]]
    accuracies = [a for _, a in notes["curve"]]
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(iterations, accuracies, marker=".", label=words["test_accuracy"])
    ax.axhline(notes.get("target", 0.94), color="grey", linestyle="--", label=words["target"])
    ax.set_xlabel(words["iterations"])
    ax.set_ylabel(words["accuracy"])
    ax.set_ylim(0, 1)
    handles = ax.get_legend_handles_labels()
    losses = notes.get("losses")
    if losses:
        # The loss on its own axis: a NaN (a run that diverged) is left out of the line, and the
        # failure's explanation says where it happened.
        twin = ax.twinx()
        twin.plot([i for i, _ in losses], [v for _, v in losses], color="tab:orange", alpha=0.7,
                  label=words["loss"])
        twin.set_ylabel(words["loss"])
        twin.set_ylim(bottom=0)
        more = twin.get_legend_handles_labels()
        handles = (handles[0] + more[0], handles[1] + more[1])
    ax.legend(*handles, loc="center right")
    ax.set_title(words["curve_title"])
    path = folder / "learning_curve.png"
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)
    written.append(path)

    W1 = stored_array(notes["W1"]) if "W1" in notes else None
    if W1 is not None and W1.ndim == 2 and W1.shape[0] == 784:
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
        fig.suptitle(words["w1_title"])
        path = folder / "W1.png"
        fig.savefig(path, dpi=120, bbox_inches="tight")
        plt.close(fig)
        written.append(path)
    return written

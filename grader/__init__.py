"""backprop-grader: grade chapter 5 of 『ゼロから作るDeep Learning』 (backpropagation).

`from grader import check` gives the notebook entry point; it is imported lazily so that the
command line starts fast.
"""
__version__ = "0.1.0"


def check(path="exercises", *exercises, **options):
    """Grade a submission folder and return its report (see grader.notebook)."""
    from grader.notebook import check as _check
    return _check(path, *exercises, **options)

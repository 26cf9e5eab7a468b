"""backprop-grader: grade chapter 5 of 『ゼロから作るDeep Learning』 (backpropagation).

`from grader import check` gives the notebook entry point; it is imported lazily so that the
command line starts fast.
"""
__version__ = "0.1.0"
# The variables that set how many threads numpy's BLAS starts, read once, when numpy is first
# imported: the grader asks for one (cli.py), a worker is given one (sandbox/session.py), and the
# fork server imports numpy under the same (sandbox/fork_worker.py).
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def check(path="exercises", *exercises, **options):
    """Grade a submission folder and return its report (see grader.notebook)."""
    from grader.notebook import check as _check
    return _check(path, *exercises, **options)

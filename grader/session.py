"""Kept for the modules that import the worker session from here; it lives in grader.sandbox."""
from grader.sandbox.session import (Limits, StudentException, WorkerDied, WorkerSession,  # noqa: F401
                                    WorkerTimeout)

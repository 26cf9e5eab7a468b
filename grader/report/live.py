"""The live display while `grader check` runs: exercises done, and the MNIST run's accuracy.

It goes to stderr and disappears when the report is printed; rich turns it off by itself when
stderr is not a terminal (CI logs stay clean).
"""
from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from grader.messages import say
from grader.report.console import spinner


class LiveProgress:
    def __init__(self, lang: str, exercises: int):
        self.lang = lang
        console = Console(stderr=True)
        self.progress = Progress(SpinnerColumn(spinner(console)), TextColumn("{task.description}"), BarColumn(),
                                 TextColumn("{task.fields[info]}"), TimeElapsedColumn(),
                                 console=console, transient=True)
        self.exercises = self.progress.add_task(say("ui.live_exercises", lang), total=exercises, info="")
        self.training = None

    def __enter__(self):
        self.progress.start()
        return self

    def __exit__(self, *exc):
        self.progress.stop()
        return False

    def exercise_done(self, result) -> None:
        self.progress.update(self.exercises, advance=1, info=result.exercise)

    def __call__(self, exercise: str, done: int, total: int, info: dict) -> None:
        """Settings.progress: called from the training loop (possibly on another thread)."""
        if self.training is None:
            self.training = self.progress.add_task(say("ui.live_training", self.lang), total=total, info="")
        accuracy = info.get("accuracy")
        text = say("ui.live_accuracy", self.lang, accuracy=accuracy) if accuracy is not None else ""
        self.progress.update(self.training, completed=done, total=total, info=text)

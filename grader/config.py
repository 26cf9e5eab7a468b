"""The one place an instructor changes the grading: `[tool.grader]` in pyproject.toml, or grader.toml.

    [tool.grader]
    seed = 2026
    mnist_target = 0.95
    mnist_max_iterations = 8000
    timeout = 60            # seconds per exercise
    training_timeout = 300  # seconds for train_neuralnet
    run_timeout = 900       # seconds for a whole run
    memory_mb = 2048

    [tool.grader.points]    # an exercise's total (split over its checks as by default) ...
    Affine = 20
    sigmoid_graph = 10      # an extra: worth nothing unless given points here
    [tool.grader.points.SoftmaxWithLoss]   # ... or each check's points
    forward = 5
    backward = 10
    class_labels = 5

    [tool.grader.files]     # a course's own layout: which file (under the submission folder)
    TwoLayerNet = "tl_nn.py"                # holds which class; the rest is found as usual
    Relu = "lib/layers.py"

In grader.toml the same keys sit at the top level. Every key and value is validated; an error
names the file, the key and what is allowed.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from grader import catalog


class ConfigError(Exception):
    """A configuration file that cannot be used; the message says where and why."""


@dataclass
class Config:
    source: Path | None = None
    seed: int | None = None
    mnist_target: float | None = None
    mnist_max_iterations: int | None = None
    timeout: float | None = None
    training_timeout: float | None = None
    run_timeout: float | None = None
    memory_mb: int | None = None
    points: dict[str, dict[str, float]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)

    @property
    def max_score(self) -> float:
        """The core's total: an extra counts only where it is graded, which differs by submission."""
        total = 0.0
        for exercise in (e for e in catalog.EXERCISES if not e.extra):
            own = self.points.get(exercise.id, {})
            total += sum(own.get(c.name, c.points) for c in exercise.checks)
        return total


def _load_toml(path: Path) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None


def find(explicit: Path | None, submission: Path | None) -> tuple[Path, dict] | None:
    """The configuration in force: --config FILE, else grader.toml or a pyproject.toml with a
    [tool.grader] table in the current folder, then in the submission's parent folder."""
    if explicit is not None:
        data = _load_toml(explicit)
        table = data.get("tool", {}).get("grader") if explicit.name == "pyproject.toml" else data
        if table is None:
            raise ConfigError(f"{explicit}: has no [tool.grader] table")
        return explicit, table
    folders = [Path.cwd()]
    if submission is not None:
        folders.append(Path(submission).resolve().parent)
    for folder in folders:
        toml = folder / "grader.toml"
        if toml.is_file():
            return toml, _load_toml(toml)
        project = folder / "pyproject.toml"
        if project.is_file():
            table = _load_toml(project).get("tool", {}).get("grader")
            if table is not None:
                return project, table
    return None


_NUMBERS = {
    # key: (type, lowest allowed, highest allowed, what it means)
    "seed": (int, 0, 2**32 - 1, "a whole number from 0 to 4294967295"),
    "mnist_target": (float, 0.1, 0.99, "a test accuracy between 0.1 and 0.99"),
    "mnist_max_iterations": (int, 1, 1_000_000, "a number of iterations from 1 to 1000000"),
    "timeout": (float, 0.5, 86_400, "seconds, from 0.5 to 86400"),
    "training_timeout": (float, 0.5, 86_400, "seconds, from 0.5 to 86400"),
    "run_timeout": (float, 1, 86_400, "seconds, from 1 to 86400"),
    "memory_mb": (int, 256, 1_048_576, "megabytes, at least 256"),
}


def parse(table: dict, source: Path | None = None) -> Config:
    where = str(source) if source else "configuration"
    config = Config(source=source)
    for key, value in table.items():
        if key == "points":
            config.points = _parse_points(value, where)
        elif key == "files":
            config.files = _parse_files(value, where)
        elif key in _NUMBERS:
            kind, low, high, allowed = _NUMBERS[key]
            ok_type = isinstance(value, (int, float)) and not isinstance(value, bool)
            if kind is int and not isinstance(value, int):
                ok_type = False
            if not ok_type or not low <= value <= high:
                raise ConfigError(f"{where}: {key} = {value!r} is not allowed; use {allowed}")
            setattr(config, key, kind(value))
        else:
            known = ", ".join([*_NUMBERS, "points", "files"])
            raise ConfigError(f"{where}: unknown key {key!r}; the keys are: {known}")
    return config


def _parse_points(value, where: str) -> dict[str, dict[str, float]]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: points must be a table of exercise = points")
    points: dict[str, dict[str, float]] = {}
    for name, spec in value.items():
        exercise = catalog.find(name)
        if exercise is None:
            raise ConfigError(f"{where}: points.{name}: no such exercise; the exercises are: "
                              f"{', '.join(catalog.ORDER)}")
        if isinstance(spec, dict):
            names = {c.name for c in exercise.checks}
            for check, amount in spec.items():
                if check not in names:
                    raise ConfigError(f"{where}: points.{name}.{check}: {exercise.id} has no check "
                                      f"{check!r}; its checks are: {', '.join(c.name for c in exercise.checks)}")
                points.setdefault(exercise.id, {})[check] = _amount(amount, f"points.{name}.{check}", where)
        else:
            # Keep the catalogue's proportions between the exercise's checks.
            points[exercise.id] = exercise.split(_amount(spec, f"points.{name}", where))
    return points


def _parse_files(value, where: str) -> dict[str, str]:
    """{class or function: a .py file under the submission folder, '/'-separated}."""
    from pathlib import PurePosixPath

    from grader.layout import names
    NAMES = names()
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: files must be a table of name = \"file.py\"")
    files = {}
    for name, file in value.items():
        if name not in NAMES:
            raise ConfigError(f"{where}: files.{name}: not a name the grader imports; the names are: "
                              f"{', '.join(NAMES)}")
        path = PurePosixPath(file.replace("\\", "/")) if isinstance(file, str) else None
        if (path is None or not path.name.endswith(".py") or path.is_absolute()
                or ".." in path.parts or ":" in file):
            raise ConfigError(f"{where}: files.{name} = {file!r} is not allowed; use the path of a "
                              f".py file inside the submission folder, such as \"layers.py\" or "
                              f"\"mymodules/layers.py\"")
        files[name] = path.as_posix()
    return files


def _amount(value, key: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ConfigError(f"{where}: {key} = {value!r} is not allowed; use a number of points >= 0")
    return float(value)


def load(explicit: Path | None = None, submission: Path | None = None) -> Config:
    found = find(explicit, submission)
    if found is None:
        return Config()
    source, table = found
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: [tool.grader] must be a table")
    return parse(table, source)

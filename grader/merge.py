"""One class from the results of any number of `grader grade` runs (shards, machines, resumed runs).

Refused, with the files named: a results file without the stamp `grader grade` writes, two files
for one submission, and results graded under different class parameters (grader version, seed,
configuration, maximum score): a gradebook must hold one class graded one way.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from grader import stamp


class MergeError(Exception):
    """Why the results cannot make one gradebook; `key` is a message key of grader.messages."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass
class Merged:
    parameters: dict
    reports: dict[str, dict] = field(default_factory=dict)  # submission name -> results.json
    sources: dict[str, Path] = field(default_factory=dict)

    @property
    def incomplete(self) -> list[str]:
        return [n for n, r in self.reports.items() if not stamp.stamp_of(r).get("complete")]


def results_files(paths) -> list[Path]:
    """Each folder's `*.json` (not the hidden partial files a run in progress writes), each file
    as given; a file reached twice counts once."""
    found: dict[Path, Path] = {}
    for path in map(Path, paths):
        if path.is_dir():
            files = sorted(p for p in path.glob("*.json") if not p.name.startswith("."))
        elif path.is_file():
            files = [path]
        else:
            raise MergeError("err.no_file", path=path)
        for file in files:
            found.setdefault(file.resolve(), file)
    if not found:
        raise MergeError("err.merge_empty", paths=", ".join(map(str, paths)))
    return list(found.values())


def merge(paths) -> Merged:
    merged: Merged | None = None
    first: Path | None = None
    for file in results_files(paths):
        try:
            report = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise MergeError("err.merge_unreadable", file=file, reason=str(exc)) from None
        found = stamp.stamp_of(report)
        if not found or not isinstance(found.get("submission"), str):
            raise MergeError("err.merge_unstamped", file=file)
        parameters = {key: found.get(key) for key in stamp.CLASS_KEYS}
        if merged is None:
            merged, first = Merged(parameters), file
        for key in stamp.CLASS_KEYS:
            if parameters[key] != merged.parameters[key]:
                raise MergeError("err.merge_mismatch", setting=key, file=file, value=parameters[key],
                                 first=first, first_value=merged.parameters[key])
        name = found["submission"]
        if name in merged.reports:
            raise MergeError("err.merge_duplicate", name=name, file=file, other=merged.sources[name])
        merged.reports[name] = report
        merged.sources[name] = file
    merged.reports = dict(sorted(merged.reports.items()))
    return merged

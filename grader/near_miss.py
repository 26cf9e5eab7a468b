"""A class or method the exercise needs is missing, and a close name is there: say so, in one line.

`ReLU` for `Relu`, `Mullayer` for `MulLayer`, `foward` for `forward`: run as they are, they fail as
an AttributeError far from the cause. Read from the source with `ast` in the parent (student code
is never run here); the verdict is `failed`, pointing at the line of the near name.
"""
from __future__ import annotations

from grader import catalog
from grader.layout import Layout, closest, name_of_exercise, read_definitions
from grader.results import Message, SourceLine


def _needed(exercise: catalog.Exercise) -> tuple[str, tuple[str, ...]] | None:
    """(class, methods) the exercise calls, or None for one that needs no class (the apple graph)."""
    name = name_of_exercise(exercise.id)
    if name == "buy_apple_orange":
        return None
    writes = catalog.BY_ID[name].writes
    return name, tuple(w.split(".", 1)[1] for w in writes if w.startswith(name + "."))


def near_miss(layout: Layout, exercise: catalog.Exercise) -> tuple[Message, tuple[SourceLine, ...]] | None:
    """(the one-line explanation, the near name's line) when a needed name is misspelt; else None."""
    if exercise.extra:
        return _extra_near_miss(layout, exercise)
    needed = _needed(exercise)
    if needed is None:
        return None
    cls, methods = needed
    home = layout.home(cls)
    if not home.found:
        for file in dict.fromkeys([home.file, *layout.searched]):
            defined = read_definitions(layout.root / file)
            near = closest(cls, defined.classes)
            if near is not None:
                message = Message("near_miss_class", {"file": file, "want": cls, "near": near})
                return message, (_line(layout, file, defined.classes[near], near),)
        return None
    defined = read_definitions(layout.root / home.file)
    own = defined.methods.get(cls, {})
    for method in methods:
        if method in own:
            continue
        near = closest(method, own)
        if near is not None:
            message = Message("near_miss_method", {"file": home.file, "cls": cls, "want": method, "near": near})
            return message, (_line(layout, home.file, own[near], f"{cls}.{near}"),)
    return None


def _extra_near_miss(layout: Layout, exercise: catalog.Exercise):
    """An extra's classes and methods are looked for in its own file only: `Relu` written there
    for its `ReLU` is a near miss; the core's layers.py has nothing to do with it."""
    file = layout.exercise_file(exercise.id)
    defined = read_definitions(layout.root / file)
    classes: dict[str, list[str]] = {}
    for name in exercise.writes:
        cls, _, method = name.partition(".")
        classes.setdefault(cls, []).append(method)
    for cls, methods in classes.items():
        if cls not in defined.classes:
            if not methods[0]:
                continue     # a function: no class to misname
            # Only a class the exercise does not ask for can be a misspelt one (NegLayer is not
            # ExpLayer misnamed).
            near = closest(cls, [c for c in defined.classes if c not in classes])
            if near is not None:
                message = Message("near_miss_class_extra", {"file": file, "want": cls, "near": near})
                return message, (_line(layout, file, defined.classes[near], near),)
            continue
        own = defined.methods.get(cls, {})
        for method in methods:
            near = closest(method, [m for m in own if m not in methods]) if method not in own else None
            if near is not None:
                message = Message("near_miss_method_extra", {"file": file, "cls": cls, "want": method,
                                                              "near": near})
                return message, (_line(layout, file, own[near], f"{cls}.{near}"),)
    return None


def _line(layout: Layout, file: str, line: int, function: str) -> SourceLine:
    from grader import source
    lines = source.lines(layout.root / file)
    code = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    return SourceLine(file, line, function, code[:200])

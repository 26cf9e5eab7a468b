"""Student stubs, made from the solutions so that the two can never drift.

Every function the catalogue says the student writes keeps its signature and docstring; its body
becomes one `raise NotImplementedError(...)` that says what to write and how to ask for a hint.
Everything else in the file is copied as it is. `grader dev` and the tests regenerate the stubs
and compare them with the committed exercises/ folder.
"""
from __future__ import annotations

import ast
from pathlib import Path

from grader import catalog, source

SUBMISSION_FILES = ("functions.py", "layers.py", "two_layer_net.py", "buy_apple_orange.py",
                    "gradient_check.py", "train_neuralnet.py",
                    *dict.fromkeys(e.file for e in catalog.EXERCISES if e.extra))


def stub_message(qualname: str, exercise_id: str) -> str:
    return f"{qualname} を書いてください / write {qualname} (hint: grader hint {exercise_id})"


def written_by_student(file: str) -> dict[str, str]:
    """{qualified name: exercise id} of what the student writes in `file`."""
    return {name: e.id for e in catalog.EXERCISES if e.file == file for name in e.writes}


def starting_bodies(file: str) -> dict[str, str]:
    """{qualified name: the stub's body} of the given code the student corrects in `file`."""
    return {name: body for e in catalog.EXERCISES if e.file == file for name, body in e.starts}


def _body_without_docstring(fn: ast.FunctionDef) -> list:
    body = fn.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    return body


def corrected(submission: Path, exercise: catalog.Exercise, file: str | None = None) -> list[str]:
    """The given code of `exercise` the student has changed from the stub's body (read with ast:
    comments and layout do not count)."""
    try:
        file = file or exercise.file
        tree = source.parse(submission / file, file)
    except (source.SourceProblem, SyntaxError):
        return []
    functions = dict(_functions(tree))
    changed = []
    for name, body in exercise.starts:
        fn = functions.get(name)
        if fn is not None and [ast.dump(n) for n in _body_without_docstring(fn)] != \
                [ast.dump(n) for n in ast.parse(body).body]:
            changed.append(name)
    return changed


def _functions(tree: ast.Module):
    """Yield (qualified name, FunctionDef) for top-level functions and methods."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            yield node.name, node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    yield f"{node.name}.{item.name}", item


def defined_names(tree: ast.Module) -> set[str]:
    """Qualified names ("Relu.forward", "buy_apple_orange") defined at the top of a module."""
    return {qualname for qualname, _ in _functions(tree)}


def _is_stub_body(fn: ast.FunctionDef) -> bool:
    """A docstring (or not) and then only `raise NotImplementedError(...)`."""
    body = _body_without_docstring(fn)
    if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].exc is None:
        return False
    exc = body[0].exc.func if isinstance(body[0].exc, ast.Call) else body[0].exc
    return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"


def unwritten(submission: Path, exercise: catalog.Exercise, file: str | None = None) -> list[str]:
    """What of `exercise` the student has not written yet: the names among its `writes` that are
    still a stub's raise (or missing). Read from the source, never run. A file that cannot be read
    or parsed counts as written: running it reports what is wrong with it. `file` (under
    `submission`) is where the layout found the exercise's class; the catalogue's by default."""
    try:
        file = file or exercise.file
        tree = source.parse(submission / file, file)
    except (source.SourceProblem, SyntaxError):
        return []
    stubs = {name for name, fn in _functions(tree) if _is_stub_body(fn)}
    defined = defined_names(tree)
    return [name for name in exercise.writes if name in stubs or name not in defined]


def stub_source(source: str, file: str, only: set[str] | None = None) -> str:
    """`source` with the bodies the student writes replaced by the stub's raise.

    `only` limits the replacement to some qualified names (grader reset uses it).
    """
    targets = written_by_student(file)
    starts = starting_bodies(file)
    if only is not None:
        targets = {k: v for k, v in targets.items() if k in only}
        starts = {k: v for k, v in starts.items() if k in only}
    lines = source.splitlines(keepends=True)
    edits = []
    for qualname, fn in _functions(ast.parse(source)):
        if qualname in starts:
            edits.append(_replaced_body(fn, starts[qualname]))
            continue
        if qualname not in targets:
            continue
        body = fn.body
        has_doc = (isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                   and isinstance(body[0].value.value, str))
        first = body[1] if has_doc and len(body) > 1 else (None if has_doc else body[0])
        indent = " " * (body[0].col_offset)
        start = (first.lineno - 1) if first is not None else fn.end_lineno
        end = fn.end_lineno
        raise_line = f"{indent}raise NotImplementedError({stub_message(qualname, targets[qualname])!r})\n"
        edits.append((start, end, raise_line))
    for start, end, text in sorted(edits, reverse=True):
        lines[start:end] = [text]
    return "".join(lines)


def _replaced_body(fn: ast.FunctionDef, body: str) -> tuple[int, int, str]:
    """(first line, end line, new text): everything after the docstring becomes `body`."""
    docstring = fn.body[0] if len(_body_without_docstring(fn)) < len(fn.body) else None
    indent = " " * fn.body[0].col_offset
    start = docstring.end_lineno if docstring is not None else fn.body[0].lineno - 1
    text = "".join(f"{indent}{line}\n" for line in body.splitlines())
    return start, fn.end_lineno, text


def generate(solutions: Path, target: Path) -> list[Path]:
    """Write the stubs of every submission file in `solutions` into `target`."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SUBMISSION_FILES:
        source = (solutions / name).read_text(encoding="utf-8")
        path = target / name
        path.write_text(stub_source(source, name), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # python -m grader.stubs: regenerate exercises/ from solutions/
    root = Path(__file__).resolve().parent.parent
    for path in generate(root / "solutions", root / "exercises"):
        print("wrote", path.relative_to(root))

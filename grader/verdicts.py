"""Verdicts that are never computed twice: each exercise's result, stored under a key made of
everything that can change it.

The key holds the content of every file the exercise can read (its own file, its dependencies'
files, and whatever they import from the submission, followed through `import` statements read
with ast), the grader's own code, the seed, the settings, the points, the limits and the layout.
Where a file imports dynamically (`importlib`, `__import__`, `exec`, `open`), every `.py` file of
the submission is in the key. Change any of it and the key changes; nothing is ever invalidated
by hand.

Entries live in one folder per user (beside the MNIST cache), written atomically, bounded in
number and size (oldest dropped first), and checked when read: an entry whose embedded key or
checksum does not match, or that does not decode, is ignored. Only the grader writes here; a
worker's sandbox cannot reach it. Timeouts and the grader's own failures are never stored: they
say more about the machine than about the code.
"""
from __future__ import annotations

import ast
import base64
import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

from grader.results import CheckResult, Comparison, ExerciseResult, Message, SourceLine, State

MAX_ENTRIES = 4_000
MAX_BYTES = 64 << 20
FORMAT = 2   # 2: large arrays packed (_plain)
_NOT_STORED = {"timeout", "worker_died", "grader_bug", "mnist_unavailable", "run_budget_spent"}
_DYNAMIC = {"__import__", "import_module", "exec", "eval", "open", "run_path", "run_module", "load_source"}
_fingerprint: str | None = None


def folder() -> Path:
    from grader.paths import cache_dirs
    return cache_dirs()[0] / "verdicts"


def grader_fingerprint() -> str:
    """The grader's version and the content of its own modules: new grader code, new keys."""
    global _fingerprint
    if _fingerprint is None:
        import grader
        digest = hashlib.sha256(getattr(grader, "__version__", "").encode())
        package = Path(grader.__file__).resolve().parent
        for path in sorted(package.rglob("*.py")):
            digest.update(str(path.relative_to(package)).encode())
            digest.update(path.read_bytes())
        _fingerprint = digest.hexdigest()
    return _fingerprint


# ---- what an exercise reads --------------------------------------------------------------------

def files_read(root: Path, import_dirs: tuple, start: list[str], memo: dict | None = None) -> dict[str, str]:
    """{relative path: sha256} of `start` and every submission file reachable from them through
    imports; every .py file under root where an import cannot be followed statically. `memo`
    keeps each file's imports across calls (keys_for asks for nine exercises over the same files)."""
    memo = {} if memo is None else memo
    seen: dict[str, str] = {}
    todo = list(start)
    while todo:
        relative = todo.pop()
        if relative in seen:
            continue
        path = root / relative
        try:
            data = path.read_bytes()
        except OSError:
            seen[relative] = "missing"
            continue
        seen[relative] = hashlib.sha256(data).hexdigest()
        if (relative, seen[relative]) not in memo:
            memo[relative, seen[relative]] = _imports(data, relative)
        modules = memo[relative, seen[relative]]
        if modules is None:
            return _everything(root)
        for module in modules:
            found = _file_of(root, import_dirs, relative, module)
            todo += [f for f in found if f not in seen]
    return dict(sorted(seen.items()))


def _imports(data: bytes, relative: str) -> list | None:
    """Module names a file imports (relative ones as (level, name)); None if it imports in ways
    that cannot be read from the source."""
    from grader import source
    try:
        tree = source.parse_text(source.decode(data, relative), relative)
    except Exception:  # unreadable or too complex: the worker will say so; key on everything
        return None
    modules: list = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            modules.append((node.level, base) if node.level else base)
            modules += [(node.level, f"{base}.{a.name}" if base else a.name) if node.level
                        else f"{base}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in _DYNAMIC:
                return None
    return modules


def _file_of(root: Path, import_dirs: tuple, importer: str, module) -> list[str]:
    """The submission files that importing `module` runs: the module and its packages' __init__."""
    if isinstance(module, tuple):
        level, name = module
        base = Path(importer).parent
        for _ in range(level - 1):
            base = base.parent
        candidates = [base]
    else:
        name = module
        candidates = [Path(d) for d in import_dirs] + [Path(importer).parent]
    parts = [p for p in name.split(".") if p]
    found = []
    for base in candidates:
        for depth in range(1, len(parts) + 1):
            stem = base.joinpath(*parts[:depth])
            for relative in (stem.with_suffix(".py"), stem / "__init__.py"):
                normal = os.path.normpath(relative).replace(os.sep, "/")
                if not normal.startswith("..") and (root / normal).is_file():
                    found.append(normal)
    return found


def _everything(root: Path) -> dict[str, str]:
    """Every file the worker's snapshot would hold (the same walk and caps), hashed."""
    from grader.sandbox import snapshot
    return {rel: hashlib.sha256(data).hexdigest() for rel, data in sorted(snapshot.sources(root))}


# ---- keys --------------------------------------------------------------------------------------

def files_needed(exercise, layout) -> set[str]:
    """The exercise's own file and those of everything it depends on."""
    from grader import catalog
    files = {layout.exercise_file(exercise.id)}
    for dependency in exercise.depends_on:
        files |= files_needed(catalog.BY_ID[dependency], layout)
    return files


def keys_for(layout, selected: list, settings, budgets, points) -> dict:
    """{exercise id: key} for each selected exercise: the files it and its dependencies read, and
    every setting that can change its verdict."""
    from grader import catalog
    from grader.layout import name_of_exercise
    keys, memo = {}, {}
    for exercise_id in selected:
        exercise = catalog.BY_ID[exercise_id]
        start = sorted(files_needed(exercise, layout))
        names = sorted({name_of_exercise(e) for e in [exercise_id, *catalog.with_dependencies([exercise_id])]})
        keys[exercise_id] = key(
            exercise_id, files_read(layout.root, layout.import_dirs, start, memo),
            seed=settings.seed, target=settings.mnist_target, iterations=settings.mnist_max_iterations,
            slow=settings.slow_gradient_seconds, points=(points or {}).get(exercise_id),
            seconds=budgets.for_exercise(exercise_id), memory=budgets.limits.memory_mb,
            sandbox=budgets.limits.sandbox, layout=[layout.kind, list(layout.import_dirs), layout.apple_form,
                                                    {n: layout.homes[n].file for n in names if n in layout.homes}])
    return keys


def report_if_unchanged(path: Path, ids: list, settings, budgets, points=None, files=None):
    """The whole report from stored verdicts when every selected exercise has one (no worker, no
    numpy: what makes an unchanged re-check and `grader list` fast); else None, and then grading
    as usual reports whatever is wrong with the folder."""
    import time
    from dataclasses import replace

    from grader import selection
    from grader.layout import detect, summary
    from grader.results import Report
    if not Path(path).is_dir():
        return None
    started = time.monotonic()
    try:
        layout = detect(Path(path), files)
        selected = selection.selected(layout, ids)
        results = []
        for entry_key in keys_for(layout, selected, settings, budgets, points).values():
            found = load(entry_key)
            if found is None:
                return None
            results.append(replace(found, reused=True))
    except Exception:  # anything unexpected: grade as usual, which reports it properly
        return None
    return Report(str(layout.root), tuple(results), settings.seed, time.monotonic() - started,
                  selected_all=not ids, sandbox=None, layout=summary(layout))

def key(exercise_id: str, files: dict, **context) -> str:
    """The key: the exercise, the files it reads, and everything else that can change its verdict
    (`context`: seed, settings, points, limits, layout; plain JSON values)."""
    material = {"format": FORMAT, "grader": grader_fingerprint(), "exercise": exercise_id,
                "files": files, "context": context}
    return hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode()).hexdigest()


# ---- storage -----------------------------------------------------------------------------------

def load(entry_key: str) -> ExerciseResult | None:
    path = folder() / entry_key[:2] / f"{entry_key}.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        body = json.dumps(stored["result"], sort_keys=True)
        if stored.get("key") != entry_key or stored.get("sha256") != hashlib.sha256(body.encode()).hexdigest():
            return None
        result = decode(stored["result"])
        os.utime(path)  # recently used: pruned last
        return result
    except Exception:  # missing, truncated, garbled, or from another version: not believed
        return None


def store(entry_key: str, result: ExerciseResult) -> None:
    if not storable(result):
        return
    try:
        body = encode(result)
        text = json.dumps({"key": entry_key, "result": body,
                           "sha256": hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()})
        folder().mkdir(mode=0o700, parents=True, exist_ok=True)  # student output: the user's alone
        shard = folder() / entry_key[:2]
        shard.mkdir(mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=shard, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, shard / f"{entry_key}.json")  # concurrent runs: the last complete one wins
        prune()
    except (OSError, TypeError, ValueError):
        pass  # a cache that cannot be written only costs time


def storable(result: ExerciseResult) -> bool:
    return not any(c.state is State.TIMEOUT or (c.message is not None and c.message.key in _NOT_STORED)
                   for c in result.checks)


def prune(limit_entries: int = MAX_ENTRIES, limit_bytes: int = MAX_BYTES) -> None:
    """Drop the least recently used entries until both bounds hold."""
    entries = []
    for path in folder().glob("*/*.json"):
        try:
            st = path.stat()
        except OSError:
            continue
        entries.append((st.st_mtime, st.st_size, path))
    total = sum(size for _, size, _ in entries)
    entries.sort()
    while entries and (len(entries) > limit_entries or total > limit_bytes):
        _, size, path = entries.pop(0)
        total -= size
        try:
            path.unlink()
        except OSError:
            pass


# ---- results as JSON ---------------------------------------------------------------------------

# An array this large (the MNIST run's W1, 39,200 numbers, for --plot) is stored as its bytes, not
# as a list of numbers: as a list it made a verdict of 0.9 MB that every `grader list` and every
# unchanged re-check parsed and serialised again to check its digest (30-40 ms, measured).
PACKED_FROM = 1_000
_PACKED_DTYPES = ("<f4", "<f8")


def _plain(value):
    if getattr(value, "size", 0) >= PACKED_FROM and getattr(getattr(value, "dtype", None), "str", "") in _PACKED_DTYPES:
        return {"packed": base64.b64encode(value.tobytes()).decode("ascii"), "dtype": value.dtype.str,
                "shape": list(value.shape)}
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"cannot store {type(value).__name__}")


def encode(result: ExerciseResult) -> dict:
    return json.loads(json.dumps(asdict(result), default=_plain))


def stored_array(value):
    """An array from a check's notes as a run left it (an array), or as a stored verdict gave it
    back (a packed array, or a list of numbers)."""
    import numpy as np
    if isinstance(value, dict) and value.get("dtype") in _PACKED_DTYPES and "packed" in value:
        flat = np.frombuffer(base64.b64decode(value["packed"]), dtype=value["dtype"])
        return flat.reshape([int(n) for n in value.get("shape", [flat.size])])
    return np.asarray(value, dtype=np.float64)


def decode(data: dict) -> ExerciseResult:
    def message(m):
        return None if m is None else Message(m["key"], dict(m.get("params") or {}))

    checks = []
    for c in data["checks"]:
        checks.append(CheckResult(
            exercise=c["exercise"], check=c["check"], state=State(c["state"]), max_score=float(c["max_score"]),
            message=message(c.get("message")),
            comparison=None if c.get("comparison") is None else Comparison(**c["comparison"]),
            diagnosis=message(c.get("diagnosis")), exception=c.get("exception"),
            location=tuple(SourceLine(**loc) for loc in c.get("location") or ()),
            hint=message(c.get("hint")), duration=float(c.get("duration") or 0.0),
            extra=dict(c.get("extra") or {}), note=message(c.get("note"))))
    fields = {k: v for k, v in data.items() if k not in ("checks",)}
    return ExerciseResult(checks=tuple(checks), **fields)

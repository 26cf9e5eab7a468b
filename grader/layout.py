"""Where a submission keeps its classes: the flat folder, the book's repository, a course's layout.

A layout is all the worker and the report need to know about files: the root folder the worker
is given, the folders put first on its sys.path (in order), and for each class (or function) the
module to import and the file that holds it. It is detected from file names and from the source
read with `ast`; nothing here runs student code.

    flat    layers.py, two_layer_net.py, ... side by side          root = the folder
    book    ch05/layer_naive.py, ch05/two_layer_net.py, common/      root = the repository
    course  [tool.grader.files] TwoLayerNet = "tl_nn.py", ...        root = the folder
"""
from __future__ import annotations

import ast
import difflib
from dataclasses import dataclass, field
from pathlib import Path

from grader.results import Message

# What the checks import, and the flat folder's file for each.
FLAT_FILES = {
    "MulLayer": "layers.py", "AddLayer": "layers.py", "buy_apple_orange": "buy_apple_orange.py",
    "Relu": "layers.py", "Sigmoid": "layers.py", "Affine": "layers.py",
    "SoftmaxWithLoss": "layers.py", "TwoLayerNet": "two_layer_net.py",
}
CORE_NAMES = tuple(FLAT_FILES)
LAYER_CLASSES = ("Relu", "Sigmoid", "Affine", "SoftmaxWithLoss")
BOOK_CHAPTER = "ch05"


def extra_files() -> dict[str, str]:
    """{extra exercise id: its file in the flat folder}. An extra's home is its own file: the
    core classes are never looked for there (its `ReLU` or `Sigmoid` is not the core's), and the
    extra is never looked for anywhere else."""
    from grader import catalog
    return {e.id: e.file for e in catalog.EXERCISES if e.extra}


def names() -> tuple[str, ...]:
    """What the checks import: the core's classes and function, then each extra's file."""
    return CORE_NAMES + tuple(extra_files())


def flat_file(name: str) -> str:
    return FLAT_FILES.get(name) or extra_files()[name]


NEAR_CUTOFF = 0.75   # "backword"/"backward" 0.88, "foward"/"forward" 0.92; "AddLayer"/"MulLayer" 0.63


def closest(want: str, names) -> str | None:
    """The name among `names` that is `want` misspelt: the same but for case, or close enough."""
    names = [n for n in names if n != want]
    same_case = [n for n in names if n.lower() == want.lower()]
    if same_case:
        return same_case[0]
    close = difflib.get_close_matches(want, names, n=1, cutoff=NEAR_CUTOFF)
    return close[0] if close else None


def name_of_exercise(exercise_id: str) -> str:
    """The class (or function) an exercise grades: the MNIST run grades TwoLayerNet."""
    return "TwoLayerNet" if exercise_id == "train_neuralnet" else exercise_id


@dataclass(frozen=True)
class Defined:
    """What a file defines at its top level, read from its source: {name: line}, and each class's
    methods {class: {method: line}}."""
    functions: dict = field(default_factory=dict)
    classes: dict = field(default_factory=dict)
    methods: dict = field(default_factory=dict)
    imports: tuple = ()          # (module, names or ("*",)) of `from module import ...`
    parsed: bool = True


def read_definitions(path: Path) -> Defined:
    """Top-level definitions of a Python file, read as Python reads it and at a bounded cost
    (grader.source); a file that cannot be read or parsed defines nothing known."""
    from grader import source
    if not path.is_file():
        return Defined(parsed=False)
    try:
        tree = source.parse(path, path.name)
    except (source.SourceProblem, SyntaxError):
        return Defined(parsed=False)
    functions, classes, methods, imports = {}, {}, {}, []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions[node.name] = node.lineno
        elif isinstance(node, ast.ClassDef):
            classes[node.name] = node.lineno
            methods[node.name] = {item.name: item.lineno for item in node.body
                                  if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            imports.append((node.module, tuple(a.name for a in node.names)))
    return Defined(functions, classes, methods, tuple(imports))


@dataclass(frozen=True)
class Home:
    """Where one name lives: `module` for the worker to import, `file` '/'-separated under the root."""
    module: str
    file: str
    found: bool          # the file defines the name (read from its source)


@dataclass(frozen=True)
class Layout:
    kind: str                            # "flat", "book" or "course"
    root: Path
    import_dirs: tuple[str, ...]
    homes: dict                          # {name: Home}
    notes: tuple[Message, ...] = ()
    apple_form: str = "function"         # "function", "script" or "wired" (no file)
    searched: tuple[str, ...] = ()       # every file looked at, for near misses

    def home(self, name: str) -> Home:
        return self.homes[name]

    def module_of(self, name: str) -> str:
        return self.homes[name].module

    def file_of(self, name: str) -> str:
        return self.homes[name].file

    def path_of(self, name: str) -> Path:
        return self.root / self.homes[name].file

    def exercise_file(self, exercise_id: str) -> str:
        return self.file_of(name_of_exercise(exercise_id))

    @property
    def is_plain_flat(self) -> bool:
        """The flat folder with every name in its usual file: nothing worth telling the reader."""
        return (self.kind == "flat" and not self.notes and self.apple_form == "function"
                and all(h.file == flat_file(n) for n, h in self.homes.items()))


# ---- detection -------------------------------------------------------------------------------

def detect(path: Path, files: dict | None = None) -> Layout:
    """The layout of the submission at `path`: the course's own when `files` ({name: file under
    path}) is configured, else the book's repository or the flat folder, whichever fits; when
    both fit, the layers the student's TwoLayerNet imports, and a note says so."""
    path = Path(path).resolve()
    if files:
        return _course(path, files)
    chapter = _book_chapter(path)
    if chapter is None:
        return _flat(path)
    book = _book(chapter)
    if chapter != path or not (path / "layers.py").is_file():
        return book
    # A ch05 folder with its own layers.py beside the repository's common/: both fit. The book's
    # root and import folders serve both; the layers come from where two_layer_net.py takes them.
    uses = _imported_layer_module(path / "two_layer_net.py")
    own = not book.file_of("Relu").startswith("common/")
    note = Message("layout_both_flat" if own else "layout_both_book",
                   {"imports": uses or "-", "file": book.file_of("Relu")})
    return _with_note(book, note)


def _with_note(layout: Layout, note: Message) -> Layout:
    from dataclasses import replace
    return replace(layout, notes=layout.notes + (note,))


def _book_chapter(path: Path) -> Path | None:
    """The book's ch05 folder when `path` is it (or the repository holding it), else None."""
    for chapter in (path, path / BOOK_CHAPTER):
        common = chapter.parent / "common" / "layers.py"
        if not chapter.is_dir() or not common.is_file():
            continue
        if (chapter / "layer_naive.py").is_file():
            return chapter
        uses = _imported_layer_module(chapter / "two_layer_net.py")
        if uses is not None and uses.startswith("common"):
            return chapter
    return None


def _imported_layer_module(two_layer_net: Path) -> str | None:
    """The module two_layer_net.py takes its layers from (`common.layers`, `layers`), if any."""
    for module, names in read_definitions(two_layer_net).imports:
        if "*" in names or any(n in names for n in LAYER_CLASSES):
            if module.rsplit(".", 1)[-1] in ("layers", "layer_naive") or module.startswith("common"):
                return module
    return None


def _flat(folder: Path) -> Layout:
    return _build("flat", folder, folder, (".",), {
        "MulLayer": ["layers.py", "layer_naive.py"], "AddLayer": ["layers.py", "layer_naive.py"],
        **{n: ["layers.py"] for n in LAYER_CLASSES},
        "TwoLayerNet": ["two_layer_net.py"], "buy_apple_orange": ["buy_apple_orange.py"],
        **{e: [file] for e, file in extra_files().items()},
    })


def _book(chapter: Path) -> Layout:
    c = chapter.name
    return _build("book", chapter.parent, chapter, (c, "."), {
        "MulLayer": [f"{c}/layer_naive.py", f"{c}/layers.py"],
        "AddLayer": [f"{c}/layer_naive.py", f"{c}/layers.py"],
        **{n: ["common/layers.py", f"{c}/layers.py"] for n in LAYER_CLASSES},
        "TwoLayerNet": [f"{c}/two_layer_net.py"], "buy_apple_orange": [f"{c}/buy_apple_orange.py"],
        **{e: [f"{c}/{file}", file] for e, file in extra_files().items()},
    })


def _course(folder: Path, files: dict) -> Layout:
    """The configured files first, then what the flat folder would use for the rest."""
    configured = {name: files[name] for name in names() if name in files}
    dirs = []
    for file in configured.values():
        parent = str(Path(file).parent).replace("\\", "/")
        if parent != "." and parent not in dirs:
            dirs.append(parent)
    flat = _flat(folder)
    candidates = {n: [configured[n]] if n in configured else [flat.file_of(n)] for n in names()}
    return _build("course", folder, folder, (*dirs, "."), candidates, fixed=set(configured))


def _build(kind: str, root: Path, chapter: Path, import_dirs: tuple, candidates: dict,
           search: bool = True, fixed: set = frozenset()) -> Layout:
    """Each name's home: the file the student's TwoLayerNet imports it from, if it defines it;
    else the first candidate that defines it; else (searching) any other .py file in the chapter
    folder that does; else the first candidate, to be reported missing or near-missed."""
    prefix = "" if chapter == root else chapter.name + "/"
    definitions: dict[str, Defined] = {}

    def defined(file: str) -> Defined:
        if file not in definitions:
            definitions[file] = read_definitions(root / file)
        return definitions[file]

    extras = extra_files()
    # The extras' files are never searched for core classes (modular_network.py's own ReLU and
    # Sigmoid are not the core's Relu and Sigmoid, nor near misses of them).
    extra_homes = {f for e in extras for f in candidates[e]}
    net_file = candidates["TwoLayerNet"][0]
    imported = {}
    for module, names in defined(net_file).imports:
        file = _file_of_module(root, import_dirs, module)
        if file is not None and file not in extra_homes:
            for name in (LAYER_CLASSES if "*" in names else names):
                imported.setdefault(name, file)
    others = sorted(prefix + p.name for p in chapter.glob("*.py")
                    if p.name not in extras.values()) if search else []
    notes = []
    homes = {}
    for name in CORE_NAMES:
        own = candidates[name]
        order = ([imported[name]] if name in imported and name not in fixed else []) + own
        found = next((f for f in order if _defines(defined(f), name)), None)
        # `class ReLU` where Relu belongs is the student's Relu, misnamed: say so, rather than
        # grade a Relu from some other file.
        misnamed = closest(name, defined(order[0]).classes) is not None
        if found is None and search and name not in fixed and not misnamed:
            elsewhere = [f for f in others if f not in own and _defines(defined(f), name)]
            if elsewhere:
                found = elsewhere[0]
                if len(elsewhere) > 1:
                    notes.append(Message("layout_several", {"name": name, "files": ", ".join(elsewhere),
                                                            "used": found}))
        file = found or own[0]
        homes[name] = Home(_module_name(file, import_dirs), file, found is not None)
    for name in extras:
        file = next((f for f in candidates[name] if (root / f).is_file()), candidates[name][0])
        homes[name] = Home(_module_name(file, import_dirs), file, (root / file).is_file())
    apple = homes["buy_apple_orange"]
    apple_def = defined(apple.file)
    if not (root / apple.file).is_file():
        form = "wired"
    elif "buy_apple_orange" in apple_def.functions or not apple_def.parsed:
        form = "function"
    else:
        form = "script"
    searched = tuple(dict.fromkeys([*(f for n in CORE_NAMES for f in candidates[n]), *others]))
    searched = tuple(f for f in searched if f not in extra_homes)
    return Layout(kind, root, tuple(import_dirs), homes, tuple(notes), form,
                  tuple(f for f in searched if (root / f).is_file()))


def _defines(defined: Defined, name: str) -> bool:
    return name in defined.classes or (name == "buy_apple_orange" and name in defined.functions)


def _file_of_module(root: Path, import_dirs: tuple, module: str) -> str | None:
    """The file under the root that `import module` finds first, from the import folders."""
    for folder in import_dirs:
        relative = (Path(folder) / (module.replace(".", "/") + ".py")).as_posix()
        relative = relative[2:] if relative.startswith("./") else relative
        if (root / relative).is_file():
            return relative
    return None


def _module_name(file: str, import_dirs: tuple) -> str:
    """The module name `file` is imported by, from the first import folder that holds it."""
    for folder in import_dirs:
        base = "" if folder == "." else folder.rstrip("/") + "/"
        if file.startswith(base):
            return file[len(base):].removesuffix(".py").replace("/", ".")
    return file.removesuffix(".py").replace("/", ".")


def summary(layout: Layout) -> dict:
    """The layout as plain data for the report: kind, which file each name came from, notes."""
    extras = extra_files()
    return {"kind": layout.kind, "root": str(layout.root),
            "files": {name: home.file for name, home in layout.homes.items()
                      if name not in extras or home.found},
            "buy_apple_orange": layout.apple_form, "notes": layout.notes,
            "plain": layout.is_plain_flat}

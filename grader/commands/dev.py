"""`grader dev check` and `grader dev student-copy DIR`: for whoever maintains the course.

`check` proves, as CI should on every change, that the stubs are exactly what the solutions
generate, that every stub is not_started and every solution passes. `student-copy` writes the
repository a course hands out: everything but the answers (solutions/, and tests/ and bench/,
whose bug corpus quotes the solutions).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from grader.commands.common import EXIT_FAILED, EXIT_PASSED, UsageError, tr

LEFT_OUT = ("solutions", "tests", "bench", ".git", ".ci", "build", "dist", "BENCHMARKS.md")


def register(sub) -> None:
    # Listed in every language's `grader --help`; the maintainer's commands themselves speak English.
    parser = sub.add_parser("dev", help=tr("cli.dev"))
    dev = parser.add_subparsers(dest="dev_command", metavar="DEV_COMMAND", required=True)
    check = dev.add_parser("check", help="stubs match solutions; stubs not started; solutions pass")
    check.add_argument("--root", type=Path, default=Path.cwd(), help="the course repository (default .)")
    check.set_defaults(func=run_check)
    copy = dev.add_parser("student-copy", help="write the repository students receive, without solutions")
    copy.add_argument("target", type=Path, metavar="DIR")
    copy.add_argument("--root", type=Path, default=Path.cwd(), help="the course repository (default .)")
    copy.set_defaults(func=run_student_copy)


def _course(root: Path) -> tuple[Path, Path]:
    exercises, solutions = root / "exercises", root / "solutions"
    if not exercises.is_dir() or not solutions.is_dir():
        raise UsageError(f"{root} is not a course repository: it needs exercises/ and solutions/")
    return exercises, solutions


def run_check(args) -> int:
    from grader import stubs
    from grader.results import State
    from grader.runner import run

    exercises, solutions = _course(args.root)
    problems = []
    for name in stubs.SUBMISSION_FILES:
        if not (solutions / name).is_file():
            problems.append(f"solutions/{name} is missing")
            continue
        expected = stubs.stub_source((solutions / name).read_text(encoding="utf-8"), name)
        current = (exercises / name).read_text(encoding="utf-8") if (exercises / name).is_file() else None
        if current != expected:
            problems.append(f"exercises/{name} differs from what solutions/{name} generates: "
                            "run `python -m grader.stubs` and commit the result")
    from grader import catalog
    everything = list(catalog.ORDER)   # the extras too: a stub is graded only when named
    for exercise in run(exercises, everything).exercises:
        if exercise.state not in (State.NOT_STARTED, State.SKIPPED):
            problems.append(f"the stub of {exercise.exercise} is {exercise.state.value}, not not_started: "
                            "its body must only raise NotImplementedError")
    for exercise in run(solutions, everything).exercises:
        if exercise.state is not State.PASSED:
            problems.append(f"the solution of {exercise.exercise} is {exercise.state.value}: "
                            f"run `grader check solutions {exercise.exercise}` to see why")
    for problem in problems:
        print(f"✘ {problem}")
    if not problems:
        print("✔ stubs and solutions agree; every stub is not started; every solution passes")
    return EXIT_FAILED if problems else EXIT_PASSED


def _tracked_files(root: Path) -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True)
        return [root / name for name in out.stdout.decode().split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        return [p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts]


# In the student copy, the README's second command (the grader's own tests) would find no tests:
# tests/ is left out because its corpus quotes the solutions. These lines go with it.
_TESTS_ONLY = {
    '```bash\npython3 -m venv .venv && . .venv/bin/activate && pip install ".[test]" && pytest\n```\n\n': "",
    "(all `not_started` until you write them);\nthe second installs the test extra and runs the grader's own tests.":
        "(all `not_started` until you write them).",
    "課題を採点し (まだ何も書いていなければ全部「未着手」です)、\n2 つ目でテスト用の追加パッケージを入れてこのツール自身のテストを実行します。":
        "課題を採点します (まだ何も書いていなければ全部「未着手」です)。",
    "두 번째 명령은 테스트용 패키지를 설치하고 이 도구 자체의 테스트를 실행합니다.\n": "",
    "第二条命令安装测试用的依赖，并运行这个工具自身的测试。\n": "",
}


def student_readme(text: str) -> str:
    """The README without what only works where tests/ is (tests check that nothing is left)."""
    for old, new in _TESTS_ONLY.items():
        text = text.replace(old, new)
    return text


def run_student_copy(args) -> int:
    root = args.root.resolve()
    _course(root)
    target = args.target.resolve()
    if target.exists() and any(target.iterdir()):
        raise UsageError(f"{target} is not empty; choose a new folder (nothing was written)")
    if target == root or root in target.parents:
        raise UsageError("the student copy must be written outside the course repository")
    copied = 0
    for path in _tracked_files(root):
        relative = path.relative_to(root)
        if relative.parts[0] in LEFT_OUT or not path.is_file():
            continue
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        if relative == Path("README.md"):
            destination.write_text(student_readme(path.read_text(encoding="utf-8")), encoding="utf-8")
        else:
            shutil.copy2(path, destination)
        copied += 1
    print(f"wrote {copied} files to {target} (without {', '.join(LEFT_OUT[:3])})", file=sys.stderr)
    return EXIT_PASSED

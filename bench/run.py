"""One command for every speed goal: `python bench/run.py` writes BENCHMARKS.md.

Each measurement starts real processes the way a student or an instructor would, on this machine,
and records median, min and max of several runs. The book-style workflow (a full numerical
gradient of the 784-50-10 network on 3 samples, then the book's 10,000 training iterations with
accuracy every epoch) is timed in the same run, so the ratio compares like with like.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
# What a student hands in for the chapter: the solutions without the extra exercises, which a
# check grades only when they are written (their cost is measured on its own, below).
CORE = Path(tempfile.mkdtemp(prefix="bench-core-")) / "solutions"
GRADER = [sys.executable, "-m", "grader"]
# Every child finds this checkout's grader, installed or not.
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
# Imports use cached bytecode, as after any `pip install` or first run on a student's machine
# (some sandboxes set this, and every process would then compile the grader's modules anew).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


def timed(cmd: list[str], cwd: Path | None = None, env: dict | None = None, ok=(0,)) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr.decode()[-800:]}")
    return elapsed


def repeat(runs: int, fn) -> list[float]:
    return [fn() for _ in range(runs)]


def stats(samples: list[float]) -> dict:
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples),
            "runs": len(samples)}


def inner_seconds(code: str) -> float:
    """Run `code` in a fresh interpreter; it prints the seconds it measured itself."""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def book_workflow() -> float:
    """The book's gradient_check.py + train_neuralnet.py on the solutions, in one process."""
    script = ROOT / "bench" / "book_workflow.py"
    started = time.perf_counter()
    subprocess.run([sys.executable, str(script)], cwd=SOLUTIONS, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def training_at_seeds(seeds) -> list[dict]:
    code = ("import json,sys; from pathlib import Path; from grader.runner import run; "
            "from grader.checks.context import Settings; "
            "r = run(Path(sys.argv[2]), ['train_neuralnet'], Settings(seed=int(sys.argv[1]))); "
            "c = r.exercises[-1].checks[0]; "
            "print(json.dumps({'state': c.state.value, 'iterations': c.extra.get('iterations'), "
            "'accuracy': c.extra.get('test_accuracy')}))")
    rows = []
    for seed in seeds:
        out = subprocess.run([sys.executable, "-c", code, str(seed), str(CORE)], cwd=ROOT, capture_output=True,
                             text=True, check=True)
        rows.append({"seed": seed, **json.loads(out.stdout.strip().splitlines()[-1])})
    return rows


def grade_batch(jobs: int, count: int = 20) -> float | None:
    help_text = subprocess.run(GRADER + ["--help"], capture_output=True, text=True).stdout
    if " grade " not in help_text and "grade" not in help_text.split():
        return None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "submissions"
        for i in range(count):
            shutil.copytree(CORE, folder / f"student{i:02d}")
        return timed(GRADER + ["grade", str(folder), "--no-cache", "--output", str(Path(tmp) / "gradebook.csv"),
                               "--jobs", str(jobs)], ok=(0, 1))


def floor_seconds(steps: int) -> float:
    """Wall time of bench/training_floor.py, a fresh process, from the outside."""
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "bench" / "training_floor.py"), str(steps)], cwd=SOLUTIONS,
                   check=True, stdout=subprocess.DEVNULL, env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    return time.perf_counter() - started


def sandbox_summary() -> str:
    out = subprocess.run(GRADER + ["check", str(CORE), "MulLayer", "--format", "json", "--no-cache"],
                         capture_output=True, text=True, check=True)
    sandbox = json.loads(out.stdout).get("extra_data", {}).get("sandbox") or {}
    return sandbox.get("summary", "none")


def profile_check(path: Path) -> str:
    """cProfile of one `grader check solutions` (main thread: the layer checks) and of the MNIST
    exercise on its own (which a full run executes on a second thread, out of cProfile's sight)."""
    code = ("import cProfile, pstats, io, sys, time; from pathlib import Path; "
            "from grader import catalog; from grader.runner import run, _run_exercise; "
            "from grader.checks.context import Settings; from grader.session import WorkerSession; "
            "out = io.StringIO(); "
            "p = cProfile.Profile(); p.enable(); run(Path(sys.argv[-1])); p.disable(); "
            "out.write('== grader check solutions (main thread) ==\\n'); "
            "pstats.Stats(p, stream=out).sort_stats('cumulative').print_stats('grader', 15); "
            "s = WorkerSession(Path(sys.argv[-1])); p = cProfile.Profile(); p.enable(); "
            "from grader.layout import detect; "
            "_run_exercise(catalog.BY_ID['train_neuralnet'], s, Settings(), time.monotonic() + 300, "
            "detect(Path(sys.argv[-1]))); p.disable(); s.close(); "
            "out.write('== train_neuralnet alone (parent side; the worker computes meanwhile) ==\\n'); "
            "pstats.Stats(p, stream=out).sort_stats('tottime').print_stats(15); "
            "print(out.getvalue())")
    out = subprocess.run([sys.executable, "-c", code, str(CORE)], cwd=ROOT, capture_output=True, text=True,
                         check=True, env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    path.write_text(out.stdout, encoding="utf-8")
    return out.stdout


def phases() -> list[tuple[str, float]]:
    code = ("import json, os, sys; os.environ.setdefault('OPENBLAS_NUM_THREADS', '1'); from pathlib import Path; "
            "from grader.runner import run; r = run(Path(sys.argv[-1])); "
            "print(json.dumps([[e.exercise, e.duration] for e in r.exercises] + [['whole run', r.duration]]))")
    out = subprocess.run([sys.executable, "-c", code, str(CORE)], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    return [tuple(x) for x in json.loads(out.stdout.strip().splitlines()[-1])]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import numpy
    return (f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, numpy {numpy.__version__}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--book-runs", type=int, default=1)
    # Three interleaved rounds: this machine's speed drifts by a third within minutes, and each
    # round's pair (1 job, then 2) is measured under much the same drift.
    parser.add_argument("--grade-runs", type=int, default=3)
    parser.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"))
    args = parser.parse_args()

    from grader import catalog
    extras = {e.file for e in catalog.EXERCISES if e.extra}
    shutil.copytree(SOLUTIONS, CORE, ignore=lambda folder, names: [n for n in names if n in extras])
    # Warm the decoded-MNIST cache once: every later number is what a returning user sees.
    subprocess.run(GRADER + ["check", str(CORE), "MulLayer"], check=True, stdout=subprocess.DEVNULL)

    results: dict[str, dict] = {}
    steps = training_at_seeds([0])[0]["iterations"]
    print(f"grader check solutions, with and without the sandbox, and the book's loop alone for "
          f"its {steps} steps ...", flush=True)
    with_sandbox, without, floor = [], [], []
    # Interleaved, so that a slow spell of the machine (runs of the same command here differ by up
    # to a second) hits all three alike; the overhead is taken run by run, check minus floor.
    for _ in range(args.runs):
        # --no-cache: every run grades (stored verdicts are measured separately below)
        with_sandbox.append(timed(GRADER + ["check", str(CORE), "--format", "json", "--no-cache"]))
        floor.append(floor_seconds(steps))
        without.append(timed(GRADER + ["check", str(CORE), "--format", "json", "--no-cache",
                                       "--sandbox", "off"]))
    results["check"], results["check_off"] = stats(with_sandbox), stats(without)
    results["floor"] = {**stats(floor), "steps": steps}
    results["overhead"] = stats([c - f for c, f in zip(with_sandbox, floor)])
    results["sandbox"] = {"summary": sandbox_summary()}
    print("an unchanged re-check, and grader list, from stored verdicts ...", flush=True)
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "GRADER_CACHE_DIR": cache}
        timed(GRADER + ["check", str(CORE), "--format", "json"], env=env)  # fills the cache
        results["recheck"] = stats(repeat(args.runs, lambda: timed(
            GRADER + ["check", str(CORE), "--format", "json"], env=env)))
        results["list"] = stats(repeat(args.runs, lambda: timed(GRADER + ["list", str(CORE)], env=env)))
    print("grader check solutions with the extra exercises written ...", flush=True)
    results["extras"] = stats(repeat(args.runs, lambda: timed(
        GRADER + ["check", str(SOLUTIONS), "--format", "json", "--no-cache"], ok=(0, 1))))
    print("grader check solutions Affine ...", flush=True)
    results["affine"] = stats(repeat(args.runs, lambda: timed(GRADER + ["check", str(CORE), "Affine", "--format", "json", "--no-cache"])))
    print("grader --help ...", flush=True)
    results["help"] = stats(repeat(args.runs * 2, lambda: timed(GRADER + ["--help"])))
    print("load_mnist from the cache ...", flush=True)
    load = ("import time; from grader.datasets import load_mnist; t = time.perf_counter(); "
            "load_mnist(); print(time.perf_counter() - t)")
    results["load"] = stats(repeat(args.runs, lambda: inner_seconds(load)))
    print("book-style workflow ...", flush=True)
    results["book"] = stats(repeat(args.book_runs, book_workflow))
    grade: dict[int, list[float]] = {}
    for round_ in range(args.grade_runs):  # interleaved, so a slow spell of the machine hits both
        for jobs in (1, 2):
            print(f"grader grade, 20 submissions, --jobs {jobs} ({round_ + 1}/{args.grade_runs}) ...", flush=True)
            seconds = grade_batch(jobs)
            if seconds is not None:
                grade.setdefault(jobs, []).append(seconds)
    print("training at several seeds ...", flush=True)
    seeds = training_at_seeds(range(5))
    print("profile ...", flush=True)
    profile_check(ROOT / "bench" / "profile.txt")
    phase_rows = phases()

    write_markdown(Path(args.output), results, grade, seeds, phase_rows)
    shutil.rmtree(CORE.parent, ignore_errors=True)
    print(Path(args.output).read_text(encoding="utf-8"))


def write_markdown(path: Path, results: dict, grade: dict, seeds: list, phase_rows: list) -> None:
    book = results["book"]["median"]
    check = results["check"]["median"]
    lines = [
        "# Benchmarks",
        "",
        f"Written by `python bench/run.py` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        f"Machine: {machine()}.",
        "Cold runs: each is a new process (the decoded MNIST cache is warm, as on any second use).",
        "",
        "| what | goal | median s | min s | max s | runs |",
        "|---|---|---|---|---|---|",
    ]

    def row(name: str, goal: str, key: str) -> None:
        s = results[key]
        lines.append(f"| {name} | {goal} | {s['median']:.3f} | {s['min']:.3f} | {s['max']:.3f} | {s['runs']} |")

    row("`grader check solutions` (the nine exercises of the chapter, MNIST included)", "≤ 6 s and ≤ book/6", "check")
    row("`grader check solutions --sandbox off` (same runs, interleaved)", "—", "check_off")
    row("`grader check solutions` with the extra exercises written too", "—", "extras")
    row(f"the book's training loop alone, {results['floor']['steps']} steps (the floor)", "—", "floor")
    row("`grader check solutions`, unchanged since the last check", "< 0.3 s", "recheck")
    row("`grader list solutions`, after a check", "< 0.3 s", "list")
    row("book-style workflow (numerical gradient on 3 samples + 10,000 iterations)", "—", "book")
    row("`grader check solutions Affine`", "< 1 s", "affine")
    row("`grader --help`", "< 0.3 s", "help")
    row("`load_mnist()` from the cache (inside the process)", "< 0.2 s", "load")
    lines += ["", f"Ratio, book-style workflow / `grader check`: **{book / check:.1f}x** "
                  f"(goal ≥ 6x).", ""]
    overhead = results["overhead"]
    lines += [f"The grader's overhead over its floor (each check minus the book's loop for the same steps "
              f"run right after it): median **{overhead['median']:.2f} s**, from {overhead['min']:.2f} to "
              f"{overhead['max']:.2f} s over {overhead['runs']} pairs (goal ≤ 0.4 s). The difference of the "
              f"two medians is {check - results['floor']['median']:.2f} s.", ""]
    off = results["check_off"]["median"]
    lines += [f"The sandbox ({results['sandbox']['summary']}) costs **{(check - off) / off:+.1%}** of a "
              f"check's wall time, medians (goal < 5%).", ""]
    if grade:
        lines += ["| `grader grade`, 20 correct submissions | median s | runs |", "|---|---|---|"]
        for jobs, samples in sorted(grade.items()):
            runs = ", ".join(f"{x:.1f}" for x in samples)
            lines.append(f"| --jobs {jobs} | {statistics.median(samples):.1f} | {runs} |")
        if 1 in grade and 2 in grade:
            ratio = statistics.median(grade[2]) / statistics.median(grade[1])
            rounds = [two / one for one, two in zip(grade[1], grade[2])]
            lines.append(f"\n2 jobs take {ratio:.1%} of the time of 1 job, medians (goal ≤ 55%). Round by "
                         f"round (2 jobs over the 1 job run just before): "
                         f"{', '.join(f'{r:.1%}' for r in rounds)}; median {statistics.median(rounds):.1%}.")
        lines.append("")
    lines += ["MNIST target (0.94) reached by the solutions:", "",
              "| seed | state | iterations | test accuracy |", "|---|---|---|---|"]
    for s in seeds:
        lines.append(f"| {s['seed']} | {s['state']} | {s['iterations']} | {s['accuracy']:.4f} |")
    lines += ["", "Where one `grader check solutions` spends its time (seconds, in-process):", "",
              "| exercise | seconds |", "|---|---|"]
    lines += [f"| {name} | {seconds:.3f} |" for name, seconds in phase_rows]
    lines += ["", "The cProfile of the same run is in `bench/profile.txt`.", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()

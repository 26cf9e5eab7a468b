"""Running the grader the way instructors install it, for the hostile-submission tests.

`installed_grader()` is the `grader` console script of a NON-editable install: the test
environment's own when CI installed it so (`pip install ".[test]"`), else one built once per
session into a temporary virtual environment that borrows this environment's dependencies.
`as_user` runs it as an unprivileged user: uid 1000 in a user namespace of its own, which takes
the grader's non-root path (its workers then need a user namespace to confine themselves).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

from tests.conftest import ROOT

_BUILT: dict[str, Path] = {}


def _installed_here() -> Path | None:
    try:
        files = metadata.files("backprop-grader") or []
    except metadata.PackageNotFoundError:
        return None
    if not any(str(f).startswith("grader/_data/") for f in files):
        return None  # an editable install
    script = Path(sys.executable).parent / ("grader.exe" if os.name == "nt" else "grader")
    return script if script.exists() else None


def installed_grader(workspace: Path) -> Path:
    """The console script of a non-editable install."""
    found = _installed_here()
    if found is not None:
        return found
    if "script" not in _BUILT:
        venv = workspace / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        site = subprocess.run([str(venv / "bin" / "python"), "-c",
                               "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              check=True, capture_output=True, text=True).stdout.strip()
        # numpy, rich, landlockpy from this environment, after the venv's own packages.
        Path(site, "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
        wheel_dir = workspace / "wheel"
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheel_dir),
                        str(ROOT)], check=True)
        wheel = next(wheel_dir.glob("*.whl"))
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--no-deps", "-q",
                        str(wheel)], check=True)
        _BUILT["script"] = venv / "bin" / "grader"
    return _BUILT["script"]


def package_folder(script: Path) -> Path:
    """The installed `grader` package that `script` runs."""
    out = subprocess.run([str(script.parent / "python"), "-c",
                          "import grader, os; print(os.path.dirname(grader.__file__))"],
                         check=True, capture_output=True, text=True, cwd="/")
    return Path(out.stdout.strip())


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under `folder` (bytecode caches included) with its sha256 and mode."""
    digest = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() or path.is_symlink():
            st = path.lstat()
            data = path.read_bytes() if path.is_file() else os.readlink(path).encode()
            digest[str(path.relative_to(folder))] = f"{hashlib.sha256(data).hexdigest()} {st.st_mode:o}"
    return digest


def can_run_as_user() -> bool:
    if sys.platform != "linux" or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "--user", "--map-user=1000", "--map-group=1000", "true"],
                           capture_output=True)
    return probe.returncode == 0


def command(script: Path, *args: str, as_user: bool = False) -> list[str]:
    base = [str(script), *args]
    return ["unshare", "--user", "--map-user=1000", "--map-group=1000", *base] if as_user else base


def processes_with(marker: str) -> list[int]:
    """Processes anywhere on the machine whose command line or environment holds `marker`."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        for part in ("cmdline", "environ"):
            try:
                with open(f"/proc/{name}/{part}", "rb") as fh:
                    if marker.encode() in fh.read():
                        found.append(int(name))
                        break
            except OSError:
                continue
    return found

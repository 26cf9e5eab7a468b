"""linux.close_descriptors, which the keeper, init and a forked worker use to hold nothing of the
grader's: every descriptor from 3 up is closed but those kept, however high it is numbered."""
from __future__ import annotations

import os
import resource
import sys

import pytest

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="Linux descriptors")


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def _open_in_child(prepare, keep) -> set[int]:
    """Fork; in the child run prepare(), close all but `keep`, and report the descriptors left."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            report = os.dup2(write_end, 900)   # where close_descriptors is told to keep it
            prepare()
            from grader.sandbox import linux
            linux.close_descriptors(set(keep) | {report})
            left = [fd for fd in range(6000) if _is_open(fd)]
            os.write(report, " ".join(map(str, left)).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    data = b""
    while chunk := os.read(read_end, 65536):
        data += chunk
    os.close(read_end)
    os.waitpid(pid, 0)
    return {int(n) for n in data.split()} - {900}


def test_everything_but_what_is_kept_is_closed():
    kept = []

    def prepare():
        for _ in range(20):
            kept.append(os.open(os.devnull, os.O_RDONLY))
    left = _open_in_child(prepare, keep=[7, 12])
    assert {fd for fd in left if fd > 2} == {7, 12}   # 0-2 stay, and of the rest only the kept


def test_a_descriptor_above_4096_is_closed_too():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 5001:
        pytest.skip("this machine allows too few descriptors")

    def prepare():
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 5001), hard))
        os.dup2(os.open(os.devnull, os.O_RDONLY), 5000)
    left = _open_in_child(prepare, keep=[])
    assert 5000 not in left and not {fd for fd in left if fd > 2}

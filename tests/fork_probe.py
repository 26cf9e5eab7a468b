"""Run as `python -m tests.fork_probe FOLDER MODE`, as the fork server runs (`-m`), so that the
process has one thread and the fork server's imports, which pytest's own process has not.

MODE:
  forked, spawned   start one worker on FOLDER as a check forked from the fork server does
                    (forked) or as any other check does, and print as JSON what its
                    `probe.facts()` saw from inside;
  threaded          as forked, with a second thread running: print how the worker started;
  dead              as forked, kill the worker's first process, and print "dead" once every
                    question to it has said so and all three of its processes have ended.
"""
from __future__ import annotations

import json
import sys
import threading

from grader.sandbox import fork_worker

fork_worker.record_worker_modules()   # first, as the fork server does

from grader import forkserver  # noqa: E402
from grader.sandbox.session import WorkerSession  # noqa: E402


def main(folder: str, mode: str) -> None:
    forkserver.preload("en")
    if mode != "spawned":
        fork_worker.enable()
    if mode == "threaded":
        release = threading.Event()
        threading.Thread(target=release.wait, daemon=True).start()
        session = WorkerSession(folder)
        print(type(session.proc).__name__)
        session.close()
        return
    session = WorkerSession(folder)
    if mode == "dead":
        _dies(session)
        print("dead")
        return
    try:
        applied = session.sandbox().summary()
        session.request("import", module="probe")
        facts = session.function("probe", "facts")
        facts.update(started_as=type(session.proc).__name__, sandbox=applied, output=session.take_output())
    finally:
        session.close()
    print(json.dumps(facts))


def _dies(session: WorkerSession) -> None:
    import time

    from grader.sandbox.session import WorkerDied
    from tests.process_support import alive, tree
    assert type(session.proc).__name__ == "ForkedWorker"
    session.sandbox()   # it has confined itself: keeper, init and worker are up
    started = tree(session.proc.pid)
    session.proc.kill()   # the keeper only: the rest must end with it, as they do when spawned
    session.proc.wait(30)
    for _ in range(2):
        try:
            session.request("ping")
        except WorkerDied:
            continue
        raise AssertionError("a dead worker answered")
    session.close()
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in started):
        assert time.monotonic() < deadline, [pid for pid in started if alive(pid)]
        time.sleep(0.05)


if __name__ == "__main__":
    main(*sys.argv[1:3])

"""Shared gradient slots: what has the expected layout goes through memory, bit for bit what the
worker subtracts; anything else goes through the reply; the parent never reads outside a slot."""
from __future__ import annotations

import numpy as np
import pytest

from grader import slots as slots_module
from grader.slots import SLOT_BYTES, SLOTS, GradientSlots, layout_of

pytestmark = pytest.mark.skipif(GradientSlots.create() is None, reason="no memfd_create here")


@pytest.fixture
def pair():
    """The parent's mapping and a second mapping of the same memory, as the worker has."""
    parent = GradientSlots.create()
    worker = GradientSlots(parent.fd)
    yield parent, worker
    parent.memory.close()
    worker.close()


def grads():
    rng = np.random.default_rng(0)
    return {"W1": rng.random((784, 50)), "b1": rng.random(50), "W2": rng.random((50, 10)), "b2": rng.random(10)}


def test_the_parent_reads_exactly_what_the_worker_subtracts(pair):
    parent, worker = pair
    g = grads()
    views = worker.put_scaled(SLOTS - 1, g, 0.1, layout_of(g))
    got = parent.take(SLOTS - 1, sum(a.size for a in g.values()))
    expected = np.concatenate([(0.1 * a).ravel() for a in g.values()])
    assert np.array_equal(got, expected)   # bit for bit: the two copies of the parameters agree
    assert np.array_equal(views["W2"], 0.1 * g["W2"])


@pytest.mark.parametrize("change", [
    lambda g: {**g, "W1": g["W1"].astype(np.float32)},     # other dtypes go in the reply
    lambda g: {**g, "b1": list(g["b1"])},                  # not an array
    lambda g: {**g, "W1": g["W1"].T},                      # not the layout the parent expects
    lambda g: {"b1": g["b1"], "W1": g["W1"], "W2": g["W2"], "b2": g["b2"]},   # another order
    lambda g: {**g, "W1": np.ones(SLOT_BYTES // 8 + 1)},   # does not fit
])
def test_what_is_not_the_expected_layout_is_refused(pair, change):
    _, worker = pair
    expected = layout_of(grads())
    assert worker.put_scaled(0, change(grads()), 0.1, expected) is None


@pytest.mark.parametrize("slot", [SLOTS, -1, "0", 1.0])
def test_slot_numbers_out_of_range_are_refused(pair, slot):
    parent, worker = pair
    g = grads()
    assert worker.put_scaled(slot, g, 0.1, layout_of(g)) is None
    with pytest.raises(ValueError):
        parent.take(slot, 10)


def test_the_parent_never_reads_past_a_slot(pair):
    parent, _ = pair
    with pytest.raises(ValueError):
        parent.take(0, SLOT_BYTES // 8 + 1)
    assert parent.take(SLOTS - 1, SLOT_BYTES // 8).size == SLOT_BYTES // 8


def test_training_passes_without_slots(monkeypatch, solutions_copy):
    """Where there is no shared memory (not Linux), gradients travel in the replies."""
    from grader.runner import run
    monkeypatch.setattr(slots_module.GradientSlots, "create", classmethod(lambda cls: None))
    report = run(solutions_copy, ["train_neuralnet"])
    training = report.exercises[-1]
    assert training.exercise == "train_neuralnet" and training.state.value == "passed"


@pytest.mark.parametrize("reply", [
    ["steps", "x", []],                       # neither kind
    ["steps", ["s"], []],
    ["steps", "s", [{"W1": 1}]],              # an inline step too many
    ["steps", "i", []],                       # an inline step too few
    ["steps", "", []],                        # fewer steps than asked for
    ["steps", "ss", []],                      # more
    ["steps", "s", [], "extra"],
    ["steps", [["scaled", 0]]],               # the old form
    {"steps": 1},
])
def test_forged_train_steps_replies_end_the_worker(reply, solutions_copy):
    from grader.session import WorkerDied, WorkerSession
    session = WorkerSession(solutions_copy)
    try:
        with pytest.raises(WorkerDied):
            session.unpack_steps(reply, [0], 100)
        assert not session.alive
    finally:
        session.close()


def test_a_well_formed_reply_is_read_from_the_parent_s_own_slots(solutions_copy):
    from grader.session import WorkerSession
    from grader.slots import Scaled
    session = WorkerSession(solutions_copy)
    try:
        session.slots.take(3, 100)[:] = 7.0
        first, inline, last = session.unpack_steps(["steps", "sis", [{"W1": 1}]], [3, 4, 5], 100)
        assert isinstance(first, Scaled) and first.values.shape == (100,) and np.all(first.values == 7.0)
        assert inline == {"W1": 1} and isinstance(last, Scaled)
    finally:
        session.close()


def test_queued_steps_are_skipped_once_the_parent_asks_and_taken_again_after(solutions_copy):
    """The stop page: a run that has ended does not wait for the steps it had queued."""
    from grader.session import WorkerSession
    session = WorkerSession(solutions_copy)
    try:
        net = session.new("two_layer_net", "TwoLayerNet", 784, 50, 10)
        params = session.getattr(net, "params")
        x, t = session.request("mnist")
        layout = layout_of({k: params[k] for k in ("W1", "b1", "W2", "b2")})
        batches = np.arange(800).reshape(8, 100)

        def submit():
            session.submit("train_steps", net=net, x=x, t=t, idx=batches, lr=0.1, first_slot=0, layout=layout)

        session.slots.stop(True)
        for _ in range(3):
            submit()
        assert [len(session.collect()[1]) for _ in range(3)] == [0, 0, 0]
        before = session.getattr(net, "params")["W1"]
        assert np.array_equal(before, params["W1"])   # nothing was taken
        session.slots.stop(False)
        submit()
        assert len(session.collect()[1]) == 8
    finally:
        session.close()

"""The shared shape of a graph's values: built, read back after JSON, and judged edge by edge."""
import json
import math

import numpy as np
import pytest

from grader.graph.values import (EDGES, apple_orange_expected, graph_values, number, read,
                                 sigmoid_expected, wrong_edges)
from grader.results import CheckResult, ExerciseResult, State
from grader.verdicts import decode, encode


def test_book_apple_orange_values():
    want = apple_orange_expected(100, 2, 150, 3, 1.1)
    assert want["price"][0] == pytest.approx(715)
    assert [want[e][1] for e in ("apple", "apple_num", "orange", "orange_num", "tax")] == \
        pytest.approx([2.2, 110, 3.3, 165, 650])
    assert want["all_price"] == pytest.approx((650, 1.1))


def test_sigmoid_backward_is_y_times_one_minus_y():
    want = sigmoid_expected(0.5, dout=2.0)
    y = 1 / (1 + math.exp(-0.5))
    assert want["y"] == pytest.approx((y, 2.0))
    assert want["x"][1] == pytest.approx(2.0 * y * (1 - y))
    assert want["neg"][1] == pytest.approx(-want["x"][1])
    assert sigmoid_expected(-800.0)["x"][1] == 0.0        # no inf * 0 far out


def test_numbers_and_gaps():
    assert number(np.array([3.0])) == 3.0 and number(np.float32(2.5)) == 2.5
    assert number(float("nan")) is None and number("715") is None and number(np.ones(2)) is None
    data = graph_values("sigmoid", {"x": (1.0,)}, sigmoid_expected(1.0))
    assert set(data["edges"]) == set(EDGES["sigmoid"]) and data["edges"]["x"] == [1.0, None]
    assert wrong_edges(data)["x"] == (False, True)
    with pytest.raises(ValueError):
        graph_values("nope", {}, {})


def test_survives_the_verdict_cache_and_json():
    want = apple_orange_expected(100, 2, 150, 3, 1.1)
    got = dict(want, apple=(100, 2.0))
    data = graph_values("apple_orange", got, want)
    check = CheckResult("buy_apple_orange", "book_values", State.FAILED, 3, extra={"graph": data})
    back = decode(encode(ExerciseResult("buy_apple_orange", "buy_apple_orange.py", (check,))))
    assert read(back.checks[0].extra["graph"]) == data == read(json.loads(json.dumps(data)))
    assert wrong_edges(data)["apple"] == (False, True)
    assert read({"name": "apple_orange"}) is None and read("x") is None

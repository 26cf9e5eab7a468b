"""buy_apple_orange in its three forms: a function, the book's script, or no file at all."""
from __future__ import annotations

import pytest

from grader.checks.apple_script import close_as_printed, parse_printed
from grader.layout import detect
from tests.book_layout import BUY_APPLE_ORANGE_SCRIPT, build_book_repository
from tests.conftest import mutate
from tests.test_layouts import by_exercise, run_json

FLAT_SCRIPT = BUY_APPLE_ORANGE_SCRIPT.replace("from layer_naive import *", "from layers import *")


def apple(report: dict) -> tuple:
    return by_exercise(report)["buy_apple_orange"]


def test_the_function_form_as_before(solutions_copy, capsys):
    assert detect(solutions_copy).apple_form == "function"
    code, report = run_json(capsys, solutions_copy, "buy_apple_orange")
    assert code == 0 and apple(report)[0] == "passed"


def test_a_function_with_numbers_typed_in_fails_on_random_prices(solutions_copy, capsys):
    mutate(solutions_copy, "buy_apple_orange.py", "    return price, dapple,",
           "    price = 715.0000000000001\n    return price, dapple,")
    code, report = run_json(capsys, solutions_copy, "buy_apple_orange")
    checks = {t["extra_data"]["check"]: t["extra_data"]["state"] for t in report["tests"]
              if t["extra_data"]["exercise"] == "buy_apple_orange"}
    assert code == 1 and checks == {"book_values": "passed", "random_values": "failed"}


def test_the_books_script_in_a_flat_folder(solutions_copy, capsys):
    (solutions_copy / "buy_apple_orange.py").write_text(FLAT_SCRIPT, encoding="utf-8")
    assert detect(solutions_copy).apple_form == "script"
    code, report = run_json(capsys, solutions_copy, "buy_apple_orange")
    state, file, output = apple(report)
    assert code == 0 and state == "passed" and file == "buy_apple_orange.py"
    assert "dApple_num: 110" in output   # what it printed is still shown to the student


def test_a_script_printing_a_wrong_value_fails_naming_it(solutions_copy, capsys):
    script = FLAT_SCRIPT.replace('print("dApple:", dapple)', 'print("dApple:", dapple_num)')
    (solutions_copy / "buy_apple_orange.py").write_text(script, encoding="utf-8")
    code, report = run_json(capsys, solutions_copy, "buy_apple_orange")
    state, _, output = apple(report)
    assert code == 1 and state == "failed"
    assert "printed dApple = 110.00000000000001; the book's graph gives 2.2" in output


def test_a_script_printing_nothing_fails_saying_what_is_missing(solutions_copy, capsys):
    script = FLAT_SCRIPT[:FLAT_SCRIPT.index('print("price:"')]
    (solutions_copy / "buy_apple_orange.py").write_text(script, encoding="utf-8")
    code, report = run_json(capsys, solutions_copy, "buy_apple_orange")
    state, _, output = apple(report)
    assert code == 1 and state == "failed" and "did not print price, dApple, dApple_num" in output


def test_a_script_that_raises_is_an_error_at_its_line(solutions_copy, capsys):
    script = FLAT_SCRIPT.replace("tax = 1.1", "tax = 1.1\nraise ValueError('no shopping today')")
    (solutions_copy / "buy_apple_orange.py").write_text(script, encoding="utf-8")
    _, report = run_json(capsys, solutions_copy, "buy_apple_orange")
    state, _, output = apple(report)
    assert state == "error" and "no shopping today" in output and "buy_apple_orange.py:" in output


def test_printed_text_cannot_forge_a_verdict(solutions_copy, capsys):
    """A script that prints the book's numbers over broken layers: the layers fail first, and the
    random graphs are wired from the layers, not taken from the printout."""
    script = "\n".join(f"print({line!r})" for line in
                       ("price: 715", "dApple: 2.2", "dApple_num: 110", "dOrange: 3.3",
                        "dOrange_num: 165", "dTax: 650")) + "\n"
    (solutions_copy / "buy_apple_orange.py").write_text(script, encoding="utf-8")
    mutate(solutions_copy, "layers.py", "        dx = dout * self.y", "        dx = dout * self.x")
    code, report = run_json(capsys, solutions_copy, "buy_apple_orange")
    assert code == 1 and apple(report)[0] == "skipped"


def test_no_file_wires_the_books_graph_from_the_students_layers(solutions_copy, capsys):
    (solutions_copy / "buy_apple_orange.py").unlink()
    layout = detect(solutions_copy)
    assert layout.apple_form == "wired"
    code, report = run_json(capsys, solutions_copy, "buy_apple_orange")
    assert code == 0 and apple(report)[0] == "passed"
    assert report["extra_data"]["layout"]["buy_apple_orange"] == "wired"


def test_no_file_and_broken_layers_is_skipped_not_missing(solutions_copy, capsys):
    (solutions_copy / "buy_apple_orange.py").unlink()
    mutate(solutions_copy, "layers.py", "return dout * 1, dout * 1", "return dout * 1, dout * 2")
    _, report = run_json(capsys, solutions_copy, "buy_apple_orange")
    state, _, output = apple(report)
    assert state == "skipped" and "AddLayer" in output


def test_the_wired_graph_runs_the_layers_it_is_given(tmp_path, monkeypatch):
    """The helper the worker runs: its six numbers come from the classes it imports."""
    from grader.worker_ops_layout import wire_apple_orange
    (tmp_path / "halfway.py").write_text(
        "class MulLayer:\n"
        "    def forward(self, x, y):\n        self.x, self.y = x, y\n        return x * y\n"
        "    def backward(self, d):\n        return d * self.y, d * self.x * 0.5\n"
        "class AddLayer:\n"
        "    def forward(self, x, y):\n        return x + y\n"
        "    def backward(self, d):\n        return d, d\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    got = wire_apple_orange("halfway", "halfway", 100, 2, 150, 3, 1.1)
    assert got[0] == pytest.approx(715) and got[1] == pytest.approx(2.2)
    assert got[2] == pytest.approx(55) and got[5] == pytest.approx(325)


def test_the_books_script_in_the_books_repository_with_a_wrong_layer_wiring(tmp_path, capsys):
    script = BUY_APPLE_ORANGE_SCRIPT.replace("price = mul_tax_layer.forward(all_price, tax)",
                                             "price = mul_tax_layer.forward(all_price, 1.0)")
    ch05 = build_book_repository(tmp_path / "repo", script=script)
    _, report = run_json(capsys, ch05, "buy_apple_orange")
    state, file, output = apple(report)
    assert state == "failed" and file == "ch05/buy_apple_orange.py" and "price = 650" in output


def test_no_script_in_the_books_repository(tmp_path, capsys):
    ch05 = build_book_repository(tmp_path / "repo", script=None)
    code, report = run_json(capsys, ch05, "buy_apple_orange")
    assert code == 0 and apple(report)[0] == "passed"


@pytest.mark.parametrize("printed, want, ok", [
    ("715", 715.0000000000001, True),      # the book's int(price)
    ("714", 715.0000000000001, False),
    ("2.2", 2.2000000000000002, True),
    ("2.20", 2.2, True),
    ("2.3", 2.2, False),
    ("3.3000000000000003", 3.3000000000000003, True),
    ("1.1e2", 110.00000000000001, True),
    ("650", 715.0000000000001, False),
])
def test_printed_numbers_are_judged_to_their_printed_digits(printed, want, ok):
    assert close_as_printed(printed, want) is ok


def test_the_printout_is_parsed_by_label():
    values = parse_printed("starting\nprice: 715\ndApple = 2.2\n  dApple_num:110\ndOrange: x\n")
    assert values == {"price": "715", "dapple": "2.2", "dapple_num": "110"}

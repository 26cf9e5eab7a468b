"""Hand-built reports for the writers' tests: writers are tested without grading anything."""
from grader.results import CheckResult, Comparison, ExerciseResult, Message, Report, SourceLine, State


def sample_report() -> Report:
    relu = ExerciseResult("Relu", "layers.py", (
        CheckResult("Relu", "forward", State.PASSED, 3),
        CheckResult("Relu", "backward", State.FAILED, 5,
                    Message("wrong_values", {"method": "Relu.backward", "quantity": "dx", "error": 1.0,
                                             "threshold": 1e-6}),
                    Comparison("dx", "shape (2,): [0, 1]", "shape (2,): [1, 0]", 1.0, 1e-6, "[0]: 0 / 1"),
                    Message("diag_mask_inverted", {}),
                    location=(SourceLine("layers.py", 42, "backward", "dout[~self.mask] = 0"),)),
    ), output="debug print <&>\n")
    affine = ExerciseResult("Affine", "layers.py", (
        CheckResult("Affine", "forward", State.ERROR, 5, Message("raised", {"method": "Affine.forward"}),
                    exception="ValueError: shapes (2,3) and (4,5) not aligned",
                    location=(SourceLine("layers.py", 77, "forward", "return np.dot(x, self.W)"),)),
        CheckResult("Affine", "backward", State.TIMEOUT, 8, Message("timeout", {"method": "Affine.backward"})),
        CheckResult("Affine", "tensor_input", State.NOT_STARTED, 4,
                    Message("not_started", {"method": "Affine.forward"})),
    ))
    net = ExerciseResult("TwoLayerNet", "two_layer_net.py", (
        CheckResult("TwoLayerNet", "small_network", State.SKIPPED, 9,
                    Message("skipped_dependency", {"deps": "Affine, Relu"})),
        CheckResult("TwoLayerNet", "full_network", State.SKIPPED, 8,
                    Message("skipped_dependency", {"deps": "Affine, Relu"})),
    ))
    return Report("/course/alice", (relu, affine, net), seed=7, duration=1.6, selected_all=False)

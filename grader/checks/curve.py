"""Why an MNIST run failed to reach its target, read off the curve the parent recorded.

A pure function of data: the measurements the parent made during the run, (step, test accuracy)
and (step, loss), and the run's budget and target. Every explanation names the numbers it rests
on, and none is given without them: "diverged" needs a loss that was NaN or inf, "stuck at
chance" an accuracy that never left the neighbourhood of guessing, "too slow" one that was still
rising when the run ended.
"""
from __future__ import annotations

import math

from grader.results import Message

CHANCE = 0.1            # ten classes: what guessing scores
LN10 = math.log(10)     # the loss of a network whose outputs say nothing: softmax of ten equal scores
# Never above this at any measurement: the network has not got past guessing. (One class always
# predicted scores its share of the test set, 0.098 to 0.114; a correct network is past 0.8
# after 500 steps.)
NEAR_CHANCE = 0.2
# Further below its best than this at the end: the run got worse. Measurements on 2,000 test
# images differ from those on all 10,000 by under 0.01 (3 standard errors at 0.9).
FELL_BY = 0.02
# Still rising: the last measurement at least this far above the first.
ROSE_BY = 0.01


def _word(value: float) -> str:
    """NaN or inf as the reader would see them printed by numpy."""
    return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")


def diagnose(curve: list, losses: list, steps: int, budget: int, target: float) -> Message | None:
    """The reason the run fell short, or None when its numbers show none of the known shapes.

    `curve`: (step, test accuracy) in step order, the last at `steps`, where the run ended;
    `losses`: (step, loss) measured at the same parameters, in step order.
    """
    for i, (step, loss) in enumerate(losses):
        if not math.isfinite(loss):
            if i == 0:
                return None   # never finite: nothing diverged from anywhere
            last_step, last_loss = losses[i - 1]
            return Message("diag_diverged", {"step": step, "loss": _word(loss), "last_step": last_step,
                                             "last_loss": last_loss})
    if not curve or not losses:
        return None
    best_step, best = max(curve, key=lambda point: point[1])
    end_step, end = curve[-1]
    if best < NEAR_CHANCE:
        return Message("diag_stuck_at_chance", {"steps": end_step, "accuracy": end, "chance": CHANCE,
                                                "loss": losses[-1][1], "ln10": LN10, "near": NEAR_CHANCE})
    if end < best - FELL_BY:
        return Message("diag_fell_back", {"best": best, "best_step": best_step, "accuracy": end,
                                          "steps": end_step})
    start_step, start = curve[0]
    middle = [point for point in curve[1:-1] if point[0] <= (start_step + end_step) / 2]
    if end >= target or end < start + ROSE_BY or not middle:
        return None
    middle_step, middle_accuracy = middle[-1]
    numbers = {"start": start, "middle": middle_accuracy, "middle_step": middle_step, "accuracy": end,
               "steps": end_step, "target": target, "budget": budget}
    # Ended before the budget, rising and finite: stopped because it was hopelessly behind.
    return Message("diag_too_slow" if steps >= budget else "diag_too_slow_stopped", numbers)

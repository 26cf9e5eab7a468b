"""The terminal report: a table of exercises, then what went wrong and how to think about it."""
from __future__ import annotations

from rich.cells import cell_len
from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from grader import catalog
from grader.graph import graph_of
from grader.graph.text import GraphView, one_line
from grader.messages import FILE_LEVEL, say, text
from grader.report.console import Fitted
from grader.results import CheckResult, ExerciseResult, Report, State

STYLE = {
    State.PASSED: ("✔", "green"),
    State.FAILED: ("✘", "red"),
    State.ERROR: ("!", "red"),
    State.TIMEOUT: ("⏱", "yellow"),
    State.NOT_STARTED: ("·", "dim"),
    State.SKIPPED: ("↷", "dim"),
}


def state_text(state: State, lang: str) -> Text:
    mark, style = STYLE[state]
    return Text(f"{mark} {say('state.' + state.value, lang)}", style=style)


def render(report: Report, lang: str = "en", passed_graphs: str = "line") -> Fitted:
    """The report, drawn with plain-text stand-ins where the console's encoding needs them.

    A computational graph (grader.graph) is drawn in full inside the panel of a check that failed:
    there the marked edge is the lesson. A passing exercise's graph would add some twenty lines to
    every run of a report that should stay short when all is well, so the terminal gets one line
    of its values (`passed_graphs="line"`), while a notebook, where a cell has room and the student
    is reading rather than re-running, draws it in full (`"full"`); --plot writes it as SVG."""
    return Fitted(_render(report, lang, passed_graphs))


def _render(report: Report, lang: str, passed_graphs: str = "line") -> Group:
    parts = [_table(report, lang)]
    layout = layout_text(report, lang)
    if layout is not None:
        parts.append(layout)
    parts.extend(_passed_graphs(report, lang, passed_graphs))
    said = set()   # a file's problem is one panel, however many exercises need the file
    for exercise in report.exercises:
        problem = exercise.first_problem
        if problem is not None and problem.state in (State.FAILED, State.ERROR, State.TIMEOUT):
            if _about_a_file(problem):
                said_once = text(problem.message, "en")
                if said_once not in said:
                    said.add(said_once)
                    parts.append(_failure_panel(exercise, problem, lang))
            else:
                parts.append(_failure_panel(exercise, problem, lang))
        if exercise.import_output.strip():
            parts.append(Panel(Text(exercise.import_output.rstrip()),
                               title=say("ui.import_output", lang, file=exercise.file),
                               border_style="dim", title_align="left"))
        if exercise.output.strip():
            parts.append(Panel(Text(exercise.output.rstrip()), title=f"{exercise.exercise}: {say('ui.output', lang)}",
                               border_style="dim", title_align="left"))
    curve = _learning_curve(report, lang)
    if curve is not None:
        parts.append(curve)
    parts.append(Text(say("ui.score", lang, score=report.score, max_score=report.max_score,
                          seconds=report.duration, seed=report.seed), style="bold"))
    reused = [e.exercise for e in report.exercises if e.reused]
    if reused:
        parts.append(Text(say("ui.reused", lang, exercises=", ".join(reused)), style="dim"))
    if report.sandbox is not None:
        parts.append(Text(say("ui.sandbox", lang, summary=report.sandbox["summary"]), style="dim"))
    parts.append(_next_step(report, lang))
    return Group(*parts)


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float], width: int = 60, low: float = 0.0, high: float = 1.0) -> str:
    """Values in [low, high] as one line of block characters, resampled to at most `width`."""
    if not values:
        return ""
    if len(values) > width:
        values = [values[int(i * len(values) / width)] for i in range(width - 1)] + [values[-1]]
    span = (high - low) or 1.0
    return "".join(SPARKS[min(len(SPARKS) - 1, max(0, int((v - low) / span * (len(SPARKS) - 1) + 0.5)))]
                   for v in values)


def evenly_spaced(curve: list, columns: int = 60) -> list[float]:
    """Accuracies at evenly spaced iterations (the latest measurement at or before each), so that
    the sparkline's x axis is iterations even though measurements are denser near the target."""
    first, last = curve[0][0], curve[-1][0]
    columns = max(2, min(columns, len(curve)))
    out, j = [], 0
    for i in range(columns):
        at = first + (last - first) * i / (columns - 1)
        while j + 1 < len(curve) and curve[j + 1][0] <= at:
            j += 1
        out.append(curve[j][1])
    return out


def _learning_curve(report: Report, lang: str) -> Panel | None:
    """The MNIST run as iterations against test accuracy, drawn in the terminal."""
    for exercise in report.exercises:
        for check in exercise.checks:
            curve = check.extra.get("curve")
            if curve and len(curve) > 1:
                accuracies = [a for _, a in curve]
                body = Text()
                # 0.8 to 1.0 is where a run is won or lost; lower accuracies share the bottom block.
                body.append(sparkline(evenly_spaced(curve), low=0.8, high=1.0), style="cyan")
                body.append("\n" + say("ui.curve_caption", lang, first=curve[0][0], last=curve[-1][0],
                                       start=accuracies[0], end=accuracies[-1],
                                       target=check.extra.get("target", 0.94)), style="dim")
                losses = check.extra.get("losses")
                if losses:
                    body.append("\n" + say("ui.curve_loss", lang, images=check.extra.get("loss_images"),
                                           start=losses[0][1], end=losses[-1][1]), style="dim")
                return Panel(body, title=say("ui.curve_title", lang), title_align="left",
                             border_style="cyan", expand=False)
    return None


def _table(report: Report, lang: str) -> Table:
    table = Table(title=say("ui.title", lang, path=report.submission), title_justify="left",
                  expand=False)
    table.add_column(say("ui.exercise", lang), no_wrap=True)
    table.add_column(say("ui.state", lang), no_wrap=True)
    table.add_column(say("ui.points", lang), justify="right", no_wrap=True)
    table.add_column(say("ui.detail", lang))
    grouped = False
    for exercise in report.exercises:
        if catalog.is_extra(exercise.exercise) and not grouped:
            extras_heading(table, lang)
            grouped = True
        problem = exercise.first_problem
        if problem is None:
            detail = _passed_detail(exercise, lang)
        elif _about_a_file(problem):
            detail = text(problem.message, lang)
        else:
            detail = f"{problem.check}: {text(problem.message, lang)}"
        table.add_row(exercise.exercise, state_text(exercise.state, lang),
                      f"{exercise.score:g}/{exercise.max_score:g}", detail)
    return table


def extras_heading(table: Table, lang: str, column: int = 0) -> None:
    """The extras come after the core, under their own heading (in the exercises' column):
    outside the default points."""
    table.add_section()
    cells: list = [""] * len(table.columns)
    cells[column] = Text(say("ui.extras", lang), style="bold")
    table.add_row(*cells)


def layout_text(report: Report, lang: str) -> Text | None:
    """Which file each class came from, when that is not the flat folder's usual files."""
    layout = report.layout
    if not layout or layout.get("plain"):
        return None
    form = layout.get("buy_apple_orange", "function")
    by_file: dict[str, list[str]] = {}
    for name, file in layout["files"].items():
        label = f"{name} ({say('ui.apple.' + form, lang)})" if name == "buy_apple_orange" else name
        by_file.setdefault("-" if form == "wired" and name == "buy_apple_orange" else file, []).append(label)
    body = Text(say("ui.layout." + layout["kind"], lang) + "\n", style="bold")
    for file, names in by_file.items():
        body.append(f"  {file}: {', '.join(names)}\n")
    for note in layout.get("notes", ()):
        body.append("→ " + text(note, lang) + "\n", style="yellow")
    return body


def _passed_detail(exercise: ExerciseResult, lang: str) -> str:
    for check in exercise.checks:
        if "test_accuracy" in check.extra:
            return say("ui.accuracy", lang, accuracy=check.extra["test_accuracy"],
                       iterations=check.extra["iterations"])
    notes = [c.note for c in exercise.checks if c.note is not None]
    return text(notes[0], lang) if notes else ""


def _passed_graphs(report: Report, lang: str, how: str) -> list:
    shown = []
    for exercise in report.exercises:
        if exercise.state is not State.PASSED:
            continue
        graph = next((g for g in map(graph_of, exercise.checks) if g is not None), None)
        if graph is not None and how == "full":
            shown.append(Panel(GraphView(graph, lang), title=exercise.exercise, title_align="left",
                               border_style="green", expand=False))
        elif graph is not None:
            shown.append(Text(one_line(graph, lang), style="dim"))
    return shown


def _failure_panel(exercise: ExerciseResult, check: CheckResult, lang: str) -> Panel:
    body = Text()
    body.append(text(check.message, lang) + "\n", style="bold")
    if check.exception:
        body.append(check.exception + "\n", style="red")
    for line in check.location[-2:]:
        body.append(f"  {say('ui.your_line', lang)}: {line.file}:{line.line} in {line.function}\n", style="cyan")
        if line.code:
            body.append(f"    {line.code}\n")
    if check.comparison is not None:
        c = check.comparison
        labels = [f"{c.quantity} {say('ui.expected', lang)}:", f"{c.quantity} {say('ui.got', lang)}:"]
        width = max(cell_len(label) for label in labels)
        for label, value in zip(labels, (c.expected, c.got)):
            body.append(f"  {label}{' ' * (width - cell_len(label))} {value}\n")
        if c.where:
            body.append(f"  {say('ui.worst', lang)} {c.where}\n", style="dim")
    if check.diagnosis is not None:
        body.append("→ " + text(check.diagnosis, lang) + "\n", style="yellow")
    # The check's own graph, else one another check of the exercise drew that shows a wrong value
    # (sigmoid_graph: a node's own check fails, the chain's check holds the graph).
    graph = graph_of(check) or next((g for g in map(graph_of, exercise.checks) if g is not None and g.wrong), None)
    if graph is not None:
        body.rstrip()
        body = Group(body, GraphView(graph, lang), Text())
    if _about_a_file(check):
        # The exercise's hints are about its methods, not about why its file cannot be used.
        title = str(check.message.params.get("file") or exercise.file)
    else:
        # A misnamed class or method: the rename is the whole advice.
        renamed = check.message is not None and check.message.key.startswith("near_miss")
        hint = "" if renamed else _hint(exercise.exercise, check, lang)
        if hint:
            said = Text(f"{say('ui.hint', lang)}: {hint}", style="green")
            body = Group(*body.renderables, said) if isinstance(body, Group) else body.append_text(said)
        title = f"{exercise.exercise}.{check.check} ({exercise.file})"
    if isinstance(body, Text):
        body.rstrip()
    return Panel(body, title=title, title_align="left", border_style="red")


def _about_a_file(check: CheckResult) -> bool:
    return check.message is not None and check.message.key in FILE_LEVEL


def _hint(exercise_id: str, check: CheckResult, lang: str) -> str:
    """The hint step the check names as fitting its failure (layers not reversed: the reverse
    order), else the first."""
    if check.hint is not None and check.hint.key == "hint_step":
        fitting = catalog.hint_text(check.hint.params["exercise"], int(check.hint.params["step"]), lang)
        if fitting:
            return fitting
    return _first_hint(exercise_id, lang)


def _first_hint(exercise_id: str, lang: str) -> str:
    hints = catalog.BY_ID[exercise_id].hints
    return hints[0].get(lang, hints[0]["en"]) if hints else ""


def _next_step(report: Report, lang: str) -> Text:
    upcoming = report.next_exercise()
    if upcoming is None and not report.selected_all:
        # Say what was checked: "all exercises" would claim what a partial check never looked at.
        needed = {d for e in report.exercises for d in catalog.BY_ID[e.exercise].depends_on}
        named = [e.exercise for e in report.exercises if e.exercise not in needed]
        return Text(say("ui.selection_passed", lang, exercises=", ".join(named)), style="bold green")
    if upcoming is None:
        return Text(say("ui.all_passed", lang), style="bold green")
    if all(e.state is State.NOT_STARTED or e.state is State.SKIPPED for e in report.exercises):
        return Text(say("ui.all_not_started", lang, exercise=upcoming.exercise, file=upcoming.file,
                        section=catalog.BY_ID[upcoming.exercise].section), style="bold")
    return Text(say("ui.next", lang, exercise=upcoming.exercise, file=upcoming.file), style="bold")

"""`grader gradebook RESULTS... --output FILE [--format csv|moodle|canvas|google-classroom]
[--roster roster.csv] [--assignment NAME]`: one gradebook from the results of any number of
`grader grade` runs, in the layout an LMS imports.

Every submission without a roster row and every roster row without a submission is listed on
stderr (and in the `note` column of the csv format): nothing is dropped silently.
"""
from __future__ import annotations

import sys
from pathlib import Path

from grader.commands.common import EXIT_PASSED, UsageError, add_language_option, tr


def register(sub) -> None:
    parser = sub.add_parser("gradebook", help=tr("cli.gradebook"), description=tr("cli.gradebook.description"))
    parser.add_argument("results", nargs="+", type=Path, metavar="RESULTS", help=tr("cli.gradebook.results"))
    parser.add_argument("--output", type=Path, required=True, metavar="FILE")
    parser.add_argument("--format", choices=("csv", "moodle", "canvas", "google-classroom"), default="csv",
                        help=tr("cli.gradebook.format"))
    parser.add_argument("--roster", type=Path, metavar="CSV", help=tr("cli.gradebook.roster"))
    parser.add_argument("--assignment", metavar="NAME", help=tr("cli.gradebook.assignment"))
    parser.add_argument("--out-of", type=float, metavar="POINTS", help=tr("cli.gradebook.out_of"))
    add_language_option(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    from grader import catalog, gradebook, lms, merge, roster
    from grader.messages import choose_language, say

    lang = choose_language(args.lang)
    if args.format != "csv" and (args.roster is None or not args.assignment):
        raise UsageError("err.gradebook_needs", format=args.format)
    if args.out_of is not None and args.out_of <= 0:
        raise UsageError("err.gradebook_out_of")
    try:
        merged = merge.merge(args.results)
    except merge.MergeError as exc:
        raise UsageError(exc.key, **exc.params) from None
    max_score = float(merged.parameters["max_score"])
    entries, absent, unusable = [], [], []
    if args.roster is None:
        entries = [lms.Entry(name, None, report) for name, report in merged.reports.items()]
        unmatched = []
    else:
        try:
            students, columns = roster.read(args.roster)
            pairs, unmatched, absent = roster.match(list(merged.reports), students)
        except roster.RosterError as exc:
            raise UsageError(exc.key, **exc.params) from None
        needed = lms.IDENTIFIER.get(args.format, ())
        if needed and not columns & set(needed):
            raise UsageError("err.roster_needs", format=args.format, columns=" / ".join(needed))
        for folder, student in pairs:
            if needed and not any(getattr(student, c) for c in needed):
                unusable.append(student)
                continue
            entries.append(lms.Entry(folder, student, merged.reports[folder]))
        if args.format == "csv":
            entries += [lms.Entry(None, s, None, say("gradebook.no_submission", lang)) for s in absent]
        entries.sort(key=lambda e: e.student.line)  # the roster's order
        if args.format == "csv":
            entries += [lms.Entry(f, None, merged.reports[f], say("gradebook.no_roster_row", lang)) for f in unmatched]
    if args.format == "csv":
        table = lms.csv_table(entries, catalog.ORDER, max_score, args.out_of)
    else:
        table = lms.LMS_WRITERS[args.format](entries, args.assignment, max_score, args.out_of)
    gradebook.write_table(args.output, table)
    _list(say("gradebook.unmatched", lang), unmatched)
    _list(say("gradebook.absent", lang), [f"{s.label} (line {s.line})" for s in absent])
    _list(say("gradebook.unusable", lang, columns=" / ".join(lms.IDENTIFIER.get(args.format, ()))),
          [f"{s.label} (line {s.line})" for s in unusable])
    _list(say("gradebook.incomplete", lang), merged.incomplete)
    print(say("gradebook.done", lang, rows=len(entries), files=len(merged.sources), output=args.output,
              max_score=max_score, seed=merged.parameters["seed"]), file=sys.stderr)
    return EXIT_PASSED


def _list(title: str, items) -> None:
    if items:
        print(f"grader: {title} ({len(items)}): {', '.join(items)}", file=sys.stderr)

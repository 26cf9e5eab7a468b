"""One module per subcommand; each has `register(subparsers)` and sets `func` on its parser.

A command module imports only argparse-level things at import time: the heavy work is imported
inside its `run` function, so that `grader --help` stays instant.
"""

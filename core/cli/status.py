"""The command line's one convention for exit statuses and streams.

Every ``gates`` command exits with

* 0 -- it did what was asked;
* 1 -- a runtime failure: a network file, data or plugin at fault, a check that
  failed, a training run that diverged;
* 2 -- a usage error, found before any work starts: no command, an unknown
  option, a bad option value, an output name that cannot be used, a network or
  gate name that does not exist, data that a command needs but was not given;
* 3 -- ``gates draw`` was asked for a picture but Graphviz's ``dot`` is not
  installed, so it wrote the DOT text beside it instead (``NO_GRAPHVIZ``);
* 130 -- interrupted (Ctrl-C);
* 141 -- the reader of its output went away (``gates list | head -1``), as a shell
  reports a filter that SIGPIPE stopped; nothing is printed.

What a command was asked for goes to stdout; usage, errors, warnings and the live
progress line go to stderr. ``run_quietly`` gives the worked examples
(``examples/*.py``) the same behaviour on a closed pipe and Ctrl-C.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from core.errors import GatesError

OK, FAILURE, USAGE, NO_GRAPHVIZ, INTERRUPTED, CLOSED_PIPE = 0, 1, 2, 3, 130, 141


class UsageError(GatesError):
    """A command called wrongly (exit status 2): the message says what to give instead."""


def run_quietly(main: Callable[[], Any], name: str | None = None) -> int:
    """Run ``main()``; its exit status (0 unless it returns an int).

    A closed pipe ends it quietly with 141 and Ctrl-C with 130 (saying so on stderr,
    as ``name: interrupted``), without a traceback.
    """
    try:
        rc = main()
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
    except BrokenPipeError:
        # the reader went away: stop quietly, as the Python docs recommend, pointing
        # stdout at devnull so that the interpreter's own flush at exit cannot fail
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return CLOSED_PIPE
    except KeyboardInterrupt:
        name = name or os.path.basename(sys.argv[0] or "python")
        print(f"{name}: interrupted", file=sys.stderr)
        return INTERRUPTED
    return rc if isinstance(rc, int) and not isinstance(rc, bool) else OK

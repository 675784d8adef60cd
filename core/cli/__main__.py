"""``python -m core.cli``: the ``gates`` command."""
import sys

from core.cli.app import main

sys.exit(main())

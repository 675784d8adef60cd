"""The ``gates`` command line: one module per command group.

``app`` builds the parser and runs a command (list, plugins, demo); ``network``
holds draw, explain and train; ``check`` the contract suite; ``demo`` the
demo; ``args`` the checks of numbers and output names made before any work.

May import: anything in ``core``. Nothing imports it.
"""
from core.cli.app import main

__all__ = ["main"]

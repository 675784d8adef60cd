"""The ``gates`` command line: one module per command group.

``app`` builds the parser and runs a command (list, plugins, demo); ``network``
holds draw and explain and the options of the network commands, ``train`` the
training command, ``inputs`` what they read; ``check`` the contract suite;
``demo`` the demo; ``args`` the checks of numbers, and ``outputs`` the checks of
output names made before any work and the writes that keep the work when a
write fails. A usage error (a bad option value or output name) exits with 2.

May import: anything in ``core``. Nothing imports it.
"""
from core.cli.app import main

__all__ = ["main"]

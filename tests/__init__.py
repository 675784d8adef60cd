"""The tests, one folder per concern of the source tree (tests/engine for core/engine, ...).

Every folder is a package, so two test modules may share a name in different
folders and support modules import as ``tests.<folder>.<module>``. Shared setup
lives in conftest.py files (fixtures); what is needed while the tests are being
collected -- constants, gate classes for parametrize -- lives in a support module
(tests/paths.py, tests/plugins/packs.py, ...). A test module never imports another.
"""

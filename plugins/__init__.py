"""Extension packs of gates, each written only with the public plugin API and
registered through its own entry point in the ``gates`` group, as a third
party's would be; and ``pytest_gates``, the light pytest11 plugin of the
contract suite."""

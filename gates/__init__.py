"""The seed's gate set: add (distributor), mul (switcher), matmul, sigmoid,
identity and the MSE cost.

These are ordinary gate plugins, registered through the ``gates`` entry-point
group (see ``gates.builtin``) exactly as a third party's gates are; the engine in
``core`` never imports this package.
"""

"""The gate contract: what every gate type, built-in or third-party, provides.

Three kinds, named after the seed's blocks:

* ``Operator`` -- a general gate (add, mul, matmul, softmax, ...). ``forward``
  computes the output; ``local_gradient`` turns the incoming ``top_diff`` into
  one ``bottom_diff`` per input (a vector-Jacobian product).
* ``Activation`` -- an elementwise layer. ``forward`` and ``derivative``; the
  executor multiplies the derivative by ``top_diff``, as the seed says layers do.
* ``Cost`` -- a cost calculator: ``forward(prediction, target)`` is the scalar J,
  ``gradient(prediction, target)`` is dJ/dprediction, the first top_diff.

Gate types are plain classes (often ``attrs`` classes, so that attributes such as
a leaky ReLU's slope are declared fields). Class attributes declare the metadata.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Literal, get_args

import numpy as np

#: what a backward may read: the forward's inputs and its output (``Gate.backward_reads``)
READS = ("inputs", "output")

#: the three gate kinds (docs/design.md, "Glossary")
Kind = Literal["operator", "activation", "cost"]
KINDS: tuple[Kind, ...] = get_args(Kind)


class Gate:
    """Base of every gate type. Subclass one of the three kinds below."""

    #: registered name, used to compose graphs ("add", "sigmoid", ...)
    name: ClassVar[str] = ""
    #: one of KINDS; set by the kind base classes
    kind: ClassVar[str] = ""
    #: number of inputs ``forward`` takes
    arity: ClassVar[int] = 1
    #: points where the gate is not differentiable (ReLU: ``(0.0,)``)
    kinks: ClassVar[tuple[float, ...]] = ()
    #: dtypes the gate computes in
    dtypes: ClassVar[tuple[str, ...]] = ("float64", "float32")
    #: True when the gate's methods accept ``out=``: a preallocated buffer the
    #: result may be written into (forward: shaped like the output; derivative
    #: and gradient: like the input; local_gradient: a sequence with, per input,
    #: None or an array shaped like that input). A gate may ignore ``out`` and
    #: return a new array; the executor accepts either. Without this flag the
    #: executor never passes ``out``.
    supports_out: ClassVar[bool] = False
    #: which forward values the gate's backward (``local_gradient``,
    #: ``derivative``) reads: "inputs", "output", both (the conservative
    #: default) or neither. The planned executor passes None in place of a value
    #: not listed, so that it can release that value's memory earlier (a sigmoid
    #: needs only its output; matmul only its inputs; add neither).
    backward_reads: ClassVar[tuple[str, ...]] = READS
    #: contract checks this gate is known to fail: ``{check name: reason}``
    expected_failures: ClassVar[dict[str, str]] = {}
    #: the inputs the gate is defined on, for the contract suite's samples: None (every
    #: real number), one open interval ``(lo, hi)`` for every input (``(0.0, inf)`` for a
    #: logarithm), or one interval (or None) per input
    domain: ClassVar[Any] = None
    #: looser (or tighter) comparisons for some contract checks than the suite's own,
    #: each with its reason: ``{check name: {"atol": 1e-6, "rtol": 1e-3, "reason": ...}}``;
    #: the alternative to an expected failure, shown in every report
    tolerances: ClassVar[dict[str, dict[str, Any]]] = {}

    def forward(self, *inputs: np.ndarray, out: np.ndarray | None = None) -> Any:
        raise NotImplementedError(f"gate {self.name!r} does not define forward")

    def sample_inputs(self, rng: np.random.Generator, shape: tuple[int, ...],
                      dtype: np.dtype, scale: float = 1.0) -> Sequence[np.ndarray] | None:
        """Inputs for the contract suite (``core.check_gate``); None: the default.

        The suite calls this with a suggested ``shape`` (e.g. ``(4, 3)``, a batch
        of 4), the ``dtype`` wanted and a typical magnitude ``scale``: each
        check calls it at the scales 1e-3, 1, 10 and 1e3, and the large-input
        check also at the dtype's exp-overflow edge (709.78 in float64). Return
        ``arity`` arrays of that dtype drawn from ``rng``. The default (None)
        fills every input from magnitudes 1e-3 to 1e3 of both signs and the
        overflow edges (``core.contract.samples``), within ``domain`` and kept
        away from the ``kinks``. Define it when the inputs depend on each other
        or are not elementwise intervals (probabilities, targets that are signs,
        a matrix product's inner dimension); a gate with a bounded domain may
        ignore ``scale``.
        """
        return None

    def describe(self) -> str:
        """A one-line summary: the first line of the class docstring."""
        doc = (type(self).__doc__ or "").strip()
        return doc.splitlines()[0] if doc else ""


class Operator(Gate):
    """A general gate: forward plus a vector-Jacobian local gradient."""

    kind: ClassVar[Kind] = "operator"
    arity: ClassVar[int] = 2

    def local_gradient(
        self,
        top_diff: np.ndarray,
        inputs: Sequence[np.ndarray],
        output: np.ndarray,
        needs: Sequence[bool],
        out: Sequence[np.ndarray | None] | None = None,
    ) -> Sequence[np.ndarray | None]:
        """Return one bottom_diff per input: dJ/dinput = top_diff x local_diff.

        ``needs[i]`` is False when nobody needs the gradient of input i; the gate
        may return None there and skip the work. A returned array may be shaped
        like the broadcast result: the executor sums it back to the input's shape.
        """
        raise NotImplementedError(f"gate {self.name!r} does not define local_gradient")


class Activation(Gate):
    """An elementwise layer: forward plus its derivative."""

    kind: ClassVar[Kind] = "activation"
    arity: ClassVar[int] = 1

    def derivative(self, x: np.ndarray, y: np.ndarray, out: np.ndarray | None = None
                   ) -> np.ndarray:
        """dy/dx elementwise, given the input x and the forward output y."""
        raise NotImplementedError(f"gate {self.name!r} does not define derivative")


class Cost(Gate):
    """A cost calculator: J(prediction, target) and dJ/dprediction."""

    kind: ClassVar[Kind] = "cost"
    arity: ClassVar[int] = 2

    def gradient(self, prediction: np.ndarray, target: np.ndarray,
                 out: np.ndarray | None = None) -> np.ndarray:
        """dJ/dprediction, shaped like prediction: the first top_diff."""
        raise NotImplementedError(f"gate {self.name!r} does not define gradient")


KIND_BASES: dict[Kind, type[Gate]] = {"operator": Operator, "activation": Activation, "cost": Cost}


def kind_of(gate_type: type) -> Kind:
    """The declared kind of a gate type, checked against its base class."""
    kind = getattr(gate_type, "kind", "")
    if kind not in KIND_BASES:
        raise TypeError(
            f"gate type {gate_type.__qualname__} declares kind {kind!r}; "
            f"expected one of {', '.join(KINDS)}"
        )
    if not issubclass(gate_type, KIND_BASES[kind]):
        raise TypeError(
            f"gate type {gate_type.__qualname__} declares kind {kind!r} "
            f"but does not subclass core.{KIND_BASES[kind].__name__}"
        )
    return kind

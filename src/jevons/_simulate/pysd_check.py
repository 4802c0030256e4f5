"""An independent check of the engine: the same model in Vensim form, run by PySD.

The engine is hand-vectorized numpy, where a slip in timing (which quarter's capex a
completion uses, whether a stock is read before or after its update) would still give
plausible numbers. ``reduced.mdl`` writes the equations of docs/model.md in the standard
system-dynamics notation, and PySD (a separate implementation of Vensim's semantics: Euler
steps with TIME STEP = 1, DELAY FIXED, INITIAL) integrates it one path at a time, so agreement
of the two to rounding error checks the engine's reading of the page.

The model is called "reduced" because it is one path and scalar parameters; no equation is
dropped or simplified, the capex clip and the cash-flow limit included. Three spellings differ
from the page and are exact rewrites, not approximations:

- PySD's DELAY FIXED delays by at least one time step, so ``built`` bypasses it when
  lead_time = 0;
- a DELAY FIXED starts from a constant, so it delays capex / capex0 (constant at 1 before the
  start, as the page's pipeline is) and the hardware cost of the order's quarter is applied
  after the delay: 1 / h_{t-L} = exp(hw_decline * (t - L) / 4);
- capex and last quarter's revenue are stocks whose one-quarter Euler step replaces the old
  value by the new one (I_{t+1} = I_t + (next - I_t)), which is the page's recursion up to one
  rounding.

PySD is an optional test dependency: it is imported only when a function here runs.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import numpy as np

from jevons._simulate.engine import ALL_OUTPUTS, FloatArray, run
from jevons._simulate.parameters import ENGINE as REGISTRY
from jevons.errors import UsageError

MDL: Final = Path(__file__).with_name("reduced.mdl")
#: Outputs compared with the engine, by their name in the .mdl file.
COMPARED: Final[dict[str, str]] = {name: name.replace("_", " ") for name in ALL_OUTPUTS}
#: ``signal`` and ``expected_growth`` are log rates that cross zero, so near zero they are
#: compared by absolute difference (for a log rate, the relative difference of the capex it
#: multiplies); they grow large when demand far outruns capacity, and are then compared
#: relatively.
ABSOLUTE: Final = frozenset({"signal", "expected_growth"})

_lock = threading.Lock()
_cache: dict[str, Any] = {}


def pysd_version() -> str | None:
    """The installed PySD's version, or None when it is not installed."""
    try:
        pysd = _import_pysd()
    except UsageError:
        return None
    return str(pysd.__version__)


def _import_pysd() -> Any:
    try:
        import pysd  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError as exc:
        raise UsageError(
            "the PySD cross-check needs pysd (pip install pysd, or the 'test' extra)"
        ) from exc
    return pysd


def _model() -> Any:
    """The translated model, once per process.

    PySD writes the Python translation next to the .mdl file, so the file is copied to a
    temporary directory first: the installed package stays read-only and unchanged.
    """
    with _lock:
        if "model" not in _cache:
            pysd = _import_pysd()
            folder = tempfile.TemporaryDirectory(prefix="jevons-pysd-")
            target = Path(folder.name) / MDL.name
            shutil.copyfile(MDL, target)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                _cache["model"] = pysd.read_vensim(str(target))
            _cache["folder"] = folder  # removed when the process exits
        return _cache["model"]


def run_pysd(params: Mapping[str, float], periods: int) -> dict[str, FloatArray]:
    """Run reduced.mdl for one path; arrays of shape (periods,) for every name in COMPARED.

    Parameters are checked and completed with registry defaults exactly as ``engine.run``
    does, and must be scalars: PySD runs one path per call.
    """
    if isinstance(periods, bool) or not isinstance(periods, int) or periods < 1:
        raise UsageError(f"periods must be a whole number >= 1, got {periods!r}")
    values = _scalar_params(params)
    model = _model()
    with _lock, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = model.run(
            params={name.replace("_", " "): value for name, value in values.items()},
            initial_condition="original",
            final_time=periods - 1,
            return_timestamps=list(range(periods)),
            return_columns=list(COMPARED.values()),
            progress=False,
        )
    return {
        name: np.asarray(frame[column].to_numpy(dtype=np.float64)[:periods])
        for name, column in COMPARED.items()
    }


def _scalar_params(params: Mapping[str, float]) -> dict[str, float]:
    for name, value in params.items():
        if np.ndim(value) != 0:
            raise UsageError(f"parameter '{name}' must be a scalar: PySD runs one path per call")
    # engine.run validates the names and values and gives the same errors; one quarter is enough.
    run(params, 1, keep=())
    return {name: float(params.get(name, p.default)) for name, p in REGISTRY.items()}


def compare(params: Mapping[str, float], periods: int) -> float:
    """Largest relative difference between PySD and the engine, over outputs and quarters.

    The engine runs the same single path with the same parameters: the .mdl file has the full
    equations, so no setting of the engine needs reducing. Relative to the larger magnitude of
    the two values (0 when both are 0); ``signal`` by absolute difference (see ABSOLUTE).
    """
    reference = run(params, periods, paths=1, keep=tuple(COMPARED))
    other = run_pysd(params, periods)
    worst = 0.0
    for name in COMPARED:
        a = reference[name][0]
        b = other[name]
        same = (a == b) | (np.isnan(a) & np.isnan(b))
        with np.errstate(invalid="ignore"):
            difference = np.abs(a - b)
            if name in ABSOLUTE:  # absolute near zero, relative once large
                difference = difference / np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))
            else:
                difference = difference / np.maximum(np.abs(a), np.abs(b))
        difference = np.where(same, 0.0, np.nan_to_num(difference, nan=np.inf))
        worst = max(worst, float(np.max(difference)))
    return worst

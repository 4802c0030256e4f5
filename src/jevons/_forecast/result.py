"""The forecast's result: quantiles per company and in total, and which quarters are forecast.

The total is only given for quarters where every company is either reported or forecast, and
for each such quarter the result names the companies whose value is a forecast, so a quarter in
which one company has reported and another has not can never pass for a complete actual.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd

QUANTILES: Final = (0.05, 0.25, 0.5, 0.75, 0.95)
KEYS: Final = ("p05", "p25", "p50", "p75", "p95")
TOTAL: Final = "total"


@dataclass(frozen=True)
class Band:
    """Quantiles of one series over its periods; ``forecast[i]`` lists the companies whose value
    in period i is a forecast (for a company's own series: itself, in every period)."""

    periods: tuple[str, ...]
    quantiles: dict[str, tuple[float, ...]]
    forecast: tuple[tuple[str, ...], ...]

    @classmethod
    def from_samples(
        cls, periods: tuple[str, ...], samples: np.ndarray[Any, Any], forecast: list[list[str]]
    ) -> Band:
        qs = np.quantile(samples, QUANTILES, axis=0) if samples.size else np.empty((5, 0))
        # Quantiles of one sample are ordered; the sort only removes float ties' rounding noise.
        qs = np.sort(qs, axis=0)
        return cls(
            periods,
            {k: tuple(float(v) for v in qs[i]) for i, k in enumerate(KEYS)},
            tuple(tuple(f) for f in forecast),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"periods": list(self.periods)}
        out.update({k: list(v) for k, v in self.quantiles.items()})
        out["forecast_companies"] = [list(f) for f in self.forecast]
        return out


@dataclass(frozen=True)
class ForecastResult:
    origin: str
    basis: str
    horizon_to: str
    paths: int
    seed: int
    last_reported: dict[str, str]
    series: dict[str, Band]
    model: dict[str, Any]
    plans_used: tuple[dict[str, Any], ...]
    notes: tuple[str, ...]
    #: Paths behind the bands (basis of the result), for scoring; not serialised.
    samples: dict[str, np.ndarray[Any, Any]] = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "basis": self.basis,
            "horizon_to": self.horizon_to,
            "paths": self.paths,
            "seed": self.seed,
            "last_reported": dict(self.last_reported),
            "series": {name: band.to_dict() for name, band in self.series.items()},
            "model": self.model,
            "plans_used": list(self.plans_used),
            "notes": list(self.notes),
        }

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for name, band in self.series.items():
            for i, period in enumerate(band.periods):
                row: dict[str, Any] = {"series": name, "period": period}
                row.update({k: band.quantiles[k][i] for k in KEYS})
                row["forecast_companies"] = ",".join(band.forecast[i])
                rows.append(row)
        return pd.DataFrame(rows, columns=["series", "period", *KEYS, "forecast_companies"])

    def summary(self) -> str:
        lines = [
            f"Capex forecast ({self.basis}) from data to {self.origin}, $B per quarter, "
            f"{self.paths:,} paths (seed {self.seed})",
            "Last reported: " + ", ".join(f"{t} {q}" for t, q in self.last_reported.items()),
        ]
        for name, band in self.series.items():
            lines.append(f"{name}:")
            for i, period in enumerate(band.periods):
                q = [band.quantiles[k][i] / 1e9 for k in KEYS]
                mark = ""
                if name == TOTAL and len(band.forecast[i]) < len(self.last_reported):
                    mark = f"  (forecast: {', '.join(band.forecast[i])}; others reported)"
                lines.append(
                    f"  {period}  p50 {q[2]:8.1f}  50% [{q[1]:7.1f}, {q[3]:7.1f}]  "
                    f"90% [{q[0]:7.1f}, {q[4]:7.1f}]{mark}"
                )
        lines.extend(self.notes)
        return "\n".join(lines)

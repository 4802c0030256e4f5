"""The charts the report and the dashboard share, drawn once.

The report (a self-contained HTML page) and the dashboard (Dash) show the same numbers, so each
chart they have in common is built here, from the analyses' results, and nowhere else:

- ``jevons._figures.fan``: the quantile fan of a simulation run or a forecast (p05-p95 and
  p25-p75 bands, the median, the actual totals);
- ``jevons._figures.capex``: quarterly capex as stacked bars per company with the total, and the
  incomplete quarters drawn apart (faded, hatched, a partial sum that is not a total);
- ``jevons._figures.guidance``: each capex plan's guided range against the actual;
- ``jevons._figures.markers``: the dates drawn over time charts (DeepSeek R1, plan
  announcements);
- ``jevons._figures.layout``: the house style, the $B scale and the quarter x axis.

Each surface then sets its own page layout: the report keeps the figure's layout, the dashboard
replaces it with its own (title, unified hover, the CSV's units in ``layout.meta``). Every trace
carries ``meta["column"]``, the name of its column when the dashboard exports the figure as CSV.

This layer sits below ``jevons._report`` and ``jevons._web`` and above the analyses; it reads no
files and computes no analysis: a chart shows exactly the numbers the CLI prints.
"""

"""The AI compute market model: scenarios, Monte Carlo, sensitivity, calibration, backtest."""

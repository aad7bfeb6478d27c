"""Training: the fit/evaluate/predict loop, callbacks, history and metrics."""

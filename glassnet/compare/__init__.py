"""Honest answers about a network: scikit-learn estimators, baselines, confidence, tuning.

The estimators live in :mod:`glassnet.compare.estimators` (also ``gn.sklearn``);
conformal prediction in :mod:`glassnet.compare.conformal`; calibrated probabilities
in :mod:`glassnet.compare.calibration`.
"""

"""Honest answers about a network: scikit-learn estimators, baselines, confidence, tuning.

The estimators live in :mod:`glassnet.compare.estimators` (also ``gn.sklearn``);
conformal prediction in :mod:`glassnet.compare.conformal`; calibrated probabilities
in :mod:`glassnet.compare.calibration`.
"""

from glassnet.compare.comparison import Comparison as Comparison
from glassnet.compare.comparison import compare as compare
from glassnet.compare.contenders import NetworkSettings as NetworkSettings
from glassnet.compare.learning_curve import learning_curve as learning_curve
from glassnet.compare.learning_curve import more_data_verdict as more_data_verdict
from glassnet.compare.tuning import tune as tune

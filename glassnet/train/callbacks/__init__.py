"""Callbacks: hooks into the training loop (stopping, saving, scheduling, logging)."""

from glassnet.train.callbacks.base import Callback as Callback
from glassnet.train.callbacks.base import CallbackList as CallbackList
from glassnet.train.callbacks.checkpoint import ModelCheckpoint as ModelCheckpoint
from glassnet.train.callbacks.csv_logger import CSVLogger as CSVLogger
from glassnet.train.callbacks.early_stopping import EarlyStopping as EarlyStopping
from glassnet.train.callbacks.overfit import OverfitMonitor as OverfitMonitor
from glassnet.train.callbacks.overfit import OverfittingWarning as OverfittingWarning
from glassnet.train.callbacks.progress import EpochPrinter as EpochPrinter
from glassnet.train.callbacks.progress import ProgressBar as ProgressBar
from glassnet.train.callbacks.schedules import LearningRateScheduler as LearningRateScheduler
from glassnet.train.callbacks.schedules import ReduceLROnPlateau as ReduceLROnPlateau

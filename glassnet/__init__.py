"""glassnet: a glass-box deep-learning library.

Example:
    >>> import glassnet as gn
    >>> gn.Tensor([1.0, 2.0]).sum().item()
    3.0
"""

from glassnet import data as data
from glassnet import datasets as datasets
from glassnet import inspect as inspect
from glassnet import ops as ops
from glassnet import parallel as parallel
from glassnet import sklearn as sklearn
from glassnet.autograd.function import Function as Function
from glassnet.autograd.function import enable_grad as enable_grad
from glassnet.autograd.function import no_grad as no_grad
from glassnet.autograd.function import unbroadcast as unbroadcast
from glassnet.autograd.tensor import Tensor as Tensor
from glassnet.backend import default_dtype as default_dtype
from glassnet.backend import get_default_dtype as get_default_dtype
from glassnet.backend import get_device as get_device
from glassnet.backend import seed as seed
from glassnet.backend import set_default_dtype as set_default_dtype
from glassnet.backend import set_device as set_device
from glassnet.backend import using_device as using_device
from glassnet.backend.precision import autocast as autocast
from glassnet.compare.comparison import compare as compare
from glassnet.compare.conformal import prediction_intervals as prediction_intervals
from glassnet.compare.conformal import prediction_sets as prediction_sets
from glassnet.compare.tuning import tune as tune
from glassnet.data.sequences import make_windows as make_windows
from glassnet.data.sequences import pad_sequences as pad_sequences
from glassnet.data.tree_batch import TreeBatch as TreeBatch
from glassnet.data.tree_batch import batch_trees as batch_trees
from glassnet.data.trees import Tree as Tree
from glassnet.errors import ConfigError as ConfigError
from glassnet.errors import DataError as DataError
from glassnet.errors import GlassnetError as GlassnetError
from glassnet.errors import GradientError as GradientError
from glassnet.errors import ShapeError as ShapeError
from glassnet.inspect.gradcheck import gradcheck as gradcheck
from glassnet.io.load import load_model as load_model
from glassnet.io.save import save_model as save_model
from glassnet.nn import initializers as initializers
from glassnet.nn import models as models
from glassnet.nn.activations import ELU as ELU
from glassnet.nn.activations import GELU as GELU
from glassnet.nn.activations import Activation as Activation
from glassnet.nn.activations import LeakyReLU as LeakyReLU
from glassnet.nn.activations import LogSoftmax as LogSoftmax
from glassnet.nn.activations import ReLU as ReLU
from glassnet.nn.activations import Sigmoid as Sigmoid
from glassnet.nn.activations import Softmax as Softmax
from glassnet.nn.activations import Softplus as Softplus
from glassnet.nn.activations import Step as Step
from glassnet.nn.activations import Tanh as Tanh
from glassnet.nn.augment import RandomFlip as RandomFlip
from glassnet.nn.augment import RandomShift as RandomShift
from glassnet.nn.autoencoder import Autoencoder as Autoencoder
from glassnet.nn.autoencoder import Reshape as Reshape
from glassnet.nn.autoencoder import UpSampling2D as UpSampling2D
from glassnet.nn.autoencoder import conv_autoencoder as conv_autoencoder
from glassnet.nn.autoencoder import dense_autoencoder as dense_autoencoder
from glassnet.nn.bidirectional import Bidirectional as Bidirectional
from glassnet.nn.conv import Conv1D as Conv1D
from glassnet.nn.conv import Conv2D as Conv2D
from glassnet.nn.conv import feature_maps as feature_maps
from glassnet.nn.dense import Dense as Dense
from glassnet.nn.dropout import Dropout as Dropout
from glassnet.nn.embedding import Embedding as Embedding
from glassnet.nn.flatten import Flatten as Flatten
from glassnet.nn.losses import MAE as MAE
from glassnet.nn.losses import MSE as MSE
from glassnet.nn.losses import ArctanError as ArctanError
from glassnet.nn.losses import BinaryCrossEntropy as BinaryCrossEntropy
from glassnet.nn.losses import CategoricalCrossEntropy as CategoricalCrossEntropy
from glassnet.nn.losses import Huber as Huber
from glassnet.nn.masking import Masking as Masking
from glassnet.nn.module import Module as Module
from glassnet.nn.module import Parameter as Parameter
from glassnet.nn.normalization import BatchNorm as BatchNorm
from glassnet.nn.normalization import LayerNorm as LayerNorm
from glassnet.nn.perceptron import Perceptron as Perceptron
from glassnet.nn.perceptron import PerceptronResult as PerceptronResult
from glassnet.nn.pooling import AvgPool2D as AvgPool2D
from glassnet.nn.pooling import GlobalAveragePooling2D as GlobalAveragePooling2D
from glassnet.nn.pooling import MaxPool2D as MaxPool2D
from glassnet.nn.recurrent import GRU as GRU
from glassnet.nn.recurrent import LSTM as LSTM
from glassnet.nn.recurrent import SimpleRNN as SimpleRNN
from glassnet.nn.regularizers import L1 as L1
from glassnet.nn.regularizers import L1L2 as L1L2
from glassnet.nn.regularizers import L2 as L2
from glassnet.nn.sequential import Sequential as Sequential
from glassnet.nn.tree_lstm import ChildSumTreeLSTM as ChildSumTreeLSTM
from glassnet.nn.tree_rnn import TreeRNN as TreeRNN
from glassnet.optim import SGD as SGD
from glassnet.optim import Adagrad as Adagrad
from glassnet.optim import Adam as Adam
from glassnet.optim import AdamW as AdamW
from glassnet.optim import CosineAnnealingLR as CosineAnnealingLR
from glassnet.optim import ExponentialLR as ExponentialLR
from glassnet.optim import LossScaler as LossScaler
from glassnet.optim import RMSprop as RMSprop
from glassnet.optim import StepLR as StepLR
from glassnet.optim import clip_grad_norm as clip_grad_norm
from glassnet.optim import clip_grad_value as clip_grad_value
from glassnet.optim.evolution import EvolutionResult as EvolutionResult
from glassnet.optim.evolution import EvolutionStrategy as EvolutionStrategy
from glassnet.optim.evolution import evolve as evolve
from glassnet.pipeline.persist import load as load
from glassnet.pipeline.pipeline import Pipeline as Pipeline
from glassnet.pipeline.pipeline import SchemaWarning as SchemaWarning
from glassnet.train import metrics as metrics
from glassnet.train.callbacks import CSVLogger as CSVLogger
from glassnet.train.callbacks import EarlyStopping as EarlyStopping
from glassnet.train.callbacks import LearningRateScheduler as LearningRateScheduler
from glassnet.train.callbacks import ModelCheckpoint as ModelCheckpoint
from glassnet.train.callbacks import OverfitMonitor as OverfitMonitor
from glassnet.train.callbacks import OverfittingWarning as OverfittingWarning
from glassnet.train.callbacks import ReduceLROnPlateau as ReduceLROnPlateau
from glassnet.train.clustering import adjusted_rand_index as adjusted_rand_index
from glassnet.train.clustering import cluster as cluster
from glassnet.train.gan import GAN as GAN
from glassnet.train.gan_samples import save_grid as save_grid
from glassnet.train.history import History as History

__all__ = [
    "ELU",
    "GAN",
    "GELU",
    "GRU",
    "L1",
    "L1L2",
    "L2",
    "LSTM",
    "MAE",
    "MSE",
    "SGD",
    "Activation",
    "Adagrad",
    "Adam",
    "AdamW",
    "ArctanError",
    "Autoencoder",
    "AvgPool2D",
    "BatchNorm",
    "Bidirectional",
    "BinaryCrossEntropy",
    "CSVLogger",
    "CategoricalCrossEntropy",
    "ChildSumTreeLSTM",
    "ConfigError",
    "Conv1D",
    "Conv2D",
    "CosineAnnealingLR",
    "DataError",
    "Dense",
    "Dropout",
    "EarlyStopping",
    "Embedding",
    "EvolutionResult",
    "EvolutionStrategy",
    "ExponentialLR",
    "Flatten",
    "Function",
    "GlassnetError",
    "GlobalAveragePooling2D",
    "GradientError",
    "History",
    "Huber",
    "LayerNorm",
    "LeakyReLU",
    "LearningRateScheduler",
    "LogSoftmax",
    "LossScaler",
    "Masking",
    "MaxPool2D",
    "ModelCheckpoint",
    "Module",
    "OverfitMonitor",
    "OverfittingWarning",
    "Parameter",
    "Perceptron",
    "PerceptronResult",
    "Pipeline",
    "RMSprop",
    "RandomFlip",
    "RandomShift",
    "ReLU",
    "ReduceLROnPlateau",
    "Reshape",
    "SchemaWarning",
    "Sequential",
    "ShapeError",
    "Sigmoid",
    "SimpleRNN",
    "Softmax",
    "Softplus",
    "Step",
    "StepLR",
    "Tanh",
    "Tensor",
    "Tree",
    "TreeBatch",
    "TreeRNN",
    "UpSampling2D",
    "adjusted_rand_index",
    "autocast",
    "batch_trees",
    "clip_grad_norm",
    "clip_grad_value",
    "cluster",
    "compare",
    "conv_autoencoder",
    "data",
    "datasets",
    "default_dtype",
    "dense_autoencoder",
    "enable_grad",
    "evolve",
    "feature_maps",
    "get_default_dtype",
    "get_device",
    "gradcheck",
    "initializers",
    "inspect",
    "load",
    "load_model",
    "make_windows",
    "metrics",
    "models",
    "no_grad",
    "ops",
    "pad_sequences",
    "parallel",
    "prediction_intervals",
    "prediction_sets",
    "save_grid",
    "save_model",
    "seed",
    "set_default_dtype",
    "set_device",
    "sklearn",
    "tune",
    "unbroadcast",
    "using_device",
]

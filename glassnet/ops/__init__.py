"""Primitive operations on tensors, each a ``Function`` with forward and backward.

Example:
    >>> import glassnet as gn
    >>> x = gn.Tensor([[1.0, -2.0]], requires_grad=True)
    >>> gn.ops.relu(x).sum().backward()
    >>> x.grad.tolist()
    [[1.0, 0.0]]
"""

from glassnet.ops.activation import elu as elu
from glassnet.ops.activation import gelu as gelu
from glassnet.ops.activation import identity as identity
from glassnet.ops.activation import leaky_relu as leaky_relu
from glassnet.ops.activation import log_softmax as log_softmax
from glassnet.ops.activation import relu as relu
from glassnet.ops.activation import sigmoid as sigmoid
from glassnet.ops.activation import softmax as softmax
from glassnet.ops.activation import softplus as softplus
from glassnet.ops.activation import step as step
from glassnet.ops.activation import tanh as tanh
from glassnet.ops.cast import cast as cast
from glassnet.ops.conv import conv1d as conv1d
from glassnet.ops.conv import conv2d as conv2d
from glassnet.ops.device import to_device as to_device
from glassnet.ops.elementwise import abs as abs
from glassnet.ops.elementwise import add as add
from glassnet.ops.elementwise import arctan as arctan
from glassnet.ops.elementwise import clip as clip
from glassnet.ops.elementwise import div as div
from glassnet.ops.elementwise import exp as exp
from glassnet.ops.elementwise import log as log
from glassnet.ops.elementwise import maximum as maximum
from glassnet.ops.elementwise import minimum as minimum
from glassnet.ops.elementwise import mul as mul
from glassnet.ops.elementwise import neg as neg
from glassnet.ops.elementwise import power as power
from glassnet.ops.elementwise import sqrt as sqrt
from glassnet.ops.elementwise import sub as sub
from glassnet.ops.elementwise import where as where
from glassnet.ops.loss import sigmoid_binary_cross_entropy as sigmoid_binary_cross_entropy
from glassnet.ops.loss import softmax_cross_entropy as softmax_cross_entropy
from glassnet.ops.matmul import linear as linear
from glassnet.ops.matmul import matmul as matmul
from glassnet.ops.pooling import avg_pool2d as avg_pool2d
from glassnet.ops.pooling import max_pool2d as max_pool2d
from glassnet.ops.reductions import max as max
from glassnet.ops.reductions import mean as mean
from glassnet.ops.reductions import min as min
from glassnet.ops.reductions import sum as sum
from glassnet.ops.shape import concatenate as concatenate
from glassnet.ops.shape import getitem as getitem
from glassnet.ops.shape import reshape as reshape
from glassnet.ops.shape import stack as stack
from glassnet.ops.shape import transpose as transpose

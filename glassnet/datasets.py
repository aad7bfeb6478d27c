"""The bundled data sets, as ``gn.datasets.names()`` and ``gn.datasets.load(name)``.

Example:
    >>> import glassnet as gn
    >>> "digits" in gn.datasets.names()
    True
"""

from glassnet.data.datasets import Dataset as Dataset
from glassnet.data.datasets import load as load
from glassnet.data.datasets import names as names

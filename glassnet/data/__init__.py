"""Data: bundled datasets, file loaders, preprocessing, splitting and batching.

Example:
    >>> from glassnet import data
    >>> iris = data.load("iris")
    >>> x_train, x_test, y_train, y_test = iris.split()
    >>> scaler = data.StandardScaler().fit(x_train)
    >>> scaler.transform(x_test).shape
    (38, 4)
"""

from glassnet.data.datasets import Dataset as Dataset
from glassnet.data.datasets import customers as customers
from glassnet.data.datasets import load as load
from glassnet.data.datasets import names as names
from glassnet.data.datasets import purchase_probability as purchase_probability
from glassnet.data.images import ImageFolder as ImageFolder
from glassnet.data.images import load_image_folder as load_image_folder
from glassnet.data.labels import ClassEncoder as ClassEncoder
from glassnet.data.labels import one_hot as one_hot
from glassnet.data.preprocessing import MinMaxScaler as MinMaxScaler
from glassnet.data.preprocessing import StandardScaler as StandardScaler
from glassnet.data.preprocessing import scaler_from_state as scaler_from_state
from glassnet.data.split import batches as batches
from glassnet.data.split import train_test_split as train_test_split
from glassnet.data.split import train_val_test_split as train_val_test_split
from glassnet.data.table_encoder import TableEncoder as TableEncoder
from glassnet.data.tabular import Table as Table
from glassnet.data.tabular import load_table as load_table
from glassnet.data.tabular import read_frame as read_frame
from glassnet.data.task import infer_task as infer_task

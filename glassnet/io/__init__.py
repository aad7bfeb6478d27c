"""Saving and loading models: safetensors for arrays, JSON for everything else, no pickle."""

from glassnet.io.load import load_model as load_model
from glassnet.io.save import save_model as save_model

"""The table of layer classes by name, used to rebuild saved architectures.

Only classes filed here can be created from a saved file, so loading a model never
imports or runs anything a file names.
"""

from __future__ import annotations

from glassnet.registry import Registry

LAYERS: Registry[type] = Registry("layer")

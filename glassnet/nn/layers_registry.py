"""The table of layer classes by name, used to rebuild saved architectures.

Only classes filed here can be created from a saved file, so loading a model never
imports or runs anything a file names.
"""

from __future__ import annotations

from glassnet.registry import Registry

LAYERS: Registry[type] = Registry("layer")


def layer_from_config(spec: dict) -> object:
    """A layer from ``{"class": name, "config": {...}}``, created only from registered classes."""
    from glassnet.errors import ConfigError

    if not isinstance(spec, dict) or not isinstance(spec.get("config"), dict):
        raise ConfigError(
            f"a layer description must be {{'class': ..., 'config': {{...}}}}, got {str(spec)[:200]}"
        )
    name = spec.get("class")
    if name not in LAYERS:
        raise ConfigError(
            f"unknown layer class {name!r}; known classes: {', '.join(LAYERS.names())}"
        )
    return LAYERS.get(name).from_config(spec["config"])

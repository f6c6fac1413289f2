"""Task-specific components, one module each, all over a shared Selection."""

from .base import Component, ComponentError, component_class, register, registered
from .confusion import ConfusionMatrix
from .embedding import Embedding
from .grid import InstanceGrid
from .summary import Summary

__all__ = [
    "Component",
    "ComponentError",
    "ConfusionMatrix",
    "Embedding",
    "InstanceGrid",
    "Summary",
    "component_class",
    "register",
    "registered",
]

"""Symphony: compose interactive interfaces for machine learning data.

One table describes a dataset and a model, one row per instance. Components such
as `Summary`, `Embedding`, `InstanceGrid` and `ConfusionMatrix` show it, and all
share one `Selection` (filter, selected, group_by, focus). `Symphony` puts them
together under a toolbar, inline in a notebook or served by Panel.
"""

from .app import Symphony, Toolbar
from .components import (
    Component,
    ConfusionMatrix,
    Embedding,
    InstanceGrid,
    Summary,
    component_class,
    register,
)
from .dataset import Dataset, DatasetError, FileAccessError
from .language import FilterError
from .predicates import Box, ConfusionCell, Ids
from .selection import Selection

__version__ = "0.1.0"

__all__ = [
    "Box",
    "Component",
    "ConfusionCell",
    "ConfusionMatrix",
    "Dataset",
    "DatasetError",
    "Embedding",
    "FileAccessError",
    "FilterError",
    "Ids",
    "InstanceGrid",
    "Selection",
    "Summary",
    "Symphony",
    "Toolbar",
    "component_class",
    "register",
]

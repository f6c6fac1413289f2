"""Built-in examples on real data."""

from .digits import digits_dataset, digits_table

__all__ = ["digits_dataset", "digits_table"]

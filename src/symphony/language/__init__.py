"""The filter language: a safe subset of ``DataFrame.query`` parsed by symphony itself.

Filter text comes from users of a served dashboard, so it is never handed to
Python or pandas as code: :mod:`.lexer` splits it into tokens, :mod:`.parser`
checks them and builds a tree of the small frozen dataclasses of :mod:`.tree`,
and :mod:`.evaluate` combines whole columns with Series operators. See
``docs/filter-language.md`` for the language itself.

Examples
--------
>>> import pandas as pd
>>> from symphony.language import parse
>>> frame = pd.DataFrame({"label": ["cat", "dog"], "prediction": ["cat", "cat"]})
>>> parse("label != prediction", frame.columns).evaluate(frame).tolist()
[False, True]
"""

from symphony.language.lexer import FilterError
from symphony.language.parser import parse
from symphony.language.tree import Expression

__all__ = ["Expression", "FilterError", "parse"]

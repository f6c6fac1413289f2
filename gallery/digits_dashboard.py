"""The handwritten digits dashboard, for `panel serve gallery/digits_dashboard.py`.

Every browser session gets its own Selection; the dataset is loaded once per server
process and shared read-only.
"""

import panel as pn

import symphony as sy
from symphony.examples import digits_dataset

pn.extension("tabulator")

dataset = pn.state.as_cached("symphony-digits-dataset", digits_dataset)

sy.Symphony(dataset, title="Symphony · handwritten digits").servable()

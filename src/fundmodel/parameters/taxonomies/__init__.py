"""Spending taxonomies shipped with fundmodel, one YAML file each (read by
:func:`fundmodel.scenarios.spending.load_taxonomy`).

>>> from importlib import resources
>>> sorted(p.name for p in resources.files("fundmodel.parameters.taxonomies").iterdir()
...        if p.name.endswith(".yaml"))
['prevention.yaml', 'safeguarding.yaml', 'statutory.yaml']
"""

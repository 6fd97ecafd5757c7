"""GridWatch's domain: grids, buildings and incidents, joined, routed and turned into work.

The core modules sit flat in this package (layers and their columns in
:mod:`geo.schema`, reading files in :mod:`geo.io`, the store in
:mod:`geo.store`, the joins in :mod:`geo.join`, the flows in
:mod:`geo.pipeline`); patrol routing is :mod:`geo.routing` and the rain
emergency :mod:`geo.rain`. Importing ``geo`` imports nothing else: import the
module you need. ``docs/ARCHITECTURE.md`` says where each thing belongs.
"""

"""Rain emergencies: warning levels, flood risk, inspection checklists and the flood response.

The face of the package: build the per-grid checklists for a warning level
and render them (PDF, XLSX, CSV bytes), read filled-in checklists and the
register of vulnerable residents back into the store, score flood risk,
and answer a flooding report with who and what is near it. The modules
(:mod:`geo.rain.levels`, :mod:`geo.rain.risk`, :mod:`geo.rain.checklist`,
:mod:`geo.rain.documents`, :mod:`geo.rain.inspection`,
:mod:`geo.rain.flood`) hold the rest. Importing the package loads neither
ReportLab nor openpyxl: the renderers import them when they run.
"""

from .checklist import GridChecklist, build_checklists, checklists_from_store
from .documents import (
    checklists_csv,
    checklists_pdf,
    checklists_xlsx,
    flood_csv,
    flood_pdf,
    flood_xlsx,
    render_checklists,
    render_flood,
    write_checklists,
)
from .flood import FloodResponse, export_response, flood_response, parse_polygon
from .inspection import import_checklist, import_register
from .levels import WarningLevel, configured_levels, get_level
from .risk import building_risk, grid_risk

__all__ = [
    "FloodResponse",
    "GridChecklist",
    "WarningLevel",
    "build_checklists",
    "building_risk",
    "checklists_csv",
    "checklists_from_store",
    "checklists_pdf",
    "checklists_xlsx",
    "configured_levels",
    "export_response",
    "flood_csv",
    "flood_pdf",
    "flood_response",
    "flood_xlsx",
    "get_level",
    "grid_risk",
    "import_checklist",
    "import_register",
    "parse_polygon",
    "render_checklists",
    "render_flood",
    "write_checklists",
]

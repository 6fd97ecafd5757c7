"""Every piece of text users read, in Chinese (default) and English.

One table, :data:`STRINGS`: a key maps to ``(zh-CN, en)``. To add text, add a
line in your own block (keys are prefixed by area: ``app.``, ``map.``,
``rain.``, ``route.`` ...) and call :func:`t`::

    "rain.title": ("暴雨应急", "Rain emergency"),

    t("rain.title", lang)            # -> "暴雨应急"
    t("map.n_incidents", "en", n=3)  # values fill {n}

Labels of incident types come from the types themselves
(:class:`geo.schema.IncidentType`); statuses, severities and summary columns
are here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from .i18n_cases import CASE_STRINGS
from .i18n_map import MAP_STRINGS
from .i18n_people import PEOPLE_STRINGS

__all__ = ["DEFAULT_LANG", "LANGUAGES", "STRINGS", "column_label", "error_text", "t", "translator"]

#: Language codes, in the order of the tuples in :data:`STRINGS`.
LANGUAGES: Final = ("zh", "en")
DEFAULT_LANG: Final = "zh"

STRINGS: Final[dict[str, tuple[str, str]]] = {
    # ---- app (map app, issue 3) -------------------------------------------
    "app.title": ("网格守望 · 社区网格地图", "GridWatch · community grid map"),
    "app.language": ("语言 / Language", "Language / 语言"),
    "app.store": ("数据库: {path}", "Store: {path}"),
    "app.store_missing": (
        "找不到数据库 {path}。请先运行 `make run`（会生成示例社区），或用 `make run STORE=文件` 或 GRIDWATCH_STORE 指定数据库。",
        "Store {path} not found. Run `make run` (it builds the demo community), or name one with "
        "`make run STORE=FILE` or GRIDWATCH_STORE.",
    ),
    "app.store_error": ("无法打开数据库: {error}", "Cannot open the store: {error}"),
    "app.fictional": ("示例数据（虚构社区）", "Demo data (a fictional community)"),
    "app.tab_map": ("地图", "Map"),
    "app.tab_upload": ("导入数据", "Load data"),
    "app.filters": ("筛选", "Filters"),
    "app.community": ("社区", "Community"),
    "app.grids": ("网格", "Grids"),
    "app.all": ("全部", "All"),
    "app.types": ("事件类型", "Incident types"),
    "app.statuses": ("状态", "Statuses"),
    "app.date_range": ("上报日期", "Reported between"),
    "app.figure": ("网格着色依据", "Colour grids by"),
    "app.building_color": ("楼栋着色依据", "Colour buildings by"),
    "app.basemap": ("底图", "Base map"),
    "app.layers": ("图层", "Layers"),
    "app.search": ("搜索楼栋名或事件编号", "Search a building name or incident id"),
    "app.search_none": ("没有找到“{q}”", "Nothing matches “{q}”"),
    "app.search_pick": ("选择结果", "Pick a result"),
    "app.search_hit_building": ("楼栋 {name}（{grid}）", "Building {name} ({grid})"),
    "app.search_hit_incident": ("事件 {id}（{type}）", "Incident {id} ({type})"),
    "app.shown": (
        "显示 {incidents} 个事件（共 {total} 个）· {grids} 个网格 · {buildings} 栋楼",
        "Showing {incidents} of {total} incidents · {grids} grids · {buildings} buildings",
    ),
    "app.selection": ("已选", "Selected"),
    "app.clear_selection": ("取消选择", "Clear selection"),
    "app.click_hint": (
        "点击地图上的网格、楼栋或事件查看详情。",
        "Click a grid, building or incident on the map to see its details.",
    ),
    "app.overview": ("各网格概况", "Grids at a glance"),
    "app.chart_title": ("各网格事件（按类型）", "Incidents per grid, by type"),
    "app.chart_status": ("各网格事件（按状态）", "Incidents per grid, by status"),
    "app.download_csv": ("下载 CSV", "Download CSV"),
    "app.incidents_of": ("{name} 的事件", "Incidents of {name}"),
    "app.no_incidents": ("没有符合筛选条件的事件。", "No incident matches the filters."),
    "app.responsible": ("负责人", "Responsible"),
    "app.outside": ("网格外", "Outside every grid"),
    "app.not_found": ("{kind} {id} 已不在数据中。", "{kind} {id} is no longer in the data."),
    "app.empty_store": (
        "数据库中还没有网格。请在“导入数据”页导入网格边界。",
        "The store has no grids yet. Load grid boundaries on the “Load data” tab.",
    ),
    # report an incident
    "app.report": ("上报事件", "Report an incident"),
    "app.report_mode": ("在地图上点选位置上报事件", "Click the map to report an incident"),
    "app.report_click": ("请在地图上点击事件位置。", "Click the map where the incident is."),
    "app.report_at": ("位置: {lat:.6f}, {lon:.6f}", "Location: {lat:.6f}, {lon:.6f}"),
    "app.report_type": ("类型", "Type"),
    "app.report_severity": ("严重程度", "Severity"),
    "app.report_description": ("描述", "Description"),
    "app.report_submit": ("提交", "Submit"),
    "app.report_done": (
        "已上报事件 {id}（网格 {grid}，楼栋 {building}）。",
        "Reported incident {id} (grid {grid}, building {building}).",
    ),
    # upload
    "app.upload_kind": ("图层", "Layer"),
    "app.upload_file": (
        "选择文件（GeoJSON、GeoPackage、Shapefile 压缩包、KML、CSV、XLSX、OpenStreetMap .osm/.pbf）",
        "Choose a file (GeoJSON, GeoPackage, zipped Shapefile, KML, CSV, XLSX, OpenStreetMap .osm/.pbf)",
    ),
    "app.upload_type": ("整个文件的事件类型", "Incident type of the whole file"),
    "app.upload_go": ("导入", "Load"),
    "app.upload_check": ("校验文件", "Check the file"),
    "app.upload_ok": ("已导入 {n} 条{kind}。", "Loaded {n} {kind}."),
    "app.upload_checked": ("校验完成: {name} 有 {n} 条{kind}，可以导入。", "Checked: {name} holds {n} {kind} and can be loaded."),
    "app.upload_issues": ("校验报告（{n} 项）", "Validation report ({n} items)"),
    "app.upload_no_issues": ("没有发现问题。", "No problems found."),
    "app.upload_error": ("无法导入: {error}", "Cannot load: {error}"),
    "app.upload_refused": (
        "{name} 有 {n} 个错误，未导入任何数据。请按下面的报告修改文件后重新导入。",
        "{name} has {n} error(s); nothing was loaded. Fix the file as the report below says and load it again.",
    ),
    "app.upload_report_csv": ("下载校验报告 CSV", "Download the report as CSV"),
    "app.upload_level_error": ("错误", "error"),
    "app.upload_level_warning": ("警告", "warning"),
    "app.upload_col_level": ("级别", "Level"),
    "app.upload_col_code": ("代码", "Code"),
    "app.upload_col_message": ("问题", "Problem"),
    "app.upload_col_count": ("数量", "Count"),
    "app.upload_col_ids": ("编号", "Ids"),
    "app.upload_col_lon": ("经度", "Longitude"),
    "app.upload_col_lat": ("纬度", "Latitude"),
    "app.upload_col_area_m2": ("面积（m²）", "Area (m²)"),
    "app.hint": ("提示: {hint}", "Hint: {hint}"),
    # ---- map (layers/) -----------------------------------------------------
    "map.layer_grids": ("网格", "Grids"),
    "map.layer_buildings": ("楼栋", "Buildings"),
    "app.fact": ("项目", "Item"),
    "app.value": ("内容", "Value"),
    "map.zoom_for_buildings": ("楼栋较多：放大地图即可看到楼栋轮廓", "Many buildings: zoom in to see their outlines"),
    "map.layer_incidents": ("事件", "Incidents"),
    "map.layer_heat": ("积水热力图", "Flooding heat map"),
    "map.layer_selection": ("选中", "Selection"),
    "map.layer_report": ("新上报位置", "New report"),
    "map.legend_types": ("事件类型", "Incident types"),
    "map.legend_open": ("实心 = 待处理，空心 = 已处理/正常", "Solid = open, hollow = done / in order"),
    "map.basemap_osm": ("OpenStreetMap", "OpenStreetMap"),
    "map.basemap_amap": ("高德地图（GCJ-02）", "AutoNavi (GCJ-02)"),
    "map.basemap_amap_sat": ("高德影像（GCJ-02）", "AutoNavi imagery (GCJ-02)"),
    "map.basemap_tencent": ("腾讯地图（GCJ-02）", "Tencent (GCJ-02)"),
    "map.basemap_tianditu": ("天地图（需密钥）", "Tianditu (needs a key)"),
    "map.basemap_custom": ("自定义瓦片", "Custom tiles"),
    "map.basemap_none": ("无底图（离线）", "No base map (offline)"),
    "map.basemap_needs_key": (
        "天地图需要密钥: 请设置环境变量 GRIDWATCH_TIANDITU_KEY。",
        "Tianditu needs a key: set GRIDWATCH_TIANDITU_KEY.",
    ),
    "map.grid": ("网格", "Grid"),
    "map.building": ("楼栋", "Building"),
    "map.incident": ("事件", "Incident"),
    "map.worker": ("网格员", "Grid worker"),
    "map.phone": ("电话", "Phone"),
    "map.head": ("楼栋长", "Building head"),
    "map.community": ("社区", "Community"),
    "map.type": ("类型", "Type"),
    "map.status": ("状态", "Status"),
    "map.severity": ("严重程度", "Severity"),
    "map.reported_at": ("上报时间", "Reported"),
    "map.depth": ("积水深度(厘米)", "Depth (cm)"),
    "map.description": ("描述", "Description"),
    "map.no_data": ("无数据", "No data"),
    "map.yes": ("有", "Yes"),
    "map.no": ("无", "No"),
    "map.color_none": ("统一颜色", "One colour"),
    "map.color_basement": ("有无地下室/车库", "Basement or garage"),
    "map.color_elderly": ("独居老人", "Elderly living alone"),
    "map.color_open": ("待处理事件", "Open incidents"),
    "map.color_risk": ("内涝风险得分", "Flood-risk score"),
    "map.measure_lang": ("cn", "en"),
    "map.locate": ("定位我的位置", "Show my location"),
    "map.fullscreen": ("全屏", "Full screen"),
    "map.fullscreen_exit": ("退出全屏", "Exit full screen"),
    "map.layer_flood_zones": ("淹没区", "Flood zones"),
    "map.flood_zone": ("淹没区", "Flood zone"),
    "map.return_period": ("重现期（年一遇）", "Return period (years)"),
    "map.zone_depth": ("淹没水深（米）", "Flood depth (m)"),
    "map.zone_source": ("来源", "Source"),
    "map.zone_period": ("{years} 年一遇", "{years}-year"),
    "map.zone_period_unknown": ("重现期未知", "return period unknown"),
    # ---- statuses and severities (geo/schema.py) ----------------------------
    "status.ok": ("正常", "In order"),
    "status.blocked": ("堵塞", "Blocked"),
    "status.damaged": ("损坏", "Damaged"),
    "status.missing": ("缺失", "Missing"),
    "status.reported": ("上报", "Reported"),
    "status.accepted": ("受理", "Accepted"),
    "status.dispatched": ("派遣", "Dispatched"),
    "status.in_progress": ("处置中", "In progress"),
    "status.handled": ("已处置", "Handled"),
    "status.closed": ("结案", "Closed"),
    "status.cancelled": ("作废", "Cancelled"),
    "status.merged": ("已合并", "Merged"),
    "status.parked": ("挂账", "Parked"),
    "status.reopened": ("重新打开", "Reopened"),
    # statuses of releases before cases (read as dispatched, handled, closed)
    "status.assigned": ("派遣", "Dispatched"),
    "status.resolved": ("已处置", "Handled"),
    "status.verified": ("结案", "Closed"),
    "severity.low": ("低", "Low"),
    "severity.medium": ("中", "Medium"),
    "severity.high": ("高", "High"),
    "severity.critical": ("紧急", "Critical"),
    # ---- columns (per-grid summary and layers) -------------------------------
    "col.grid_id": ("网格编号", "Grid id"),
    "col.name": ("名称", "Name"),
    "col.community": ("社区", "Community"),
    "col.worker": ("网格员", "Grid worker"),
    "col.phone": ("电话", "Phone"),
    "col.area_km2": ("面积(平方公里)", "Area (km²)"),
    "col.buildings": ("楼栋数", "Buildings"),
    "col.units": ("单元数", "Units"),
    "col.households": ("户数", "Households"),
    "col.residents": ("居民数", "Residents"),
    "col.elderly_alone": ("独居老人", "Elderly living alone"),
    "col.incidents": ("事件数", "Incidents"),
    "col.open_incidents": ("待处理事件", "Open incidents"),
    "col.incidents_per_km2": ("每平方公里事件", "Incidents per km²"),
    "col.incidents_per_100_households": ("每百户事件", "Incidents per 100 households"),
    "col.building_id": ("楼栋编号", "Building id"),
    "col.basement": ("地下室/车库", "Basement/garage"),
    "col.floors": ("层数", "Floors"),
    "col.head": ("楼栋长", "Building head"),
    "col.head_phone": ("楼栋长电话", "Head's phone"),
    "col.incident_id": ("事件编号", "Incident id"),
    "col.type": ("类型", "Type"),
    "col.status": ("状态", "Status"),
    "col.severity": ("严重程度", "Severity"),
    "col.reported_at": ("上报时间", "Reported"),
    "col.depth_cm": ("积水深度(厘米)", "Depth (cm)"),
    "col.description": ("描述", "Description"),
    "col.building_dist_m": ("距楼栋(米)", "To building (m)"),
    "col.n_type": ("{label}", "{label}"),
    "col.n_status": ("{label}", "{label}"),
    # ---- layer kinds --------------------------------------------------------
    "kind.grids": ("网格", "grids"),
    "kind.buildings": ("楼栋", "buildings"),
    "kind.incidents": ("事件", "incidents"),
    "kind.streets": ("道路", "streets"),
    "kind.flood_zones": ("淹没区", "flood zones"),
    # ---- rain emergency (issue 5: views/rain.py) ------------------------------
    "rain.title": ("暴雨应急", "Rain emergency"),
    "rain.tab": ("暴雨应急", "Rain emergency"),
    "rain.level": ("暴雨预警级别", "Rainstorm warning level"),
    "rain.level_table": ("各级别清单内容", "What each level puts on the checklist"),
    "rain.risk": ("内涝风险排名", "Flood-risk ranking"),
    "rain.risk_grids": ("网格", "Grids"),
    "rain.risk_buildings": ("楼栋（前 {n} 名）", "Buildings (top {n})"),
    "rain.risk_help": (
        "得分 = 各项得分之和（满分100）：附近积水记录35、附近堵塞/损坏篦子20、地下室/车库20、独居老人15、附近飞线10；"
        "位于淹没区内另加：10年一遇及更频繁20、50年一遇15、100年一遇10、更少见5（总分不超过100）。",
        "Score = sum of the parts (max 100): flooding reports nearby 35, blocked/damaged grates nearby 20, "
        "basement/garage 20, elderly living alone 15, flying wires nearby 10; inside a flood zone, plus "
        "20 (10-year or more frequent), 15 (50-year), 10 (100-year), 5 (rarer), the total kept at most 100.",
    ),
    "rain.flood": ("积水应急处置", "Flood response"),
    "rain.flood_pick": ("积水点", "Flooding point"),
    "rain.flood_point": ("或输入位置（经度,纬度）", "or a position (lon,lat)"),
    "rain.radius": ("半径（米）", "Radius (m)"),
    "rain.flood_summary": (
        "{buildings} 栋楼 · {households} 户 · {residents} 人 · 独居老人 {elderly_alone} 人 · 地下室/车库 {basements} 栋 · "
        "危险飞线 {wires_critical} 处",
        "{buildings} buildings · {households} households · {residents} residents · {elderly_alone} elderly living alone · "
        "{basements} basements · {wires_critical} critical flying wires",
    ),
    "rain.flood_mode": ("积水位置", "Where is the flooding"),
    "rain.mode_report": ("已上报的积水点", "A flooding report"),
    "rain.mode_point": ("地图点选或输入位置", "A clicked or typed point"),
    "rain.mode_polygon": ("积水范围（多边形）", "A flooded area (polygon)"),
    "rain.polygon_text": (
        "积水范围：顶点“经度,纬度; 经度,纬度; …”或 GeoJSON；也可在地图上逐个点击顶点",
        "Flooded area: vertices 'lon,lat; lon,lat; ...' or GeoJSON; or click its vertices on the map",
    ),
    "rain.vertices": ("已点选 {n} 个顶点", "{n} vertices clicked"),
    "rain.vertices_clear": ("清除顶点", "Clear vertices"),
    "rain.color_by": ("地图着色", "Map colour"),
    "rain.color_buildings": ("楼栋风险", "Building risk"),
    "rain.color_grids": ("网格风险", "Grid risk"),
    "rain.flood_none_report": ("请选择一个已上报的积水点。", "Pick a flooding report."),
    "rain.flood_none_point": ("请在地图上点击积水位置，或输入经度,纬度。", "Click the flooding on the map, or type lon,lat."),
    "rain.flood_none_polygon": ("请在地图上点击至少 3 个顶点，或输入积水范围。",
                                "Click at least 3 vertices on the map, or type the area."),
    "rain.progress_build": ("正在整理清单…", "Building the checklists..."),
    "rain.progress_render": ("正在生成文件…", "Writing the file..."),
    "rain.progress_done": ("完成", "Done"),
    "rain.checklist": ("巡查清单", "Inspection checklists"),
    "rain.grid": ("网格", "Grid"),
    "rain.all_grids": ("全部网格", "All grids"),
    "rain.format": ("格式", "Format"),
    "rain.make": ("生成清单", "Make the checklist"),
    "rain.download": ("下载 {name}", "Download {name}"),
    "rain.upload": ("导入已填写的清单（XLSX 或 CSV）", "Load a filled-in checklist (XLSX or CSV)"),
    "rain.inspector": ("检查人（表内未填时使用）", "Inspector (when the sheet has none)"),
    "rain.import": ("导入", "Import"),
    "rain.import_done": ("已更新数据库。", "Store updated."),
    "rain.import_same": ("没有新内容，数据库未改动。", "Nothing new; the store is unchanged."),
    "rain.download_flood": ("下载处置清单 {fmt}", "Download the response as {fmt}"),
    "rain.mode_zone": ("淹没区（已导入）", "A stored flood zone"),
    "rain.zone_pick": ("淹没区", "Flood zone"),
    "rain.flood_none_zone": ("请选择一个淹没区。", "Pick a flood zone."),
    "rain.no_zones": ("数据库中没有淹没区：请在“导入数据”中导入淹没区图层。",
                      "The store holds no flood zones: import a flood-zone layer in the upload tab."),
    "rain.zone_title": ("淹没区 {name}（{zone}）", "Flood zone {name} ({zone})"),
    "rain.zone_title_period": ("淹没区 {name}（{zone}，{years} 年一遇）", "Flood zone {name} ({zone}, {years}-year)"),
    "rain.pts_flood_zone": ("淹没区", "flood zone"),
    # ---- patrol routes (issue 4: views/routes.py, layers/routes.py) ----------
    "routes.tab": ("巡查路线", "Patrol routes"),
    "routes.title": ("巡查路线规划", "Plan patrol routes"),
    "routes.all": ("全部", "All"),
    "routes.grids": ("网格（不选 = 全部）", "Grids (none = all)"),
    "routes.types": ("巡查点类型", "Points to visit"),
    "routes.statuses": ("状态（不选 = 全部）", "Statuses (none = all)"),
    "routes.start": ("起点", "Start"),
    "routes.start_office": ("网格办公室", "Grid office"),
    "routes.start_building": ("楼栋", "A building"),
    "routes.start_lonlat": ("输入经纬度", "Typed lon,lat"),
    "routes.start_click": ("在地图上点选", "Click on the map"),
    "routes.start_none": ("不指定（从某个巡查点出发）", "None (start at a stop)"),
    "routes.office_grid": ("哪个网格的办公室", "Office of grid"),
    "routes.building": ("楼栋（名称或编号）", "Building (name or id)"),
    "routes.lonlat": ("经度,纬度（WGS-84）", "lon,lat (WGS-84)"),
    "routes.click_hint": ("在下方地图上点击选择起点。", "Click the map below to choose the start."),
    "routes.clicked": ("已选起点：{lon:.6f}, {lat:.6f}", "Start chosen: {lon:.6f}, {lat:.6f}"),
    "routes.patrollers": ("巡查人数", "Patrollers"),
    "routes.closed": ("返回起点（闭合路线）", "Return to the start (closed routes)"),
    "routes.time_limit": ("计算时间上限（秒）", "Time limit (s)"),
    "routes.plan": ("规划路线", "Plan the routes"),
    "routes.planning": ("正在规划路线…", "Planning the routes…"),
    "routes.need_types": ("请至少选择一种巡查点类型。", "Choose at least one kind of point to visit."),
    "routes.no_points": (
        "没有符合条件的巡查点：请增加网格、类型或状态。",
        "No point matches the choice: add grids, kinds of point or statuses.",
    ),
    "routes.bad_start": ("起点无效：{error}", "The start is not valid: {error}"),
    "routes.need_click": ("请先在地图上点击选择起点。", "Click the map first to choose the start."),
    "routes.error": ("无法规划路线：{error}", "Cannot plan the routes: {error}"),
    "routes.none_yet": (
        "选择网格和巡查点类型后点击“规划路线”。",
        "Choose grids and kinds of point, then press \u201cPlan the routes\u201d.",
    ),
    "routes.on_streets": ("距离沿街道网络步行计算。", "Distances follow the walking street network."),
    "routes.straight": (
        "数据库中没有街道网络：按直线距离计算，实际步行距离更长。",
        "The store has no street network: distances are straight lines, real walks are longer.",
    ),
    "routes.unreachable": (
        "{n} 个点没有街道可达（离街道太远，或所在街道与其他街道不相连），用直线连接（表中“直线”列标出）：{ids}",
        "{n} point(s) no street reaches (too far from any, or on streets cut off from the rest), "
        "joined by straight lines (marked in the table): {ids}",
    ),
    "routes.idle": ("{n} 名巡查员没有分到巡查点（点数少于人数）。", "{n} patroller(s) have no stops (fewer points than patrollers)."),
    "routes.details": ("计算说明", "Details"),
    "routes.headline": (
        "{stops} 个点 · {k} 名巡查员 · 最长路线 {longest:,.0f} 米 · 合计 {total:,.0f} 米 · 用时 {seconds:.1f} 秒",
        "{stops} stops · {k} patroller(s) · longest route {longest:,.0f} m · total {total:,.0f} m · {seconds:.1f} s",
    ),
    "routes.summary": ("各巡查员路线", "Routes per patroller"),
    "routes.stops_table": ("巡查点顺序", "Stops in order"),
    "routes.downloads": ("下载路线", "Download the routes"),
    "routes.download_help": (
        "GPX/KML 可导入手机地图软件；PDF 为 A4 打印版。",
        "GPX and KML open in phone map apps; the PDF is an A4 sheet to print.",
    ),
    "routes.zip_all": ("全部巡查员（ZIP）", "All patrollers (ZIP)"),
    "routes.patroller": ("巡查员 {p}", "Patroller {p}"),
    "routes.start_marker": ("起点", "Start"),
    "routes.layer": ("巡查路线", "Patrol routes"),
    "routes.tip_route": ("巡查员 {p} · {n} 个点 · {m:,.0f} 米", "Patroller {p} · {n} stops · {m:,.0f} m"),
    "routes.tip_stop": (
        "巡查员 {p} 第 {seq} 站 · {id} · {type} · 网格 {grid} · 累计 {cum:,.0f} 米",
        "Patroller {p} stop {seq} · {id} · {type} · grid {grid} · {cum:,.0f} m so far",
    ),
    "routes.tip_straight": ("无街道可达，直线连接", "no street reaches it: straight line"),
    "routes.col_patroller": ("巡查员", "Patroller"),
    "routes.col_color": ("颜色", "Colour"),
    "routes.col_stops": ("点数", "Stops"),
    "routes.col_length": ("全长（米）", "Length (m)"),
    "routes.col_return": ("返回（米）", "Return (m)"),
    "routes.col_straight": ("直线段", "Straight legs"),
    "routes.col_seq": ("顺序", "Seq"),
    "routes.col_id": ("编号", "Id"),
    "routes.col_type": ("类型", "Type"),
    "routes.col_grid": ("网格", "Grid"),
    "routes.col_leg": ("本段（米）", "Leg (m)"),
    "routes.col_cum": ("累计（米）", "So far (m)"),
    "routes.col_is_straight": ("直线", "Straight"),
    "routes.warn_straight": (
        "没有街道网络：按直线距离计算，实际步行更远。",
        "No street network: distances are straight lines, real walks are longer.",
    ),
    "routes.warn_unreachable": (
        "{n} 个点没有街道可达（离街道太远，或所在街道与其他街道不相连），用直线连接：{ids}。",
        "{n} point(s) no street reaches (too far from any, or on streets cut off from the rest), "
        "joined by straight lines: {ids}.",
    ),
    "routes.warn_none_reached": (
        "所有点都没有街道可达：数据库中的街道是否覆盖这些网格？",
        "No street reaches any point: do the streets in the store cover these grids?",
    ),
    "routes.warn_streets_far": (
        "{share:.0f}% 的巡查点离最近的街道超过吸附距离（中位数 {distance:,.0f} 米）：街道数据没有覆盖这些点。"
        "可能原因：坐标系错误（投影坐标当作经纬度）、GCJ-02 与 WGS-84 混用（国内相差数百米），或导入了别处的街道。",
        "{share:.0f}% of the points are beyond snapping distance of every street (median {distance:,.0f} m): "
        "the streets do not cover them. Likely causes: a wrong CRS (projected coordinates read as degrees), "
        "GCJ-02 mixed with WGS-84 (a few hundred metres in China), or an extract of another area.",
    ),
    "routes.warn_start_straight": ("起点附近没有街道，以直线连接。", "No street reaches the start: it is joined by straight lines."),
    "routes.warn_idle": (
        "{n} 名巡查员没有巡查点：巡查点比巡查员少。",
        "{n} patroller(s) have no stops: there are fewer points than patrollers.",
    ),
    "routes.warn_grids_uncovered": (
        "街道没有覆盖所选网格：网格面积只有 {share:.0f}% 落在街道范围内，网格中心离最近的街道约 {distance:,.0f} 米。"
        "可能原因：坐标系错误、GCJ-02 与 WGS-84 混用（国内相差数百米），或导入了别处的街道。",
        "The streets do not cover the chosen grids: only {share:.0f}% of their area lies within the streets' extent, "
        "and their centre is about {distance:,.0f} m from the nearest street. Likely causes: a wrong CRS, GCJ-02 "
        "mixed with WGS-84 (a few hundred metres in China), or an extract of another area.",
    ),
    "routes.warn_empty_grids": (
        "{n} 个所选网格没有要巡查的点（按所选类型和状态），未安排路线：{grids}。",
        "{n} chosen grid(s) had nothing to visit (of the chosen types and statuses) and get no route: {grids}.",
    ),
    "routes.x_route": ("巡查路线 {p}", "Patrol route {p}"),
    "routes.x_on_streets": ("沿街道步行距离", "walking distance along streets"),
    "routes.x_straight": ("直线距离（无街道网络，实际步行更远）", "straight-line distance (no street network: real walks are longer)"),
    "routes.x_back": ("，返回起点", ", back to the start"),
    "routes.x_summary": ("{n} 个点，全长 {m:,.0f} 米{back}（{distance}）", "{n} stops, {m:,.0f} m in all{back} ({distance})"),
    "routes.x_stop_desc": ("{type} · 网格 {grid} · 累计 {cum:,.0f} 米", "{type} · grid {grid} · {cum:,.0f} m so far"),
    "routes.x_kml_desc": (
        "网格 {grid}；距上一点 {leg:,.0f} 米；累计 {cum:,.0f} 米",
        "Grid {grid}; {leg:,.0f} m from the previous stop; {cum:,.0f} m so far",
    ),
    "routes.sheet_title": ("{title} · 巡查员 {p} / {k}", "{title} · patroller {p} of {k}"),
    "routes.sheet_summary": (
        "{n} 个巡查点，全长 {m:,.0f} 米{back}；{distance}。",
        "{n} stops, {m:,.0f} m in all{back}; {distance}.",
    ),
    "routes.sheet_closed": ("，返回起点", ", back to the start"),
    "routes.sheet_open": ("，不返回起点", ", not back to the start"),
    "routes.sheet_streets": ("沿街道步行距离", "walking distances along streets"),
    "routes.sheet_straight_lines": ("直线距离", "straight-line distances"),
    "routes.sheet_fill_in": (
        "巡查人：__________  日期：__________  开始时间：______  结束时间：______",
        "Patroller: __________  Date: __________  Started: ______  Finished: ______",
    ),
    "routes.sheet_note": ("注意：{note}", "Note: {note}"),
    "routes.sheet_unreachable": (
        "本路线 {n} 个点没有街道可达，以直线连接（表中距离标 *）：{ids}。",
        "{n} stop(s) of this route no street reaches, joined by straight lines (distances marked *): {ids}.",
    ),
    "routes.sheet_metres": ("{m:,.0f} 米", "{m:,.0f} m"),
    "routes.sheet_return": ("返回起点", "Back to the start"),
    "routes.sheet_col_seq": ("序号", "No."),
    "routes.sheet_col_id": ("编号", "Id"),
    "routes.sheet_col_type": ("类型", "Type"),
    "routes.sheet_col_place": ("位置", "Place"),
    "routes.sheet_col_leg": ("距上一点(米)", "Leg (m)"),
    "routes.sheet_col_cum": ("累计(米)", "So far (m)"),
    "routes.sheet_col_done": ("完成", "Done"),
    "routes.place_in": ("{name}", "{name}"),
    "routes.place_near": ("{name} 附近", "near {name}"),
    "routes.place_outside": ("网格外", "outside the grids"),
    # ---- errors and validation, by area (issue 10) ----------------------------
    # Errors: "err.<key>" is the message and "err.<key>.hint" how to fix it
    # (raise XError.of("<key>", **values)); validation issues: "check.<code>"
    # (report.issue(level, "<code>", **values)). Each area keeps its own block.
    # ---- errors: reading files (geo/io.py: formats, limits, hostile input) ----
    "err.io.not_found": ("文件 {file} 不存在。", "File {file} does not exist."),
    "err.io.not_found.hint": ("请检查路径和文件名。", "Check the path and the file name."),
    "err.io.unsupported": ("不支持 {file} 的文件类型 {suffix}。", "File type {suffix} of {file} is not supported."),
    "err.io.unsupported.hint": ("请使用以下格式之一: {formats}。", "Use one of {formats}."),
    "err.io.empty": ("{file} 是空文件, 没有任何数据。", "{file} is empty: it holds no data."),
    "err.io.empty.hint": ("文件可能在下载或复制时中断: 请重新导出或重新下载。",
                          "It may have been cut off while downloading or copying: export or download it again."),
    "err.io.too_large": ("{file} 有 {size_mb} MB, 超过了 {limit_mb} MB 的上限。",
                         "{file} is {size_mb} MB, over the limit of {limit_mb} MB."),
    "err.io.too_large.hint": ("请把文件按区域拆分后分别导入; 管理员可用环境变量 {variable} 提高上限。",
                              "Split it by area and import the parts; an administrator can raise the limit with {variable}."),
    "err.io.unreadable": ("{file} 无法作为 {format} 文件读取 ({reason})。", "{file} cannot be read as a {format} file ({reason})."),
    "err.io.unreadable.hint": ("请在 QGIS 中打开检查, 或重新导出。", "Open it in QGIS to check it, or export it again."),
    "err.io.truncated": ("{file} 无法读取 ({reason})。", "{file} cannot be read ({reason})."),
    "err.io.truncated.hint": ("文件可能不完整, 或内容与扩展名不符: 请重新导出。",
                              "The file may be truncated or not what its name says: export it again."),
    "err.io.several_layers": ("{file} 包含多个图层: {layers}。", "{file} holds several layers: {layers}."),
    "err.io.several_layers.hint": ("请用 --layer 图层名 选择一个。", "Choose one with --layer NAME."),
    "err.io.no_layer": ("{file} 没有图层 {layer}; 它有: {layers}。", "{file} has no layer {layer}; it has {layers}."),
    "err.io.no_layer.hint": ("请用 --layer 选择其中一个。", "Choose one of those with --layer NAME."),
    "err.io.gpkg_view": ("{file} 的图层 {layer} 是视图 (对其他表的查询), 不是数据表。",
                         "Layer {layer} of {file} is a view (a query over other tables), not a table."),
    "err.io.gpkg_view.hint": ("视图可能无限递归, 因此不予读取: 请在 QGIS 中把该图层另存为新的 GeoPackage 数据表后再导入。",
                              "A view can be endless (recursive), so it is not read: save the layer as a table in a new "
                              "GeoPackage (QGIS: Export > Save Features As) and import that."),
    "err.io.not_zip": ("{file} 不是有效的 zip 压缩包。", "{file} is not a valid zip archive."),
    "err.io.not_zip.hint": ("请把 Shapefile 的 .shp、.shx、.dbf 和 .prj 文件重新压缩。",
                            "Zip the Shapefile's .shp, .shx, .dbf and .prj files again."),
    "err.io.zip_members": ("{file} 包含 {n} 个条目, 超过了 {limit} 个的上限。",
                           "{file} holds {n} entries, over the limit of {limit}."),
    "err.io.zip_members.hint": ("只压缩一个 Shapefile 的文件 (.shp、.shx、.dbf、.prj、.cpg); 管理员可用 {variable} 提高上限。",
                                "Zip only one Shapefile's files (.shp, .shx, .dbf, .prj, .cpg); an administrator can raise "
                                "the limit with {variable}."),
    "err.io.zip_unsafe_name": ("{file} 包含路径不安全的条目 {entry} (指向压缩包之外)。",
                               "{file} holds an entry with an unsafe path, {entry} (it points outside the archive)."),
    "err.io.zip_unsafe_name.hint": ("请只用相对路径重新压缩 (不要 ../ 或以 / 开头的路径)。",
                                    "Zip the files again with plain relative paths (no ../ and no leading /)."),
    "err.io.zip_too_big": ("{file} 解压后有 {size_mb} MB, 超过了 {limit_mb} MB 的上限。",
                           "{file} expands to {size_mb} MB, over the limit of {limit_mb} MB."),
    "err.io.zip_too_big.hint": ("请拆分数据后分别导入; 管理员可用 {variable} 提高上限。",
                                "Split the data and import the parts; an administrator can raise the limit with {variable}."),
    "err.io.zip_ratio": ("{file} 中的 {entry} 压缩比为 {ratio} 倍 ({packed_kb} KB 解压为 {size_mb} MB), 超过了 {limit} 倍的上限。",
                         "Entry {entry} of {file} expands {ratio}-fold ({packed_kb} KB to {size_mb} MB), over the limit of "
                         "{limit}-fold."),
    "err.io.zip_ratio.hint": ("这是 zip 炸弹的特征, 文件未被解压: 请向数据提供方索取正常压缩的文件; 管理员可用 {variable} 调整上限。",
                              "Zip bombs look like this, so it was not expanded: ask the provider for a normally zipped "
                              "file; an administrator can change the limit with {variable}."),
    "err.io.zip_corrupt": ("{file} 已损坏, 或其中文件的实际大小与声明不符 ({reason})。",
                           "{file} is damaged, or an entry is not the size the archive declares ({reason})."),
    "err.io.zip_corrupt.hint": ("请重新压缩或重新下载该文件。", "Zip or download the file again."),
    "err.io.zip_shapefiles": ("{file} 包含 {n} 个 Shapefile, 应当正好一个。", "{file} holds {n} Shapefiles; one is expected."),
    "err.io.zip_shapefiles.hint": ("压缩包中只放一个 .shp (及其 .shx、.dbf、.prj)。",
                                   "Put exactly one .shp (with its .shx, .dbf, .prj) in the zip."),
    "err.io.zip_no_part": ("{file} 中的 Shapefile {shp} 缺少 {part} 文件。", "Shapefile {shp} in {file} has no {part} file."),
    "err.io.zip_no_part.hint": ("Shapefile 由几个同名文件组成 (.shp 几何, .shx 索引, .dbf 属性): 请把它们一起压缩。",
                                "A Shapefile is several files of one name (.shp shapes, .shx index, .dbf attributes): zip "
                                "them together."),
    "err.io.shp_no_part": ("Shapefile {file} 旁边缺少同名的 {part} 文件。", "Shapefile {file} has no {part} file beside it."),
    "err.io.shp_no_part.hint": ("请把 .shp、.shx、.dbf 和 .prj 放在同一文件夹, 或一起压缩成 .zip 导入。",
                                "Keep its .shp, .shx, .dbf and .prj in one folder, or zip them together and import the .zip."),
    "err.io.no_prj": ("{file} 没有 .prj 文件, 无法得知其坐标系。", "{file} has no .prj file, so its coordinate system is unknown."),
    "err.io.no_prj.hint": ("请用 --crs 指明, 如 --crs EPSG:4326 (GPS) 或 --crs EPSG:4547 (CGCS2000 3度带 114°E), 或补上 .prj 文件。",
                           "Name it with --crs, e.g. --crs EPSG:4326 (GPS) or --crs EPSG:4547 (CGCS2000 3-degree zone "
                           "114°E), or add the .prj file."),
    "err.io.file_crs_unknown": ("{file} 声明的坐标系无法识别: {crs}。", "{file} names a coordinate system that is not known: {crs}."),
    "err.io.file_crs_unknown.hint": ("数据不会被当作 WGS-84 读取: 请用 --crs 指明正确的坐标系 (EPSG 代码), 或向数据提供方询问。",
                                     "The data is not read as WGS-84 by guess: name the right one with --crs (an EPSG code), "
                                     "or ask the data's provider."),
    "err.io.xml_entity": ("{file} 含有 XML 文档类型或实体声明 (<!DOCTYPE / <!ENTITY), 不予读取。",
                          "{file} declares an XML document type or entities (<!DOCTYPE / <!ENTITY), which are not read."),
    "err.io.xml_entity.hint": ("这类声明可读取服务器文件或膨胀为数 GB, 正常的 KML/XLSX 不需要它们: 请从 GIS 或 Excel 重新导出。",
                               "Such declarations can read files of the server or expand to gigabytes, and plain KML/XLSX "
                               "never needs them: export the file again from a GIS or from Excel."),
    "err.io.too_many_features": ("{file} 有 {n} 个要素, 超过了 {limit} 个的上限。", "{file} has {n} features, over the limit of {limit}."),
    "err.io.too_many_features.hint": ("请按区域拆分后分别导入; 管理员可用 {variable} 提高上限。",
                                      "Split it by area and import the parts; an administrator can raise the limit with {variable}."),
    "err.io.too_many_vertices": ("{file} 的第 {row} 个要素有 {n} 个顶点, 超过了每个几何 {limit} 个的上限 (另有 {more} 个要素超限)。",
                                 "Feature {row} of {file} has {n} vertices, over the limit of {limit} per geometry ({more} "
                                 "more over it)."),
    "err.io.too_many_vertices.hint": ("请先简化 (QGIS: 矢量 > 几何工具 > 简化, 容差 0.5 米); 管理员可用 {variable} 提高上限。",
                                      "Simplify it first (QGIS: Vector > Geometry Tools > Simplify, tolerance 0.5 m); an "
                                      "administrator can raise the limit with {variable}."),
    "err.io.too_many_vertices_total": ("{file} 共有 {n} 个顶点, 超过了 {limit} 个的上限。",
                                       "{file} has {n} vertices in all, over the limit of {limit}."),
    "err.io.too_many_vertices_total.hint": ("请简化或拆分后导入; 管理员可用 {variable} 提高上限。",
                                            "Simplify or split it; an administrator can raise the limit with {variable}."),
    "err.io.nonfinite_geometry": ("{file} 有 {n} 个要素的坐标不是有限数值 (NaN 或无穷大): 第 {rows} 个。",
                                  "{file}: {n} feature(s) have coordinates that are not finite numbers (NaN or infinite): "
                                  "feature(s) {rows}."),
    "err.io.nonfinite_geometry.hint": ("请在 GIS 中修正或删除这些要素后重新导出。", "Correct or delete those features in a GIS and export again."),
    "err.io.table_unreadable": ("{file} 无法作为表格读取 ({reason})。", "{file} cannot be read as a table ({reason})."),
    "err.io.table_unreadable.hint": ("请另存为 UTF-8 CSV 或 .xlsx (Excel 2007 及以后)。",
                                     "Save it again as UTF-8 CSV or as .xlsx (Excel 2007 or later)."),
    "err.io.too_many_cells": ("{file} 的工作表 {sheet} 有 {n} 个单元格, 超过了 {limit} 个的上限。",
                              "Sheet {sheet} of {file} has {n} cells, over the limit of {limit}."),
    "err.io.too_many_cells.hint": ("请删除多余的行列 (包括只有格式的空行) 或拆分工作表; 管理员可用 {variable} 提高上限。",
                                   "Delete the rows and columns that are not data (formatted empty rows too) or split the "
                                   "sheet; an administrator can raise the limit with {variable}."),
    "err.io.several_sheets": ("{file} 包含多个工作表: {sheets}。", "{file} holds several sheets: {sheets}."),
    "err.io.several_sheets.hint": ("请用 --layer 工作表名 选择存放数据的那个。", "Choose the one with the data with --layer SHEET."),
    "err.io.no_sheet": ("{file} 没有工作表 {sheet}; 它有: {sheets}。", "{file} has no sheet {sheet}; it has {sheets}."),
    "err.io.no_sheet.hint": ("请用 --layer 选择其中一个。", "Choose one of those with --layer SHEET."),
    "err.io.encoding": ("{file} 既不是 UTF-8 也不是 GB18030 (GBK) 文本。", "{file} is neither UTF-8 nor GB18030 (GBK) text."),
    "err.io.encoding.hint": ("请另存为 UTF-8 CSV。", "Save it again as UTF-8 CSV."),
    "err.io.duplicate_header": ("{file} 的表头中 {column} 出现了 {n} 次 (第 {letters} 列)。",
                                "{file} has the column {column} {n} times in its header (columns {letters})."),
    "err.io.duplicate_header.hint": ("无法判断该用哪一列: 请重命名或删除重复的列, 使每个表头唯一。",
                                     "Which one is meant cannot be told: rename or delete the copies so that every header is unique."),
    "err.io.no_x_column": ("{file} 没有经度 (x) 列 (现有列: {columns})。", "{file} has no x (longitude) column (columns: {columns})."),
    "err.io.no_x_column.hint": ("请用 --x-field 和 --y-field 指明坐标列。", "Name the coordinate columns with --x-field and --y-field."),
    "err.io.no_y_column": ("{file} 没有纬度 (y) 列 (现有列: {columns})。", "{file} has no y (latitude) column (columns: {columns})."),
    "err.io.no_y_column.hint": ("请用 --x-field 和 --y-field 指明坐标列。", "Name the coordinate columns with --x-field and --y-field."),
    "err.io.no_xy_named": ("{file} 没有 {column} 列 (现有列: {columns})。", "{file} has no column {column} (columns: {columns})."),
    "err.io.no_xy_named.hint": ("请检查 --x-field / --y-field 的拼写。", "Check the spelling of --x-field / --y-field."),
    "err.io.no_numeric_xy": ("{file}: {n} 行没有数值坐标 (第 {rows} 行)。", "{file}: {n} row(s) have no numeric coordinates (lines {rows})."),
    "err.io.no_numeric_xy.hint": ("请把 {x} 和 {y} 填为数字, 或删除这些行。", "Fill in {x} and {y} as numbers, or delete those rows."),
    "err.io.nonfinite_xy": ("{file}: {n} 行的坐标不是有限数值 (NaN、无穷大或溢出如 1e400): 第 {rows} 行。",
                            "{file}: {n} row(s) have coordinates that are not finite numbers (NaN, infinite or overflowing "
                            "like 1e400): lines {rows}."),
    "err.io.nonfinite_xy.hint": ("请把 {x} 和 {y} 改为真实的经纬度, 或删除这些行。", "Put real coordinates in {x} and {y}, or delete those rows."),
    "err.io.bad_dms": ("{file}: 第 {row} 行的 {column} 为 {value}, 既不是数字也不是可识别的度分秒。",
                       "{file}: {column} on line {row} is {value}, neither a number nor degrees-minutes-seconds GridWatch can read."),
    "err.io.bad_dms.hint": ("请写成十进制度 (114.3085) 或完整的度分秒 (114°18'30.5\"E), 分和秒小于 60, 经度列用 E/W, 纬度列用 N/S。",
                            "Write decimal degrees (114.3085) or full degrees-minutes-seconds (114°18'30.5\"E), minutes and "
                            "seconds under 60, E/W in the longitude column and N/S in the latitude column."),
    "err.io.not_wkt": ("{file}: {column} 列的内容不是 WKT 几何 ({reason})。", "{file}: column {column} holds text that is not WKT geometry ({reason})."),
    "err.io.not_wkt.hint": ("请使用 'POINT (114.36 30.52)' 这样的 WKT, 或用 --x-field/--y-field 指明坐标列。",
                            "Use WKT such as 'POINT (114.36 30.52)', or give --x-field/--y-field."),
    "err.io.swapped": ("{file}: x 在 {minx} 到 {maxx} 之间, y 在 {miny} 到 {maxy} 之间: 经纬度看起来是反的 (swapped)。",
                       "{file}: x is between {minx} and {maxx} and y between {miny} and {maxy}: latitude and longitude look "
                       "swapped."),
    "err.io.swapped.hint": ("请加上 --swap-xy, 或把 --x-field/--y-field 对调。", "Add --swap-xy, or give --x-field/--y-field the other way round."),
    "err.io.not_lonlat": ("{file}: 坐标 ({minx}, {miny}) .. ({maxx}, {maxy}) 不是经纬度。",
                          "{file}: coordinates ({minx}, {miny}) .. ({maxx}, {maxy}) are not longitude/latitude."),
    "err.io.not_lonlat.hint": ("它们看起来是投影坐标 (米或英尺): 请按数据提供方的说明 (如 .prj 文件或元数据) 用 --crs 指明坐标系。",
                               "They look projected (metres or feet): name the CRS with --crs as the data's provider says "
                               "(its .prj file or metadata)."),
    "err.io.not_lonlat_gk3": ("{file}: 坐标 ({minx}, {miny}) .. ({maxx}, {maxy}) 不是经纬度。",
                              "{file}: coordinates ({minx}, {miny}) .. ({maxx}, {maxy}) are not longitude/latitude."),
    "err.io.not_lonlat_gk3.hint": ("它们看起来是 CGCS2000 3度带高斯-克吕格第 {zone} 带 (米, 带号在前): 请用 --crs EPSG:{epsg3} 导入。",
                                   "They look like CGCS2000 3-degree Gauss-Krüger zone {zone} (metres, zone number in front): "
                                   "load with --crs EPSG:{epsg3}."),
    "err.io.not_lonlat_gk6": ("{file}: 坐标 ({minx}, {miny}) .. ({maxx}, {maxy}) 不是经纬度。",
                              "{file}: coordinates ({minx}, {miny}) .. ({maxx}, {maxy}) are not longitude/latitude."),
    "err.io.not_lonlat_gk6.hint": ("它们看起来是 CGCS2000 6度带高斯-克吕格第 {zone} 带 (米, 带号在前): 请用 --crs EPSG:{epsg6} 导入。",
                                   "They look like CGCS2000 6-degree Gauss-Krüger zone {zone} (metres, zone number in front): "
                                   "load with --crs EPSG:{epsg6}."),
    "err.io.not_lonlat_cm": ("{file}: 坐标 ({minx}, {miny}) .. ({maxx}, {maxy}) 不是经纬度。",
                             "{file}: coordinates ({minx}, {miny}) .. ({maxx}, {maxy}) are not longitude/latitude."),
    "err.io.not_lonlat_cm.hint": ("它们看起来是中国的投影坐标 (米): 请用 --crs 指明, 如 CGCS2000 3度带 EPSG:4534..4554 对应中央经线 "
                                  "75°E..135°E (114°E 为 EPSG:4547); 请向数据提供方确认。",
                                  "They look projected (metres), in China: name the CRS with --crs, e.g. CGCS2000 3-degree "
                                  "Gauss-Krüger EPSG:4534..4554 for central meridian 75°E..135°E (114°E is EPSG:4547); "
                                  "ask the data's provider."),
    "err.io.not_lonlat_own": ("{file}: 坐标 ({minx}, {miny}) .. ({maxx}, {maxy}) 不是经纬度。",
                              "{file}: coordinates ({minx}, {miny}) .. ({maxx}, {maxy}) are not longitude/latitude."),
    "err.io.not_lonlat_own.hint": ("文件自带的坐标系是 {own} (单位: {units}): 去掉 --crs 即可按它读取。",
                                   "The file's own coordinate system is {own} (in {units}): drop --crs to read it in that."),
    "err.io.no_crs": ("文件没有说明其坐标系。", "The file does not say which coordinate system it is in."),
    "err.io.no_crs.hint": ("请用 --crs 指明, 如 --crs EPSG:4326 (GPS)、--crs gcj02 (高德/腾讯) 或 --crs bd09 (百度)。",
                           "Name it with --crs, e.g. --crs EPSG:4326 (GPS), --crs gcj02 (AutoNavi/Tencent) or --crs bd09 (Baidu)."),
    "err.io.crs_unknown": ("坐标系 {crs} 无法识别。", "Coordinate system {crs} is not known."),
    "err.io.crs_unknown.hint": ("请给出 EPSG 代码 (如 EPSG:4326, CGCS2000 为 EPSG:4490) 或 gcj02 / bd09。",
                                "Give an EPSG code (e.g. EPSG:4326, EPSG:4490 for CGCS2000) or gcj02 / bd09."),
    "err.io.repair_timeout": ("{n} 个无效几何在 {seconds} 秒内未能修复, 已停止。",
                              "{n} invalid geometr(ies) could not be repaired within {seconds} s; the repair was stopped."),
    "err.io.repair_timeout.hint": ("这些几何自相交过多: 请在 GIS 中修正或简化后再导入; 管理员可用 {variable} 调整时限。",
                                   "They cross themselves too often: fix or simplify them in a GIS first; an administrator can "
                                   "change the time limit with {variable}."),
    "err.io.repair_too_long": ("{file} 的 {n} 个无效几何 (第 {rows} 个要素) 无法在 {seconds} 秒内修复。",
                               "{file}: {n} invalid geometr(ies) (feature(s) {rows}) cannot be repaired within {seconds} s."),
    "err.io.repair_too_long.hint": ("它们自相交过多: 请在 GIS 中修正或简化后再导入; 管理员可用 {variable} 调整时限。",
                                    "They cross themselves too often: fix or simplify them in a GIS first; an administrator can "
                                    "change the time limit with {variable}."),
    "err.limits.bad_value": ("环境变量 {variable} 的值 '{value}' 不是正数。", "Environment variable {variable} is '{value}', not a positive number."),
    "err.limits.bad_value.hint": ("请设为正数 (默认 {default}), 或取消设置。", "Set it to a positive number (default {default}), or unset it."),
    "err.settings.bad_value": ("环境变量 {variable} 的值 '{value}' 无效 (可用: {allowed})。",
                               "Environment variable {variable} is '{value}', not one of the allowed values ({allowed})."),
    "err.settings.bad_value.hint": ("请改为允许的值 (默认 {default}), 或取消设置。",
                                    "Set it to an allowed value (default {default}), or unset it."),
    # (end of block: reading files)
    #
    # ---- errors: columns, codes and ids (geo/io.py conform, geo/validate.py) --
    "err.io.unknown_kind": ("未知的图层类型 {kind!r}。", "Unknown layer kind {kind!r}."),
    "err.io.unknown_kind.hint": ("请使用 {kinds} 之一。", "Use one of {kinds}."),
    "err.io.unknown_field": ("{fields} 不是{layer}图层的列。", "{fields} is not a column of {layer}."),
    "err.io.unknown_field.hint": ("请映射到 {columns} 之一。", "Map onto one of {columns}."),
    "err.io.no_mapped_column": ("文件中没有列 {missing}（现有列：{columns}）。",
                                "The file has no column {missing} (it has {columns})."),
    "err.io.no_mapped_column.hint": ("请检查字段选项（如 --id-field、--field）中的列名拼写。",
                                     "Check the spelling of the field options (e.g. --id-field, --field)."),
    "err.io.duplicate_columns": ("文件中有重名的列：{columns}。", "The file has columns of the same name: {columns}."),
    "err.io.duplicate_columns.hint": ("请在文件中给这些列改成不同的名字后重新加载。",
                                      "Give those columns different names in the file and load it again."),
    "err.io.no_id_column": ("{layer}文件没有 {column} 列（现有列：{columns}）。",
                            "The {layer} file has no {column} column (it has {columns})."),
    "err.io.no_id_column.hint": ("用 --id-field COLUMN 指定存放编号的列；文件没有编号时用 --id-from-row [PREFIX] 按行号编号。",
                                 "Name the column that holds it with --id-field COLUMN, or number the rows with "
                                 "--id-from-row [PREFIX] if the file has no ids."),
    "err.io.no_type_column": ("{layer}文件没有 {column} 列（现有列：{columns}）。",
                              "The {layer} file has no {column} column (it has {columns})."),
    "err.io.no_type_column.hint": ("用 --type TYPE 指定整个文件的事件类型，或用 --type-field COLUMN 指定类型列。",
                                   "Give the type of every row with --type TYPE, or its column with --type-field COLUMN."),
    "err.io.id_prefix_bad": ("编号前缀 {prefix!r} 不可用（含控制字符或超过 40 个字符）。",
                             "Id prefix {prefix!r} cannot be used (control characters, or over 40 characters)."),
    "err.io.id_prefix_bad.hint": ("请用简短的字母或数字，例如 --id-from-row HY。",
                                  "Use a few letters or digits, e.g. --id-from-row HY."),
    "err.io.map_unknown_column": ("值映射中的列 {columns} 不在文件中（现有列：{have}）。",
                                  "The value map names column {columns}, which the file does not have (it has {have})."),
    "err.io.map_unknown_column.hint": ("请用本图层的列名，例如 --map status=开放:reported。",
                                       "Use a column of the layer, e.g. --map status=Open:reported."),
    "err.io.map_syntax": ("--map {item!r} 不是 COLUMN=FROM:TO,FROM:TO 的形式，也不是 .toml 文件。",
                          "--map {item!r} is neither COLUMN=FROM:TO,FROM:TO nor a .toml file."),
    "err.io.map_syntax.hint": ("例如 --map status=Open:reported,Closed:resolved，或 --map codes.toml。",
                               "Write it like --map status=Open:reported,Closed:resolved, or --map codes.toml."),
    "err.io.map_pair": ("--map {item!r} 中的 {pair!r} 不是 FROM:TO。", "In --map {item!r}, {pair!r} is not FROM:TO."),
    "err.io.map_pair.hint": ("每一对写成“原值:代码”，用逗号分隔；原值含逗号时请用 TOML 文件。",
                             "Write each pair as VALUE:CODE, pairs separated by commas; use a TOML file for values "
                             "with commas."),
    "err.io.map_file_missing": ("值映射文件 {file!r} 不存在或无法读取。", "Value map file {file!r} does not exist or cannot be read."),
    "err.io.map_file_missing.hint": ("请检查路径和文件名。", "Check the path and the file name."),
    "err.io.map_file_bad": ("值映射文件 {file!r} 不是有效的 TOML（{reason}）。",
                            "Value map file {file!r} is not valid TOML ({reason})."),
    "err.io.map_file_bad.hint": ("每列一个表，例如：[status] 换行 \"开放\" = \"reported\"（UTF-8 编码）。",
                                 "Write one table per column, e.g. [status] then \"Open\" = \"reported\" (UTF-8)."),
    "err.io.map_file_table": ("值映射文件 {file!r} 中 “{column}” 不是“原值 = 代码”的表。",
                              "In value map file {file!r}, “{column}” is not a table of value = code."),
    "err.io.map_file_table.hint": ("例如：[status] 换行 \"开放\" = \"reported\"。",
                                   "e.g. [status] then \"Open\" = \"reported\"."),
    "err.check.refused": ("{source} 有 {n} 个错误：{errors}。", "{source} has {n} error(s): {errors}."),
    "err.check.refused.hint": ("按报告修改文件后重新加载（python -m geo validate 列出全部问题）。",
                               "Fix the file as the report says and load it again ('python -m geo validate' lists "
                               "every problem)."),
    "err.import.streets_exist": ("数据库中已有 {n} 条道路；道路网是一个整体，不与新文件合并。",
                                 "The store already holds {n} street lines; a street network is one whole and is not "
                                 "merged with another file."),
    "err.import.streets_exist.hint": ("要换成这个文件的道路，请加 --replace（原有道路将被替换）。",
                                      "To use this file's streets instead, add --replace (the stored streets are replaced)."),
    "err.import.refused": ("{source}：{errors}；未导入任何数据（共 {n} 个错误）。",
                           "{source}: {errors}; nothing was imported ({n} error(s))."),
    "err.import.refused.hint": ("用 'python -m geo validate' 查看完整报告，修改文件后重新导入。",
                                "Run 'python -m geo validate' for the full report, fix the file and import again."),
    "err.validate.refused": ("{source}：{errors}（共 {n} 个错误，见上方报告）。",
                             "{source}: {errors} ({n} error(s), listed above)."),
    "err.validate.refused.hint": ("按报告修改文件后再次校验；现在导入不会写入任何数据。",
                                  "Fix the file as the report says and validate again; an import would write nothing."),
    "check.where.line": ("第 {n} 行", "line {n}"),
    "check.where.feature": ("第 {n} 个要素", "feature {n}"),
    "check.where.value": ("{value}（{where}）", "{value} ({where})"),
    "check.where.sep": ("、", ", "),
    "check.where.more": ("等，另有 {n} 处", " and {n} more"),
    "check.report.head": ("{source} 的{layer}：{rows} 行，{errors} 个错误，{warnings} 个警告",
                          "{layer} from {source}: {rows} rows, {errors} error(s), {warnings} warning(s)"),
    "check.report.input": ("输入", "input"),
    "check.report.more_errors": ("；另有 {n} 个错误", "; and {n} more error(s)"),
    "check.level.error": ("错误", "ERROR"),
    "check.level.warning": ("警告", "WARNING"),
    "check.grid_overlap": ("网格 {a} 与 {b} 重叠。", "Grids {a} and {b} overlap."),
    "check.grid_gap": ("网格之间有空隙（没有网格覆盖的区域）。", "Gap between grids (an area no grid covers)."),
    "check.grid_sliver_overlaps": ("{n} 处小于 {tolerance} m² 的网格细碎重叠（手绘误差），合计面积见括号。",
                                   "{n} sliver overlap(s) between grids under {tolerance} m² each (drawing noise); "
                                   "total area in brackets."),
    "check.grid_sliver_gaps": ("{n} 处小于 {tolerance} m² 的网格细碎空隙（手绘误差），合计面积见括号。",
                               "{n} sliver gap(s) between grids under {tolerance} m² each (drawing noise); "
                               "total area in brackets."),
    "check.building_overlap": ("楼栋 {a} 与 {b} 重叠。", "Buildings {a} and {b} overlap."),
    "check.building_sliver_overlaps": ("{n} 处小于 {tolerance} m² 的楼栋细碎重叠，合计面积见括号。",
                                       "{n} sliver overlap(s) between buildings under {tolerance} m² each; total "
                                       "area in brackets."),
    "check.building_parts_merged": ("{n} 个楼栋多边形有至少 {share} 位于另一楼栋内（楼栋部件），已并入所在的 {buildings} 栋楼，不单独计数。",
                                    "{n} building polygon(s) lie at least {share} inside another building (building "
                                    "parts): merged into the {buildings} building(s) they belong to, not counted apart."),
    "check.entrance_points_dropped": ("{n} 个点位于楼栋多边形内（出入口或门牌点），未作为楼栋导入。",
                                      "{n} point(s) lie inside a building polygon (entrances or addresses) and were "
                                      "not imported as buildings."),
    "check.missing_id": ("{n} 行{layer}没有 {column}（{rows}）。", "{n} {layer} row(s) have no {column} ({rows})."),
    "check.duplicate_id": ("{n} 个 {column} 值重复使用，编号必须唯一（如果这些行是分块导出的同一要素，请加 --merge-duplicates）。",
                           "{n} {column} value(s) are used more than once; ids must be unique (if the rows are pieces "
                           "of one feature from a tiled export, load with --merge-duplicates)."),
    "check.label_point_dropped": ("{n} 个点与多边形同编号（标注点），已删除。",
                                  "{n} point(s) share an id with a polygon (label points) and were dropped."),
    "check.pieces_merged": ("{n} 行共 {ids_n} 个编号，已各自合并为一个要素。",
                            "{n} rows sharing {ids_n} id(s) were merged into one feature each."),
    "check.duplicate_points_dropped": ("{n} 个点与同编号的第一个点相距不超过 {metres} 米，视为重复，保留第一个。",
                                       "{n} point(s) repeat an id within {metres} m of its first point: the first is "
                                       "kept, the repeats dropped."),
    "check.duplicate_points_far": ("{n} 个编号用于相距较远的多个点（最远 {metres} 米，超过 {limit} 米），它们是不同的要素。",
                                   "{n} id(s) are used by points far apart (up to {metres} m, more than {limit} m): "
                                   "they are different features; give them their own ids (or use --id-from-row)."),
    "check.empty_geometry": ("{n} 行没有几何，未导入。", "{n} row(s) have no geometry and were not imported."),
    "check.geometry_type": ("{n} 个{layer}的几何为 {found}；{layer}必须是 {allowed}。",
                            "{n} {layer} have {found} geometry; {layer} must be {allowed}."),
    "check.invalid_geometry": ("{n} 个无效几何已用 make_valid 修复（第一个：{first}）。",
                               "{n} invalid geometries repaired with make_valid (first: {first})."),
    "check.all_far_from_grids": ("全部 {n} 个{layer}距离任何网格都在 {km} 公里以上：坐标系可能不对。",
                                 "All {n} {layer} lie {km} km or more from every grid: the coordinate system is "
                                 "probably wrong."),
    "check.outside_grids": ("{n} 个{layer}位于所有网格之外；已保留，计为网格外。",
                            "{n} {layer} lie outside every grid; they are kept and counted as outside."),
    "check.far_from_grids": ("{n} 个{layer}距离任何网格超过 {km} 公里（坐标有误？）。",
                             "{n} {layer} lie more than {km} km from every grid (wrong coordinates?)."),
    "check.column_replaced": ("列 {columns} 被映射的列替换。", "Column(s) {columns} replaced by the mapped column(s)."),
    "check.column_case_mapped": ("按忽略大小写的列名读取：{columns}。", "Columns read ignoring case: {columns}."),
    "check.column_renamed": ("以下列名与本图层或数据库自己的列名仅大小写不同，会在数据库中冲突，已改名保存：{columns}。",
                             "These columns differ from a column of the layer or of the store only by case and would "
                             "collide in the store; kept as: {columns}."),
    "check.columns_dropped": ("文件有 {total} 列，超过上限 {limit}：保留本图层的列和前面的附加列，删除 {n} 列（{first} … {last}）。",
                              "The file has {total} columns, more than {limit}: the layer's columns and the first "
                              "extra ones are kept, {n} dropped ({first} … {last})."),
    "check.ids_replaced": ("按行号编号：原 {column} 列保存为 {kept}。", "Ids numbered from rows: the file's {column} column is kept as {kept}."),
    "check.ids_from_lines": ("{n} 行按表格行号编号（{column} = {prefix} + 行号，第一行为 {first}）。",
                             "{n} rows numbered from their spreadsheet line ({column} = {prefix} + line, the first "
                             "is {first})."),
    "check.ids_from_features": ("{n} 个要素按序号编号（{column} = {prefix} + 序号，第一个为 {first}）。",
                                "{n} features numbered in file order ({column} = {prefix} + feature number, the first "
                                "is {first})."),
    "check.bad_number": ("{column} 必须是有限的数字，有 {n} 个不是：{rows}。",
                         "{column} must be a finite number, not {rows} ({n} cell(s))."),
    "check.bad_integer": ("{column} 必须是整数，有 {n} 个不是：{rows}。",
                          "{column} must be a whole number, not {rows} ({n} cell(s))."),
    "check.out_of_range": ("{column} 必须在 {low} 到 {high} 之间，有 {n} 个不在：{rows}。",
                           "{column} must be from {low} to {high}, not {rows} ({n} cell(s))."),
    "check.bad_bool": ("{column} 必须是 是/否（true/false、1/0），有 {n} 个不是：{rows}；这些值为 {values}（可用 {example} 映射）。",
                       "{column} must be yes/no (是/否, true/false, 1/0), not {rows} ({n} cell(s): {values}; map "
                       "them with {example})."),
    "check.bad_date": ("{column} 必须是日期（ISO 8601，如 2025-07-21T18:30:00+08:00），有 {n} 个不是：{rows}。",
                       "{column} must be a date (ISO 8601, e.g. 2025-07-21T18:30:00+08:00), not {rows} "
                       "({n} cell(s))."),
    "check.control_in_id": ("{column} 中有 {n} 个编号含控制字符（如 NUL），会被截断而混淆：{rows}。",
                            "{n} {column} value(s) hold control characters (such as NUL), which would cut them short "
                            "and mix them up: {rows}."),
    "check.control_stripped": ("{column} 中 {n} 个值含控制字符，已删除这些字符（{rows}）。",
                               "{n} {column} value(s) held control characters, which were removed ({rows})."),
    "check.text_too_long": ("{column} 中 {n} 个值超过 {limit} 个字符（最长 {longest}）：{rows}。",
                            "{n} {column} value(s) are longer than {limit} characters (longest {longest}): {rows}."),
    "check.unknown_type": ("{n} 行的事件类型未知：{values}。可用 {codes}，或用 {example} 映射，或先添加类型：python -m geo types add CODE --zh 中文名 --en 'English name'。",
                           "Unknown incident type(s) in {n} row(s): {values}. Use {codes}, map them with {example}, "
                           "or add the type first: python -m geo types add CODE --zh 中文名 --en 'English name'."),
    "check.missing_type": ("{n} 行没有事件类型（{rows}）。", "{n} row(s) have no incident type ({rows})."),
    "check.status_column_default": ("文件没有状态列：{n} 行使用了其类型的默认状态（{defaults}）。如果文件的状态另有含义，请用 --field status=COLUMN 或 --map 指定。",
                                    "The file has no status column: {n} row(s) were given their type's default "
                                    "status ({defaults}). If that is wrong, name the column with --field "
                                    "status=COLUMN or map its values with --map."),
    "check.status_default": ("{n} 行状态为空，使用了其类型的默认状态（{defaults}）。",
                             "{n} row(s) have an empty status and were given their type's default ({defaults})."),
    "check.unknown_status": ("{n} 行的状态未知：{values}。雨水篦子用 ok/blocked/damaged/missing（正常/堵塞/损坏/缺失），事件用其办理环节 reported/accepted/dispatched/in_progress/handled/closed/cancelled/merged/parked/reopened（上报/受理/派遣/处置中/已处置/结案/作废/已合并/挂账/重新打开）；可用 {example} 映射。",
                             "{n} row(s) have an unknown status: {values}. Rain grates take ok/blocked/damaged/missing "
                             "(正常/堵塞/损坏/缺失), events their case stage reported/accepted/dispatched/in_progress/handled/"
                             "closed/cancelled/merged/parked/reopened; map the file's codes with {example}."),
    "check.status_not_allowed": ("{n} 行的状态不适用于其类型：{values}（{rows}）。资产（雨水篦子）用 ok/blocked/damaged/missing，事件用 reported/accepted/dispatched/…/closed。",
                                 "{n} row(s) have a status their type does not allow: {values} ({rows}). Assets "
                                 "(rain grates) take ok/blocked/damaged/missing, events reported/accepted/dispatched/"
                                 "…/closed."),
    "check.unknown_severity": ("{n} 行的严重程度未知：{values}。请用 {codes}（低/中/高/紧急），或用 {example} 映射。",
                               "{n} row(s) have an unknown severity: {values}. Use {codes} (低/中/高/紧急), or map "
                               "them with {example}."),
    "err.cli.number_option": ("{flag} {value} 不可用：需要 {low} 到 {high} 之间的数字。",
                              "{flag} {value} cannot be used: give a number from {low} to {high}."),
    "err.cli.number_option.hint": ("例如 --sliver-tolerance 50（平方米）或 --max-text 20000（字符）。",
                                   "e.g. --sliver-tolerance 50 (m²) or --max-text 20000 (characters)."),
    "err.cli.field_syntax": ("--field {item!r} 不是 SCHEMA=COLUMN 的形式。", "--field {item!r} is not SCHEMA=COLUMN."),
    "err.cli.field_syntax.hint": ("例如 --field name=楼栋名称。", "Write it like --field name=楼栋名称."),
    "err.cli.type_not_incidents": ("--type 和 --type-field 只用于事件，不用于 {layer}。",
                                   "--type and --type-field apply to incidents, not to {layer}."),
    "err.cli.type_not_incidents.hint": ("去掉它们，或用 --incidents 加载该文件。",
                                        "Drop them, or load the file with --incidents."),
    "err.cli.link_streets": ("--link-distance 只用于网格、楼栋和事件；道路不与楼栋关联。",
                             "--link-distance applies to grids, buildings and incidents; streets are not linked to "
                             "buildings."),
    "err.cli.link_streets.hint": ("去掉它，或在下一次导入 --grids、--buildings 或 --incidents 时给出。",
                                  "Drop it, or give it with the next --grids, --buildings or --incidents import."),
    "check.report.streets": ("{source} 的道路：{n} 条线，未发现问题", "streets from {source}: {n} lines, nothing wrong found"),
    "check.columns_aligned": ("以下列与数据库中已有的列仅大小写不同，按已有列名保存：{columns}。",
                              "These columns differ from columns already stored only by case and are stored under "
                              "the stored names: {columns}."),
    "check.invalid_geometry_one": ("{n} 个无效几何已用 make_valid 修复（{first}）。",
                                   "{n} invalid geometry repaired with make_valid ({first})."),
    # (end of block: columns, codes and ids)
    #
    # ---- errors: coordinate shifts (GCJ-02 / BD-09 / WGS-84) -----------------
    "check.china_shift": ("{figures}：{advice}。", "{figures}: {advice}."),
    "check.china_shift.in_grid": (
        "{layer}按 {system_name} 读取时 {after}% 的{subject}落在网格内，按现有读取只有 {before}%",
        "{after}% of the {subject} lie inside a grid once the {layer} are read as {system_name}, {before}% as loaded",
    ),
    "check.china_shift.cut_by_grid": (
        "{layer}按 {system_name} 读取时 {after}% 的{subject}被网格边界切开，按现有读取为 {before}%（网格沿道路划分，很少切开楼栋）",
        "{after}% of the {subject} are cut by a grid boundary once the {layer} are read as {system_name}, "
        "{before}% as loaded (grids follow streets and rarely cut buildings)",
    ),
    "check.china_shift.near_building": (
        "{layer}按 {system_name} 读取时 {after}% 的{subject}距楼栋轮廓 {metres} 米以内，按现有读取为 {before}%",
        "{after}% of the {subject} lie within {metres} m of a building footprint once the {layer} are read as "
        "{system_name}, {before}% as loaded",
    ),
    "check.china_shift.advice_new": (
        "{layer}似乎是按 WGS-84 读入的 {system_name} 坐标（国内网络地图的坐标）：请用 --crs {system} 导入{layer}",
        "the {layer} look shifted by {system_name} (web-map coordinates read as WGS-84): "
        "load the {layer} with --crs {system}",
    ),
    "check.china_shift.advice_instead": (
        "{layer}似乎是 {system_name} 坐标，而不是 {read_as_name}：请用 --crs {system} 代替 --crs {declared} 重新导入{layer}",
        "the {layer} look like {system_name} coordinates, not {read_as_name}: "
        "load the {layer} with --crs {system} instead of --crs {declared}",
    ),
    "check.china_shift.advice_stored": (
        "已存的{layer}似乎偏移了 {system_name}（按 WGS-84 读入的国内地图坐标）：请用 --crs {system} 重新导入{layer}",
        "the stored {layer} look shifted by {system_name} (web-map coordinates read as WGS-84): "
        "re-import the {layer} with --crs {system}",
    ),
    # (end of block: coordinate shifts)
    #
    # ---- errors: store, pipeline and command line ----------------------------
    "err.store.conflict": (
        "{layer} 中的 {row_id} 已被 {by} 于 {at} 修改（现为第 {version} 版，你的修改基于第 {base} 版），未保存你的修改。现在的值：{values}",
        "{row_id} in {layer} was changed by {by} at {at} (now version {version}; your edit was based on version "
        "{base}), so your edit was not saved. Its values now: {values}",
    ),
    "err.store.conflict.hint": ("请重新载入，看过对方的修改后再改一次。",
                                "Reload it, look at their change, and make your edit again."),
    "err.store.conflict_deleted": ("{layer} 中的 {row_id} 在你修改期间已被删除（你的修改基于第 {base} 版），未保存。",
                                   "{row_id} in {layer} was deleted while you edited it (your edit was based on "
                                   "version {base}); nothing was saved."),
    "err.store.conflict_deleted.hint": ("请重新载入数据。", "Reload the data."),
    "err.store.busy": (
        "数据库 {location} 正被另一个程序写入，已等待 {seconds:g} 秒仍未轮到（可能是另一个 GridWatch 导入，或 QGIS 正在编辑未保存）。",
        "The store {location} is being written by another program and stayed locked for {seconds:g} s (another "
        "GridWatch import, or an unsaved QGIS editing session).",
    ),
    "err.store.busy.hint": (
        "稍后再试；若一直如此，请在 QGIS 中保存或结束编辑，或用 GRIDWATCH_STORE_LOCK_TIMEOUT 放宽等待秒数。",
        "Try again shortly; if it persists, save or stop editing in QGIS, or allow a longer wait with "
        "GRIDWATCH_STORE_LOCK_TIMEOUT (seconds).",
    ),
    "err.store.newer": ("数据库 {location} 由较新的 GridWatch 写入（结构版本 {found}，本版本支持到 {supported}）。",
                        "The store {location} was written by a newer GridWatch (schema version {found}; this "
                        "release reads up to {supported})."),
    "err.store.newer.hint": ("请升级 GridWatch 后再打开。", "Upgrade GridWatch to open it."),
    "err.store.unknown_layer": ("未知图层 {layer}。", "Unknown layer “{layer}”."),
    "err.store.unknown_layer.hint": ("可用图层：{layers}。", "Use one of {layers}."),
    "err.store.unknown_id": ("{layer} 中没有编号为 {row_id} 的记录。", "{layer} has no row with id “{row_id}”."),
    "err.store.unknown_id.hint": ("请核对编号（可用 'python -m geo incident list' 查看）。",
                                  "Check the id ('python -m geo incident list' lists them)."),
    "err.store.duplicate_id": ("{layer} 中已有编号 {row_id}。", "{layer} already has a row with id “{row_id}”."),
    "err.store.duplicate_id.hint": ("留空编号让数据库自动分配，或换一个编号。",
                                    "Leave the id empty to get a new one, or choose another id."),
    "err.store.readonly_column": ("不能直接修改 {column}（由数据库维护）。",
                                  "{column} is kept by the store and cannot be set."),
    "err.store.readonly_column.hint": ("修改其他字段即可，版本号会自动增加。",
                                       "Change the other fields; the version goes up by itself."),
    "err.store.column_name": ("字段名 {column} 太长或不可用（最多 {limit} 字节）。",
                              "Column name “{column}” is too long or unusable (at most {limit} bytes)."),
    "err.store.column_name.hint": ("请在文件中把它改短后重新导入。", "Shorten it in the file and import again."),
    "err.store.not_store": ("{location} 不是 GridWatch 数据库（{why}）。", "{location} is not a GridWatch store ({why})."),
    "err.store.not_store.hint": ("请指定 .gpkg 文件或 postgresql:// 地址；文件损坏时请从备份恢复。",
                                 "Name a .gpkg file or a postgresql:// address; restore a damaged file from a backup."),
    "err.store.unreachable": ("无法连接数据库 {location}：{why}", "Cannot reach the store {location}: {why}"),
    "err.store.unreachable.hint": (
        "请检查地址、用户名、密码（可放在 ~/.pgpass）和服务器是否在运行；PostGIS 扩展需已安装。",
        "Check the address, user and password (a ~/.pgpass file can hold it) and that the server runs; "
        "the PostGIS extension must be installed.",
    ),
    "err.store.copy_not_empty": ("目标数据库 {location} 不是空的，未复制。", "The target store {location} is not empty; nothing was copied."),
    "err.store.copy_not_empty.hint": ("请复制到新的 .gpkg 文件或新的数据库（schema）。",
                                      "Copy into a new .gpkg file, or a new database (or ?schema=NAME)."),
    "err.store.drop_public": ("不删除 {location} 的 public 模式（schema）。",
                              "Refusing to drop the public schema of {location}."),
    "err.store.drop_public.hint": ("只能删除用 ?schema=名称 建立的数据库。",
                                   "Only a store made with ?schema=NAME can be dropped."),
    "err.store.damaged": ("数据库 {location} 已损坏：{why}", "The store {location} is damaged: {why}"),
    "err.store.damaged.hint": ("请从备份恢复，或用 'python -m geo store check' 查看详情。",
                               "Restore it from a backup; 'python -m geo store check' shows details."),
    # (end of block: store, pipeline and command line)
    #
    # ---- errors: patrol routes and streets ------------------------------------
    "err.route.points_far": (
        "{n} 个巡查点（共 {total} 个）离其他点超过 {km} 公里（最远 {farthest} 公里），无法步行串成一条路线：{ids}。",
        "{n} of the {total} stops lie more than {km} km from the others (the farthest {farthest} km): "
        "no walk joins them: {ids}.",
    ),
    "err.route.points_far.hint": (
        "用 --grid 只选要巡查的网格，或改正这些点的坐标（坐标系是否有误？）。",
        "Choose the grids to patrol with --grid, or correct those points' coordinates (a wrong coordinate system?).",
    ),
    "err.route.no_column": ("巡查点图层缺少 “{column}” 列。", "The incidents layer has no {column!r} column."),
    "err.route.no_column.hint": (
        "请用 `python -m geo import` 导入事件，它会补上派生列。",
        "Load incidents through `python -m geo import`, which adds the derived columns.",
    ),
    "err.route.unknown_grid": ("没有编号为 {ids} 的网格。", "Unknown grid {ids}: no grid of the store has this id."),
    "err.route.unknown_grid.hint": (
        "可选网格：{known}（与输入最接近：{close}）。",
        "Choose from: {known} (closest to what was typed: {close}).",
    ),
    "err.route.unknown_type": ("未知的事件类型 {ids}。", "Unknown incident type {ids}."),
    "err.route.unknown_type.hint": (
        "可选类型：{known}（与输入最接近：{close}）。",
        "Choose from: {known} (closest to what was typed: {close}).",
    ),
    "err.route.nothing_to_visit": (
        "所选网格（{grids}）中没有类型为 {types}、状态为 {statuses} 的巡查点。",
        "No incident matches grids {grids}, types {types}, statuses {statuses}: no chosen grid has such a point.",
    ),
    "err.route.nothing_to_visit.hint": (
        "请增加网格、类型或状态（* 表示全部）。",
        "Widen the choice: more grids, types or statuses (* means all).",
    ),
    "err.route.no_patroller": ("巡查员 {p} 不存在；本方案共 {k} 名巡查员。", "Patroller {p} does not exist; the plan has {k}."),
    "err.route.no_patroller.hint": ("请选择 1 到 {k} 号巡查员。", "Choose a patroller from 1 to {k}."),
    "err.route.points_no_crs": ("巡查点没有坐标系。", "The points have no coordinate system."),
    "err.route.points_no_crs.hint": (
        "请指定坐标系（GPS 经纬度为 EPSG:4326），例如用 --crs。",
        "Set one (EPSG:4326 for GPS longitude/latitude), e.g. with --crs.",
    ),
    "err.route.no_points": ("没有要巡查的点。", "There are no points to visit."),
    "err.route.no_points.hint": ("请选择有事件的网格、类型和状态。", "Choose grids, types and statuses that match some incidents."),
    "err.route.not_points": ("每个巡查点都必须是非空的点。", "Every point to visit must be a non-empty Point."),
    "err.route.not_points.hint": ("请用点图层（事件），或面的中心点。", "Use point layers (incidents), or the centroids of polygons."),
    "err.route.patrollers": ("巡查人数至少为 1，而不是 {k}。", "The number of patrollers must be at least 1, not {k}."),
    "err.route.patrollers.hint": (
        "请给出 1 名或以上巡查员（“1-1-3”小组最多 5 人），例如 --patrollers 2。",
        "Give 1 patroller or more (a 1-1-3 squad has up to 5), e.g. --patrollers 2.",
    ),
    "err.route.time_limit": ("计算时间上限必须为正数，而不是 {seconds}。", "The time limit must be positive, not {seconds}."),
    "err.route.time_limit.hint": ("请给出秒数，例如 --time-limit 2。", "Give a number of seconds, e.g. --time-limit 2."),
    "err.route.max_stops": (
        "{k} 名巡查员每人最多 {most} 个点，无法巡查 {n} 个点。",
        "{k} patroller(s) with at most {most} stops each cannot visit {n} points.",
    ),
    "err.route.max_stops.hint": ("请至少安排 {need} 名巡查员，或放宽每人点数。", "Use at least {need} patrollers or allow more stops each."),
    "err.route.max_length": ("路线长度上限必须为正数，而不是 {metres}。", "The maximum route length must be positive, not {metres}."),
    "err.route.max_length.hint": ("请以米为单位给出，例如 5000。", "Give it in metres, e.g. 5000."),
    "err.crs.bad_lonlat": ("{text} 不是“经度,纬度”。", "{text} is not lon,lat."),
    "err.crs.bad_lonlat.hint": ("写两个数，用逗号隔开，如 114.362,30.518。", "Write two numbers with a comma, e.g. 114.362,30.518."),
    "err.crs.lonlat_range": ("{text} 不是经纬度：经度应在 -180..180，纬度在 -90..90。",
                             "{text} is not a longitude/latitude pair: longitude is -180..180, latitude -90..90."),
    "err.crs.lonlat_range.hint": ("请按 WGS-84 经度,纬度给出（经度在前），例如 114.39,30.51。",
                                  "Give it as lon,lat in WGS-84 (longitude first), e.g. 114.39,30.51."),
    "err.route.start_not_lonlat": ("起点 {start} 不是经纬度。", "The start {start} is not a longitude/latitude pair."),
    "err.route.start_not_lonlat.hint": (
        "请按 WGS-84 经度,纬度给出，例如 114.39,30.51。",
        "Give it as lon,lat in WGS-84, e.g. 114.39,30.51.",
    ),
    "err.route.too_long": ("最长路线 {longest} 米，超过上限 {limit} 米。", "The longest route is {longest} m, above the limit of {limit} m."),
    "err.route.too_long.hint": ("请增加巡查员（约 {need} 名）或提高上限。", "Use more patrollers (about {need}) or a higher limit."),
    "err.route.out_format": ("无法从 {file} 判断路线文件格式。", "Cannot tell the route file format from {file}."),
    "err.route.out_format.hint": ("--out 请以 {formats} 或 .zip 结尾。", "End --out with one of: {formats}, or .zip."),
    "err.route.unknown_start": (
        "起点 {start} 既不是经纬度，也不是数据库中的楼栋、事件或网格编号。",
        "The start {start} is neither lon,lat nor a building, incident or grid id of the store.",
    ),
    "err.route.unknown_start.hint": (
        "请给出 WGS-84 经度,纬度（例如 114.39,30.51）或数据库中的编号。",
        "Give lon,lat in WGS-84 (e.g. 114.39,30.51) or an id from the store.",
    ),
    "err.route.points_need_crs": ("--points 需要 --crs：坐标所用的坐标系。", "--points needs --crs: the coordinates' coordinate system."),
    "err.route.points_need_crs.hint": (
        "例如经纬度加 --crs EPSG:4326，以米为单位的投影坐标给出其 EPSG 代码。",
        "Add e.g. --crs EPSG:4326 for lon/lat, or the EPSG code of projected x/y in metres.",
    ),
    "err.route.points_china_crs": ("--points 不能直接规划 {crs} 坐标。", "--points cannot route {crs} coordinates directly."),
    "err.route.points_china_crs.hint": (
        "请先用 `python -m geo import --crs gcj02` 导入数据库，或给出 EPSG 代码。",
        "Import them into a store with `python -m geo import --crs gcj02` first, or give an EPSG code.",
    ),
    "err.route.points_no_column": ("{file} 没有 {column} 列（现有列：{columns}）。", "{file} has no column {column} (columns: {columns})."),
    "err.route.points_no_column.hint": ("请用 --x-field 和 --y-field 指定坐标列。", "Name the coordinate columns with --x-field and --y-field."),
    "err.route.points_bad_xy": ("{file} 第 {row} 行的 {x}/{y} 不是有限的数字。", "Row {row} of {file} has no finite numeric {x}/{y}."),
    "err.route.points_bad_xy.hint": ("请补上或删除没有坐标的行。", "Fill in or remove rows without coordinates."),
    "err.route.points_missing": ("巡查点文件 {file} 不存在。", "Points file {file} does not exist."),
    "err.route.points_missing.hint": ("请检查 --points 给出的 CSV 路径。", "Check the path of the CSV given to --points."),
    "err.route.points_unreadable": ("{file} 无法按 CSV 读取：{error}", "{file} cannot be read as CSV: {error}"),
    "err.route.points_unreadable.hint": ("请另存为带表头的 UTF-8 CSV。", "Save it as UTF-8 CSV with a header row."),
    "err.route.unknown_format": ("未知的路线文件格式 {fmt}。", "Unknown route file format {fmt}."),
    "err.route.unknown_format.hint": ("请选择：{formats}。", "Choose one of: {formats}."),
    "err.streets.missing": ("街道文件 {file} 不存在。", "Street file {file} does not exist."),
    "err.streets.missing.hint": (
        "请检查路径；给出 .osm/.osm.pbf 文件或线图层（GeoJSON、GeoPackage、Shapefile）。",
        "Check the path; give an .osm/.osm.pbf file or a line layer (GeoJSON, GeoPackage, Shapefile).",
    ),
    "err.streets.unreadable": ("街道文件 {file} 无法读取：{error}", "Street file {file} cannot be read: {error}"),
    "err.streets.unreadable.hint": (
        "请给出 .osm/.osm.pbf 文件或线图层（GeoJSON、GeoPackage、Shapefile）。",
        "Give an .osm/.osm.pbf file or a line layer (GeoJSON, GeoPackage, Shapefile).",
    ),
    "err.streets.no_crs": ("{file} 没有说明坐标系。", "{file} does not say which coordinate system it is in."),
    "err.streets.no_crs.hint": (
        "请带坐标系保存（GeoJSON 总是 WGS-84），或先转换为 EPSG:4326。",
        "Save it with a CRS (GeoJSON is always WGS-84), or reproject it to EPSG:4326 first.",
    ),
    "err.streets.none_walkable": (
        "{file} 中没有可步行的街道线（共 {n} 个要素；去掉的：{dropped}）。",
        "{file} holds no walkable street lines ({n} features; dropped: {dropped}).",
    ),
    "err.streets.none_walkable.hint": (
        "请给出街道和人行道的线图层，或 OpenStreetMap 文件。",
        "Give a line layer of streets and footpaths, or an OpenStreetMap file.",
    ),
    "err.streets.osm_unreadable": ("OpenStreetMap 文件 {file} 无法读取：{error}", "OpenStreetMap file {file} cannot be read: {error}"),
    "err.streets.osm_unreadable.hint": (
        "请确认它是完整的 .osm 或 .osm.pbf 文件（osmium fileinfo 文件名）。",
        "Check it is a complete .osm or .osm.pbf file (osmium fileinfo FILE).",
    ),
    "err.streets.osm_none_walkable": ("{file} 中没有可步行的道路（去掉的：{dropped}）。", "{file} holds no walkable ways (dropped: {dropped})."),
    "err.streets.osm_none_walkable.hint": (
        "请提取有街道的区域，例如用 osmium extract 或从 Geofabrik 下载。",
        "Extract an area with streets, e.g. with osmium extract or from Geofabrik.",
    ),
    "err.streets.layer_no_crs": ("街道图层没有坐标系。", "The streets layer has no coordinate system."),
    "err.streets.layer_no_crs.hint": ("请先设置坐标系（数据库使用 EPSG:4326）。", "Set it (the store keeps EPSG:4326) before building the network."),
    "err.streets.layer_no_lines": ("街道图层没有线（{n} 个要素）。", "The streets layer holds no lines ({n} features)."),
    "err.streets.layer_no_lines.hint": (
        "请用 `python -m geo import --store 数据库 --streets 文件` 导入街道。",
        "Import streets with `python -m geo import --store STORE --streets FILE`.",
    ),
    "check.streets_dropped_ferry": ("去掉 {n} 条渡轮航线：乘船不是步行。", "{n} ferry line(s) dropped: a crossing by boat is not a walk."),
    "check.streets_dropped_rail": ("去掉 {n} 条铁路、地铁或有轨电车线。", "{n} rail, subway or tram line(s) dropped."),
    "check.streets_dropped_not_built": (
        "去掉 {n} 条在建、规划或废弃的道路（或站台等非通行线）。",
        "{n} line(s) under construction, proposed, abandoned or not for use (platforms...) dropped.",
    ),
    "check.streets_dropped_no_foot": (
        "去掉 {n} 条禁止行人或私有的道路（foot=no、access=private/no）。",
        "{n} way(s) closed to pedestrians or private dropped (foot=no, access=private/no).",
    ),
    "check.streets_dropped_motorway": ("去掉 {n} 条高速公路（不允许步行）。", "{n} motorway line(s) dropped (no walking)."),
    "check.streets_dropped_motor_tunnel": (
        "去掉 {n} 条机动车道路隧道（没有人行道；foot=yes 的保留）。",
        "{n} road tunnel(s) for motor traffic dropped (no pavement; those with foot=yes are kept).",
    ),
    "check.streets_dropped_area": ("去掉 {n} 个面状道路（area=yes，广场轮廓）。", "{n} area outline(s) dropped (area=yes, squares)."),
    "check.streets_dropped_no_kind": (
        "去掉 {n} 条没有道路类型的线（highway 为空：多为渡轮、河流或边界）。",
        "{n} line(s) without a road kind dropped (empty highway: usually ferries, rivers or boundaries).",
    ),
    "check.streets_dropped_not_line": ("去掉 {n} 个不是线的要素。", "{n} feature(s) that are not lines dropped."),
    "check.streets_far": (
        "街道没有覆盖网格：网格面积只有 {share:.0f}% 落在街道范围内，网格中心离最近的街道 {distance:,.0f} 米。"
        "可能是坐标系错误（投影坐标当作经纬度）或导入了别处的街道：请检查文件的坐标系和范围。",
        "The streets do not cover the grids: only {share:.0f}% of the grids' area lies within the streets' extent, "
        "and the grids' centre is {distance:,.0f} m from the nearest street. Likely a wrong CRS (projected "
        "coordinates read as degrees) or an extract of another area: check the file's CRS and extent.",
    ),
    "check.streets_far_shift": (
        "街道没有覆盖网格：网格面积只有 {share:.0f}% 落在街道范围内，网格中心离最近的街道 {distance:,.0f} 米。"
        "相差数百米，多半是一层为 GCJ-02（国内网络地图）、另一层为 WGS-84（GPS）：请用正确的坐标系重新导入偏移的一层。",
        "The streets do not cover the grids: only {share:.0f}% of the grids' area lies within the streets' extent, "
        "and the grids' centre is {distance:,.0f} m from the nearest street. A gap of a few hundred metres usually "
        "means one layer is in GCJ-02 (Chinese web maps) and the other in WGS-84 (GPS): re-import the shifted one "
        "with its right coordinate system.",
    ),
    # (end of block: patrol routes and streets)
    #
    # ---- errors: rain emergency, flood zones, documents -----------------------
    # checklists, their import, the vulnerable register (geo/checklist.py, documents.py, inspection.py, rain_cli.py)
    "err.rain.checklist_format": ("无法把清单写成 {fmt}。", "Cannot write a checklist as {fmt}."),
    "err.rain.checklist_format.hint": ("请用 --format {formats}（或把文件命名为 .pdf/.xlsx/.csv）。",
                                       "Use --format {formats} (or name the file .pdf/.xlsx/.csv)."),
    "err.rain.no_grids": ("没有可以生成清单的网格。", "There are no grids to write a checklist for."),
    "err.rain.no_grids.hint": ("请先把网格导入数据库（python -m geo import --grids 文件）。",
                               "Load grids into the store first (python -m geo import --grids FILE)."),
    "err.rain.unknown_grid": ("没有编号为 {ids} 的网格。", "No grid has id {ids}."),
    "err.rain.unknown_grid.hint": ("已有的网格：{known}。", "Known grids: {known}."),
    "err.rain.filled_missing": ("清单文件 {file} 不存在。", "Checklist file {file} does not exist."),
    "err.rain.filled_missing.hint": ("请检查已填写清单的路径。", "Check the path of the filled-in checklist."),
    "err.rain.filled_suffix": ("无法从 {suffix} 读取清单。", "Cannot read a checklist from {suffix}."),
    "err.rain.filled_suffix.hint": ("请导入 'python -m geo checklist' 生成的 .xlsx 或 .csv 清单。",
                                    "Import the .xlsx or .csv checklist written by 'python -m geo checklist'."),
    "err.rain.filled_xlsx": ("{file} 无法作为 Excel 工作簿读取（{reason}）。",
                             "{file} cannot be read as an Excel workbook ({reason})."),
    "err.rain.filled_xlsx.hint": ("请在 Excel/WPS 中另存为 .xlsx，或改用 CSV 清单。",
                                  "Save it again from Excel/WPS as .xlsx, or use the CSV checklist."),
    "err.rain.filled_no_sheet": ("{file} 中没有清单工作表（没有以“序号”开头的表头行）。",
                                 "{file} holds no checklist sheet (no heading row starting with 序号)."),
    "err.rain.filled_no_sheet.hint": ("请导入 'python -m geo checklist --format xlsx' 生成的工作簿。",
                                      "Import the workbook written by 'python -m geo checklist --format xlsx'."),
    "err.rain.filled_heading": ("工作表 {sheet}：表头行缺少列 {columns}。",
                                "Sheet {sheet}: the heading row lacks column(s) {columns}."),
    "err.rain.filled_heading.hint": ("请勿删除或重命名列（包括隐藏列）；请重新导出一份清单。",
                                     "Do not delete or rename columns (hidden ones included); export a fresh checklist."),
    "err.rain.filled_csv": ("{file} 无法作为 UTF-8 CSV 读取（{reason}）。", "{file} cannot be read as a UTF-8 CSV ({reason})."),
    "err.rain.filled_csv.hint": ("请在 Excel/WPS 中另存为“CSV UTF-8”，或导入 .xlsx 清单。",
                                 "Save it as 'CSV UTF-8' from Excel/WPS, or import the .xlsx checklist."),
    "err.rain.filled_columns": ("{file} 缺少列 {columns}。", "{file} lacks column(s) {columns}."),
    "err.rain.filled_columns.hint": ("请保留导出 CSV 的各列：{expected}。", "Keep the columns of the exported CSV: {expected}."),
    "err.rain.register_missing": ("名册文件 {file} 不存在。", "Register file {file} does not exist."),
    "err.rain.register_missing.hint": ("请检查重点人群名册的路径。", "Check the path of the vulnerable-residents register."),
    "err.rain.register_suffix": ("无法从 {suffix} 读取名册。", "Cannot read a register from {suffix}."),
    "err.rain.register_suffix.hint": ("请把名册保存为 .csv（UTF-8）或 .xlsx。", "Save the register as .csv (UTF-8) or .xlsx."),
    "err.rain.register_unreadable": ("{file} 无法作为名册读取（{reason}）。", "{file} cannot be read as a register ({reason})."),
    "err.rain.register_unreadable.hint": ("请在 Excel/WPS 中另存为 .xlsx 或“CSV UTF-8”。",
                                          "Save it again as .xlsx or as 'CSV UTF-8' from Excel/WPS."),
    "err.rain.register_no_building": ("{file} 没有 building_id（楼栋编号）列；现有的列是 {columns}。",
                                      "{file} has no building_id (楼栋编号) column; its columns are {columns}."),
    "err.rain.register_no_building.hint": ("表头请写 building_id, unit, name, category（或 楼栋编号, 单元, 姓名, 类别）。",
                                           "Head the columns building_id, unit, name, category (or 楼栋编号, 单元, 姓名, 类别)."),
    "err.rain.bad_lonlat": ("--at {text} 不是“经度,纬度”。", "--at {text} is not lon,lat."),
    "err.rain.bad_lonlat.hint": ("请写成用逗号分隔的两个数，例如 --at 114.362,30.518。",
                                 "Write it as two numbers with a comma, e.g. --at 114.362,30.518."),
    "err.rain.no_store": ("数据库 {store} 不存在。", "Store {store} does not exist."),
    "err.rain.no_store.hint": ("请用 'python -m geo demo --out 目录' 或 'python -m geo import' 建立。",
                               "Build it with 'python -m geo demo --out DIR' or 'python -m geo import'."),
    "err.flood.zone_and_other": (
        "请只给出一处积水位置：淹没区，或积水点、位置、多边形之一，不能同时给出。",
        "Say where the flooding is once: a flood zone, or an incident, a point or a polygon, not both.",
    ),
    "err.flood.zone_and_other.hint": ("只用 --zone 淹没区编号。", "Give --zone ZONE_ID alone."),
    "err.flood.no_zones": ("没有编号为“{zone}”的淹没区：数据库中还没有淹没区。",
                           "No flood zone has id '{zone}': the store holds no flood zones."),
    "err.flood.no_zones.hint": (
        "先导入淹没区：python -m geo import --store 数据库 --flood-zones 文件。",
        "Import them first: python -m geo import --store STORE --flood-zones FILE.",
    ),
    "err.flood.unknown_zone": ("没有编号为“{zone}”的淹没区。", "No flood zone has id '{zone}'."),
    "err.flood.unknown_zone.hint": ("请使用已导入的淹没区编号：{zones}。", "Use the id of a stored zone: {zones}."),
    "check.zone_return_period": (
        "{n} 个淹没区的重现期不在 1 到 {most} 年之间（{values}）：请填写整数年，如 10、50 或 100。",
        "{n} flood zone(s) have a return period outside 1 to {most} years ({values}): write whole years, "
        "e.g. 10, 50 or 100.",
    ),
    "check.zone_no_return_period": (
        "{n} 个淹没区没有重现期（return_period_years），风险得分按 100 年一遇计算；"
        "可用 --field return_period_years=列名 指定该列。",
        "{n} flood zone(s) have no return period (return_period_years); the risk score counts them as "
        "100-year zones. Name the column with --field return_period_years=COLUMN.",
    ),
    "check.zone_depth": (
        "{n} 个淹没区的水深为负数、无穷大或超过 {most} 米（{values}）：请以米为单位填写水深。",
        "{n} flood zone(s) have a depth that is negative, infinite or above {most} m ({values}): "
        "give the depth in metres.",
    ),
    "check.zone_no_area": (
        "{n} 个淹没区修复后没有面积：请把它们重新绘制为面。",
        "{n} flood zone(s) have no area once repaired: redraw them as polygons.",
    ),
    "err.flood.zone_link_distance": (
        "连接距离只用于网格、楼栋和事件的导入；淹没区不与楼栋连接。",
        "A link distance applies to grids, buildings and incidents imports; flood zones are not linked.",
    ),
    "err.flood.zone_link_distance.hint": ("去掉 --link-distance。", "Drop --link-distance."),
    "err.flood.radius": ("半径 {radius} 米超出范围。", "Radius {radius} m is out of range."),
    "err.flood.radius.hint": (
        "请给出 1 到 5000 米之间的半径（默认 100）。",
        "Give a radius in metres between 1 and 5000 (default 100).",
    ),
    "err.flood.where": (
        "请说明积水位置：积水点编号、位置、多边形或淹没区，只给其中一个。",
        "Say where the flooding is: exactly one of an incident id, a point, a polygon or a flood zone.",
    ),
    "err.flood.where.hint": (
        "用 --incident 编号、--at 经度,纬度（配合 --radius）、--polygon 范围或 --zone 淹没区编号。",
        "Use --incident ID, --at lon,lat (with --radius), --polygon AREA or --zone ZONE_ID.",
    ),
    "err.flood.not_polygon": ("积水范围必须是非空的面。", "The flooded area must be a non-empty polygon."),
    "err.flood.not_polygon.hint": ("请以 WGS-84 经纬度画出积水范围。", "Draw the area as a polygon in WGS-84 longitude/latitude."),
    "err.flood.unknown_incident": ("没有编号为“{incident}”的事件。", "No incident has id '{incident}'."),
    "err.flood.unknown_incident.hint": (
        "用 python -m geo summary 查看积水点，或在地图上选择。",
        "List flooding reports with 'python -m geo summary' or pick one on the map.",
    ),
    "err.flood.not_lonlat": ("位置 {lon},{lat} 不是经度,纬度。", "Point {lon},{lat} is not a longitude,latitude pair."),
    "err.flood.not_lonlat.hint": (
        "请写成 WGS-84 的经度,纬度，如 --at 114.30,30.55。",
        "Write it as lon,lat in WGS-84, e.g. --at 114.30,30.55.",
    ),
    "err.flood.area_empty": ("积水范围为空。", "The flooded area is empty."),
    "err.flood.area_empty.hint": (
        "给出含有面的 GeoJSON/GeoPackage 文件，或以“经度,纬度; 经度,纬度; 经度,纬度”写出顶点。",
        "Give a GeoJSON/GeoPackage file with a polygon, or vertices as 'lon,lat; lon,lat; lon,lat'.",
    ),
    "err.flood.area_no_file": ("范围文件“{file}”不存在。", "Polygon file '{file}' does not exist."),
    "err.flood.area_no_file.hint": (
        "给出含有面的 GeoJSON/GeoPackage 文件，或以“经度,纬度; 经度,纬度; 经度,纬度”写出顶点。",
        "Give a GeoJSON/GeoPackage file with a polygon, or vertices as 'lon,lat; lon,lat; lon,lat'.",
    ),
    "err.flood.area_no_polygon": ("积水范围中没有面。", "The flooded area holds no polygon."),
    "err.flood.area_no_polygon.hint": (
        "给出含有面的 GeoJSON/GeoPackage 文件，或以“经度,纬度; 经度,纬度; 经度,纬度”写出顶点。",
        "Give a GeoJSON/GeoPackage file with a polygon, or vertices as 'lon,lat; lon,lat; lon,lat'.",
    ),
    "err.flood.area_not_degrees": (
        "积水范围的坐标（{bounds}）不是经纬度。",
        "The flooded area's coordinates ({bounds}) are not longitude/latitude.",
    ),
    "err.flood.area_not_degrees.hint": (
        "请以 WGS-84 经纬度给出范围（或使用注明坐标系的文件）。",
        "Give the polygon in WGS-84 longitude/latitude (or a file that says its CRS).",
    ),
    "err.flood.area_vertices": ("无法读取范围顶点“{text}”。", "Cannot read the polygon vertices '{text}'."),
    "err.flood.area_vertices.hint": (
        "给出含有面的 GeoJSON/GeoPackage 文件，或以“经度,纬度; 经度,纬度; 经度,纬度”写出顶点。",
        "Give a GeoJSON/GeoPackage file with a polygon, or vertices as 'lon,lat; lon,lat; lon,lat'.",
    ),
    "err.flood.area_vertex": ("积水范围的第 {n} 个顶点不是经度,纬度。", "Vertex {n} of the flooded area is not a lon,lat pair."),
    "err.flood.area_vertex.hint": (
        "给出含有面的 GeoJSON/GeoPackage 文件，或以“经度,纬度; 经度,纬度; 经度,纬度”写出顶点。",
        "Give a GeoJSON/GeoPackage file with a polygon, or vertices as 'lon,lat; lon,lat; lon,lat'.",
    ),
    "err.flood.area_three": ("面至少需要三个经度,纬度顶点；现有 {n} 个。", "A polygon needs at least three lon,lat vertices; got {n}."),
    "err.flood.area_three.hint": (
        "给出含有面的 GeoJSON/GeoPackage 文件，或以“经度,纬度; 经度,纬度; 经度,纬度”写出顶点。",
        "Give a GeoJSON/GeoPackage file with a polygon, or vertices as 'lon,lat; lon,lat; lon,lat'.",
    ),
    "err.flood.area_geojson": ("积水范围不是有效的 GeoJSON（{reason}）。", "The flooded area is not valid GeoJSON ({reason})."),
    "err.flood.area_geojson.hint": (
        "给出含有面的 GeoJSON/GeoPackage 文件，或以“经度,纬度; 经度,纬度; 经度,纬度”写出顶点。",
        "Give a GeoJSON/GeoPackage file with a polygon, or vertices as 'lon,lat; lon,lat; lon,lat'.",
    ),
    "err.flood.area_file": ("无法读取范围文件 {file}（{reason}）。", "Cannot read the polygon file {file} ({reason})."),
    "err.flood.area_file.hint": (
        "给出含有面的 GeoJSON/GeoPackage 文件，或以“经度,纬度; 经度,纬度; 经度,纬度”写出顶点。",
        "Give a GeoJSON/GeoPackage file with a polygon, or vertices as 'lon,lat; lon,lat; lon,lat'.",
    ),
    "err.flood.out_suffix": ("不能把积水应急处置写成 {suffix} 文件。", "Cannot write a flood response as {suffix}."),
    "err.flood.out_suffix.hint": ("输出文件请以 .csv、.xlsx 或 .pdf 结尾。", "Name the output .csv, .xlsx or .pdf."),
    "err.flood.at_text": ("“{text}”不是经度,纬度。", "'{text}' is not lon,lat."),
    "err.flood.at_text.hint": (
        "请写成用逗号隔开的两个数，如 114.362,30.518。",
        "Write it as two numbers with a comma, e.g. 114.362,30.518.",
    ),
    "err.risk.no_columns": (
        "{layer} 图层缺少计算内涝风险所需的列：{columns}。",
        "The {layer} layer lacks column(s) {columns} needed for the flood-risk score.",
    ),
    "err.risk.no_columns.hint": (
        "请用 python -m geo import 导入该图层，使其带有标准列。",
        "Import the layer with 'python -m geo import' so that its standard columns are present.",
    ),
    # (end of block: rain emergency, flood zones, documents)
    #
    # ---- command line: store and incident commands (geo/store_cli.py, geo/incident_cli.py) ----
    "err.cli.no_store": ("{location} 不存在，或不是 GridWatch 数据库（从未写入）。",
                         "{location} does not exist or is not a GridWatch store (never written)."),
    "err.cli.no_store.hint": (
        "请检查地址（.gpkg 文件或 postgresql:// 地址）；新数据库可用 'python -m geo demo --out 目录'、"
        "'python -m geo import' 或 'python -m geo store copy' 建立。",
        "Check the address (a .gpkg file or a postgresql:// address); make a store with "
        "'python -m geo demo --out DIR', 'python -m geo import' or 'python -m geo store copy'.",
    ),
    "err.cli.no_layers": ("数据库 {location} 不存在或没有任何图层。", "Store {location} does not exist or holds no layers."),
    "err.cli.no_layers.hint": ("请检查 --store，或用 'python -m geo demo --out 目录' 或 'python -m geo import' 建立。",
                               "Check --store, or build one with 'python -m geo demo --out DIR' or 'python -m geo import'."),
    "err.cli.cannot_write": ("无法写入 {path}：{why}", "Cannot write {path}: {why}"),
    "err.cli.cannot_write.hint": ("请指定一个存在且可写的文件夹中的文件。",
                                  "Name a file in a folder that exists and that you may write to."),
    "err.cli.nothing_to_change": ("没有要修改的内容：{incident_id} 未改动。",
                                  "Nothing to change: {incident_id} was left as it is."),
    "err.cli.nothing_to_change.hint": ("请给出 --status、--severity 或 --description 中的至少一项。",
                                       "Give at least one of --status, --severity or --description."),
    "err.incident.position": ("位置 {lon},{lat} 不是经度,纬度。", "Position {lon},{lat} is not a longitude/latitude."),
    "err.incident.position.hint": ("请在地图上点选，或给出 WGS-84 经纬度（度）。",
                                   "Click on the map, or give lon,lat in degrees (WGS-84)."),
    "err.incident.severity": ("未知的严重程度 {severity}。", "Unknown severity “{severity}”."),
    "err.incident.severity.hint": ("可用：{allowed}。", "Use one of {allowed}."),
    "err.incident.type": ("未知的事件类型 {type}。", "Unknown incident type “{type}”."),
    "err.incident.type.hint": ("可用：{allowed}（'python -m geo types list' 列出本数据库的类型）。",
                               "Use one of {allowed} ('python -m geo types list' lists the store's types)."),
    "err.incident.status": ("状态 {status} 不适用于 {type}。", "Status “{status}” is not allowed for {type}."),
    "err.incident.status.hint": ("可用：{allowed}。", "Use one of {allowed}."),
    "err.incident.id_taken": ("事件编号 {incident_id} 已存在。",
                              "Incident id “{incident_id}” already exists."),
    "err.incident.id_taken.hint": ("不填编号即可自动分配新编号。", "Leave the id empty to get a new one."),
    "cli.store.copied": ("已从 {src} 复制 {n} 行到 {dst}，各图层和表的行数：",
                         "Copied {n} rows from {src} to {dst}; rows per layer and table:"),
    "cli.store.count": ("  {name:<22}{n:>10}", "  {name:<22}{n:>10}"),
    "cli.store.ok": ("正常：{location}（{backend}），结构版本 {version}；各图层和表的行数：",
                     "ok: {location} ({backend}), schema version {version}; rows per layer and table:"),
    "cli.store.problems": ("{location}（{backend}，结构版本 {version}）发现 {n} 个问题：",
                           "{n} problem(s) in {location} ({backend}, schema version {version}):"),
    "cli.store.problem": ("  - {problem}", "  - {problem}"),
    "cli.store.copying": ("正在从 {src} 复制到 {dst}", "copying {src} into {dst}"),
    "cli.store.checking": ("正在检查 {location}", "checking {location}"),
    "cli.incident.added": (
        "{incident_id}：{type}，网格 {grid}，楼栋 {building}，第 {version} 版，{by} 于 {at}",
        "{incident_id}: {type}, grid {grid}, building {building}, version {version}, by {by} at {at}",
    ),
    "cli.incident.no_grid": ("（不在任何网格内）", "(outside every grid)"),
    "cli.incident.no_building": ("（{metres:g} 米内没有楼栋）", "(none within {metres:g} m)"),
    "cli.incident.building_at": ("{building}（{metres:.1f} 米）", "{building} ({metres:.1f} m)"),
    "cli.incident.updated": ("{incident_id}：第 {version} 版，状态 {status}，严重程度 {severity}，{by} 于 {at}",
                             "{incident_id}: version {version}, status {status}, severity {severity}, by {by} at {at}"),
    "cli.incident.listed": ("{path}：{n} 条事件", "{path}: {n} incidents"),
    # (end of block: command line, store and incident commands)
    #
    # ---- app: upload, errors, overview (issue 10) ------------------------------
    "app.error": ("{error}", "{error}"),
    "app.internal_error": (
        "抱歉，这部分页面出错了，没能显示。请把错误编号 {ref} 告诉系统管理员。",
        "Sorry, this part of the page failed to show. Please pass the reference {ref} to your administrator.",
    ),
    "app.internal_error_hint": (
        "数据没有改动。管理员可在服务器日志中按编号 {ref} 找到详细原因。",
        "Nothing was changed. The administrator finds the details in the server log under {ref}.",
    ),
    "app.store_word": ("数据库", "store"),
    "app.up_quote": ("“{label}”", "“{label}”"),
    "app.up_browse": ("选择文件", "Choose a file"),
    "app.up_limit": ("单个文件不超过 {mb} MB · {types}", "Up to {mb} MB per file · {types}"),
    "app.up_reading": ("正在读取文件的图层和列……", "Reading the file's layers and columns…"),
    "app.up_section_file": ("文件与坐标", "File and coordinates"),
    "app.up_section_ids": ("编号与类型", "Ids and types"),
    "app.up_section_store": ("写入方式", "How to write"),
    "app.up_layer": ("图层或工作表", "Layer or sheet"),
    "app.up_crs": ("坐标系", "Coordinate system"),
    "app.up_crs_help": (
        "文件没有注明坐标系或注明错误时选择。高德、腾讯地图取的坐标是 GCJ-02，百度地图是 BD-09，GPS 是 WGS-84。",
        "Choose when the file names no coordinate system or the wrong one. Coordinates from Amap or Tencent maps "
        "are GCJ-02, from Baidu maps BD-09, from GPS WGS-84.",
    ),
    "app.up_crs_file": ("按文件注明", "As the file says"),
    "app.up_crs_wgs84": ("WGS-84（GPS，EPSG:4326）", "WGS-84 (GPS, EPSG:4326)"),
    "app.up_crs_gcj02": ("GCJ-02（高德、腾讯地图）", "GCJ-02 (Amap, Tencent maps)"),
    "app.up_crs_bd09": ("BD-09（百度地图）", "BD-09 (Baidu maps)"),
    "app.up_crs_cgcs2000": ("CGCS2000（国家 2000，经纬度）", "CGCS2000 (China Geodetic 2000, degrees)"),
    "app.up_crs_epsg": ("其他（填写 EPSG 代码）", "Other (type an EPSG code)"),
    "app.up_crs_code": ("EPSG 代码", "EPSG code"),
    "app.up_x_field": ("经度（X）列", "X (longitude) column"),
    "app.up_y_field": ("纬度（Y）列", "Y (latitude) column"),
    "app.up_auto": ("自动识别", "Detect"),
    "app.up_auto_named": ("自动（名为 {column} 的列）", "Automatic (the column named {column})"),
    "app.up_swap_xy": ("经纬度填反了（交换经度和纬度）", "Latitude and longitude are swapped (swap them)"),
    "app.up_swap_help": (
        "点位落在海里或国外、纬度一列是 110 多而经度一列是 30 多时勾选。",
        "Tick when points land in the sea or abroad: the latitude column holds 110-something, the longitude 30-something.",
    ),
    "app.up_id_field": ("编号列", "Id column"),
    "app.up_id_from_row": ("文件没有编号：按行号编号", "The file has no ids: number the rows"),
    "app.up_id_from_row_help": (
        "电线杆、消防栓等清单常常没有编号。编号取表格中看到的行号，可加前缀。",
        "Lists of poles or hydrants often have no ids. The id is the row number seen in the spreadsheet, with an "
        "optional prefix.",
    ),
    "app.up_id_prefix": ("编号前缀（可不填）", "Id prefix (optional)"),
    "app.up_type_from_file": ("按文件中的类型列", "From the file's type column"),
    "app.up_type_field": ("类型列", "Type column"),
    "app.up_merge": ("同一编号的多行是同一对象的几部分（合并）", "Rows sharing an id are parts of one feature (merge them)"),
    "app.up_merge_help": (
        "分块导出的图层里，一个网格或楼栋会被切成几块、编号相同。勾选后合并成一个，并去掉标注用的点。",
        "Tiled exports cut a grid or building into pieces with the same id. Tick to merge them into one and drop "
        "label points.",
    ),
    "app.up_fields": ("字段对应", "Field mapping"),
    "app.up_fields_help": (
        "文件中的列名与系统不同时，在这里为每一项选择文件中对应的列。不选则用同名的列。",
        "When the file's column names differ from GridWatch's, choose the file's column for each item here. "
        "Left alone, the column of the same name is used.",
    ),
    "app.up_field_one": ("{column}（{code}）", "{column} ({code})"),
    "app.up_value_maps": ("取值对照", "Value map"),
    "app.up_value_maps_help": (
        "文件用自己的代码表示状态、严重程度或类型（如“未处理”“Open”）时，逐行写出对应关系：列、文件中的值、系统代码。",
        "When the file uses its own codes for status, severity or type (“未处理”, “Open”), write one line per value: "
        "column, value in the file, GridWatch code.",
    ),
    "app.up_map_column": ("列", "Column"),
    "app.up_map_source": ("文件中的值", "Value in the file"),
    "app.up_map_code": ("系统代码", "GridWatch code"),
    "app.up_link": ("关联楼栋的距离（米）", "Link to a building within (m)"),
    "app.up_link_help": (
        "事件点距楼栋多远以内算这栋楼的事件。填 0 表示沿用数据库的设置（默认 30 米），最大 500 米；填写后会保存，以后每次导入都使用。",
        "How near an incident must be to a building to count as that building's. 0 keeps the store's setting "
        "(30 m unless set), at most 500 m; a value given is kept for every later import.",
    ),
    "app.up_sliver": ("忽略的碎缝面积（平方米）", "Sliver tolerance (m²)"),
    "app.up_sliver_help": (
        "手绘网格之间几平方米的缝隙和重叠合并成一行报告。填 0 使用默认值。",
        "Gaps and overlaps of a few m² between hand-drawn grids are reported as one line. 0 uses the default.",
    ),
    "app.up_replace": ("替换整个图层（而不是按编号合并）", "Replace the whole layer (instead of merging by id)"),
    "app.up_replace_help": (
        "不勾选时，同编号的更新、新编号的添加、其余保留。勾选后，库中该图层原有的全部数据被这个文件取代。",
        "Unticked, rows with a known id are updated, new ids added and the rest kept. Ticked, everything stored "
        "in this layer is replaced by the file.",
    ),
    "app.up_replace_warn": (
        "替换会删除库中现有的全部{kind}，只保留这个文件里的。",
        "Replacing deletes every stored {kind} and keeps only those of this file.",
    ),
    "app.up_replace_confirm": ("我确认替换全部{kind}", "I confirm: replace every {kind}"),
    "app.up_load_help": (
        "先点“校验文件”。校验没有错误后才能导入；改动文件或选项后需要重新校验。",
        "Check the file first. Loading is possible once the check found no error; after a change to the file or "
        "an option, check again.",
    ),
    "app.up_unsupported": (
        "这个版本的导入程序还不支持以下选项: {options}。请不要使用它们。",
        "This version of the loader does not support these options yet: {options}. Leave them unset.",
    ),
    "app.up_working_check": ("正在校验…… 已用 {s} 秒（最长 {limit} 秒）", "Checking… {s} s so far (at most {limit} s)"),
    "app.up_working_load": ("正在导入…… 已用 {s} 秒（最长 {limit} 秒）", "Loading… {s} s so far (at most {limit} s)"),
    "app.up_checked_next": ("数据库还没有改动。确认报告无误后点“导入”。", "Nothing is stored yet. If the report is right, click Load."),
    "app.up_timeout": (
        "{name} 在 {limit} 秒内没有处理完，已停止，数据库没有改动。文件可能太大或图形过于复杂：请拆分文件、简化图形后再试。",
        "{name} did not finish within {limit} s and was stopped; the store was not changed. The file may be too "
        "large or its shapes too complex: split it or simplify the shapes and try again.",
    ),
    "app.up_stale": (
        "下面是上一次校验的结果；文件或选项已改动，请重新校验。",
        "Below is the result of the last check; the file or an option changed since: check again.",
    ),
    "err.types.bad_code": ("事件类型代码 {code} 不可用。", "Incident type code {code} is not valid."),
    "err.types.bad_code.hint": (
        "用 2 到 40 个小写英文字母、数字或下划线，以字母开头，如 sewage_backup。",
        "Use 2-40 lower-case ASCII letters, digits or '_', starting with a letter, e.g. 'sewage_backup'.",
    ),
    "err.types.builtin": ("事件类型 {code} 是内置类型，不能重新定义。", "Incident type {code} is built in and cannot be redefined."),
    "err.types.builtin.hint": ("为你的类型另取一个代码。", "Choose another code for your type."),
    "err.types.no_label": ("事件类型 {code} 需要中文和英文名称。", "Incident type {code} needs both a Chinese and an English label."),
    "err.types.no_label.hint": (
        "用 --zh 和 --en 给出，如 --zh 污水外溢 --en 'Sewage backup'。",
        "Give them with --zh and --en, e.g. --zh 污水外溢 --en 'Sewage backup'.",
    ),
    "err.types.bad_color": ("事件类型 {code} 的颜色 {color} 不是 #rrggbb 格式。",
                            "Colour {color} of incident type {code} is not a #rrggbb colour."),
    "err.types.bad_color.hint": ("写成 '#rrggbb'，如 --color '#009e73'。", "Write it as '#rrggbb', e.g. --color '#009e73'."),
    "err.types.bad_icon": ("事件类型 {code} 的图标 {icon} 不可用。", "Icon {icon} of incident type {code} cannot be used."),
    "err.types.bad_icon.hint": (
        "给一到两个可显示的字符，如 --icon ▲ 或 --icon 污。",
        "Give one or two printable characters, e.g. --icon ▲ or --icon S.",
    ),
    "err.types.no_code": ("types add 需要一个类型代码。", "types add needs a CODE."),
    "err.types.no_code.hint": (
        "如 python -m geo types add sewage_backup --zh 污水外溢 --en 'Sewage backup'。",
        "e.g. python -m geo types add sewage_backup --zh 污水外溢 --en 'Sewage backup'",
    ),
    "app.ov_ranked": ("{n} 个网格，按“{figure}”从高到低排列。", "{n} grids, worst first by “{figure}”."),
    "app.ov_outside": (
        "另有 {n} 个事件在所有网格之外（其中 {open} 个待处理），不参与排名，列在表格末尾。",
        "Incidents outside every grid: {n} ({open} open), not ranked, listed last in the table.",
    ),
    "app.ov_top": (
        "图中只显示“{figure}”最高的 {top} 个网格（共 {n} 个），完整列表见上表。",
        "The charts show the {top} worst of {n} grids by “{figure}”; the table above lists all.",
    ),
    "app.ov_count": ("事件数", "Incidents"),
    "app.fl_col_building_id": ("楼栋编号", "Building id"),
    "app.fl_col_name": ("名称", "Name"),
    "app.fl_col_grid_id": ("网格", "Grid"),
    "app.fl_col_distance_m": ("距离(米)", "Distance (m)"),
    "app.fl_col_households": ("户数", "Households"),
    "app.fl_col_residents": ("人数", "Residents"),
    "app.fl_col_elderly_alone": ("独居老人", "Elderly living alone"),
    "app.fl_col_basement": ("地下室/车库", "Basement/garage"),
    "app.fl_col_head": ("楼栋长", "Building head"),
    "app.fl_col_head_phone": ("电话", "Phone"),
    "app.fl_col_incident_id": ("编号", "Id"),
    "app.fl_col_status": ("状态", "Status"),
    "app.fl_col_inside": ("在范围内", "Inside the area"),
    "app.fl_col_critical": ("危险(积水触电)", "Dangerous (live wire in water)"),
    "app.fl_col_role": ("角色", "Role"),
    "app.fl_col_phone": ("电话", "Phone"),
    "app.fl_col_for_what": ("负责", "Responsible for"),
    "app.fl_section_buildings": ("受影响楼栋", "Buildings affected"),
    "app.fl_section_grates": ("需清掏的雨水篦子（由近及远）", "Rain grates to clear (nearest first)"),
    "app.fl_section_wires": ("范围内飞线（未处理的为危险）", "Flying wires in the area (open ones are dangerous)"),
    "app.fl_section_contacts": ("联系人", "Contacts"),
    "app.rain_section": ("{title}（{n}）", "{title} ({n})"),
    "app.fl_title_incident": ("积水点 {id}，半径 {r} 米", "Flooding point {id}, radius {r} m"),
    "app.fl_title_point": ("位置 {lon},{lat}，半径 {r} 米", "Location {lon},{lat}, radius {r} m"),
    "app.fl_title_area": ("积水区域", "Flooded area"),
    "err.app.rain_lonlat": ("{text} 不是“经度,纬度”。", "{text} is not lon,lat."),
    "err.app.rain_lonlat.hint": ("写两个数，用逗号隔开，如 114.362,30.518。", "Write two numbers with a comma, e.g. 114.362,30.518."),
    "app.w_at": ("位置（经度,纬度）", "Position (lon,lat)"),
    "app.up_queued": ("正在等待另一个导入完成…… 已等 {s} 秒", "Waiting for another upload to finish… {s} s so far"),
    "app.up_busy": (
        "其他导入一直在进行，{name} 没能开始，数据库没有改动。请稍后再试。",
        "Other uploads kept running, so {name} could not start; the store was not changed. Try again later.",
    ),
    "app.up_memory": (
        "{name} 读取时需要超过 {mb} MB 内存，已停止，数据库没有改动。文件可能解压后过大或行数过多：请拆分后再试。",
        "{name} needed more than {mb} MB of memory and was stopped; the store was not changed. It may expand to "
        "too much or hold too many rows: split it and try again.",
    ),
    # (end of block: app)
    #
    # ---- errors: real public files (geo/readgeom.py: Z/M, curves, world edges) --
    "check.z_dropped": (
        "{n} 个要素带有高程（Z）或量测值（M），已只保留平面坐标。",
        "{n} feature(s) had Z (height) or M (measure) values; only the 2-D coordinates were kept.",
    ),
    "check.lonlat_snapped": (
        "{n} 个要素的坐标超出 ±180°/±90° 不到 {tolerance}°（舍入误差），已归到边界上。",
        "{n} feature(s) had coordinates past ±180° / ±90° by less than {tolerance}° (rounding noise); "
        "they were set on the edge.",
    ),
    "err.real.too_wide": (
        "{file}：其中的要素东西横跨经度 {west}° 到 {east}°，超出了 GridWatch 计算距离和面积所用的局部平面坐标的范围"
        "（边缘处误差 {error}%，最多允许 {limit}%）。",
        "{file}: the features reach from longitude {west}° to {east}°, too wide for the local metric map GridWatch "
        "measures distances and areas in (off by {error}% at the edges; at most {limit}% allowed).",
    ),
    "err.real.too_wide.hint": (
        "请一次只导入一个城市或一个省的范围（例如在 QGIS 中选中这些要素后另存为新文件）。",
        "Load one city or province at a time (e.g. select its features in QGIS and save the selection as a new file).",
    ),
    "err.real.osm_no_layer": ("{file} 是 OpenStreetMap 文件，其中没有社区网格，请指定要读取的图层。",
                              "{file} is an OpenStreetMap file, which holds no community grids: name the layer to read."),
    "err.real.osm_no_layer.hint": ("请用 --layer 选择 {layers} 之一。", "Choose one of {layers} with --layer."),
    "err.real.osm_layer": ("{file} 是 OpenStreetMap 文件，没有图层 {layer}。",
                           "{file} is an OpenStreetMap file; it has no layer {layer}."),
    "err.real.osm_layer.hint": ("请用 --layer 选择 {layers} 之一（楼栋默认 buildings，事件默认 points）。",
                                "Choose one of {layers} with --layer (buildings read buildings, incidents points by default)."),
    "err.real.osm_unreadable": ("{file} 无法作为 OpenStreetMap 文件读取（{reason}）。",
                                "{file} cannot be read as an OpenStreetMap file ({reason})."),
    "err.real.osm_unreadable.hint": ("文件可能不完整：请重新下载或导出。",
                                     "The file may be truncated: download or export it again."),
    "err.real.osm_empty": ("{file} 的 {layer} 图层中没有要素（文件共有 {features} 个面/点要素）。",
                           "{file} holds nothing in layer {layer} ({features} area or point features in the file)."),
    "err.real.osm_empty.hint": ("请确认下载范围包含楼栋，或用 --layer 选择其他图层。",
                                "Check that the extract covers buildings, or choose another layer with --layer."),
    # (end of block: real public files)
    #
}
STRINGS.update(CASE_STRINGS)  # cases (geo.cases): their own table, one block per part
STRINGS.update(PEOPLE_STRINGS)  # people (geo.access, accounts, privacy, audit): likewise
STRINGS.update(MAP_STRINGS)  # the city-scale map (live layers, qualified names, the layer cache): likewise


def t(key: str, lang: str = DEFAULT_LANG, /, **values: object) -> str:
    """The text of ``key`` in ``lang``, with ``{name}`` fields filled.

    Parameters
    ----------
    key
        A key of :data:`STRINGS`. An unknown key comes back as itself, so a
        missing translation shows up on screen instead of failing.
    lang
        ``"zh"`` or ``"en"``; anything else reads as Chinese.
    **values
        Values for the text's ``{name}`` fields.

    Returns
    -------
    str
    """
    pair = STRINGS.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**values) if values else text


def error_text(key: str, lang: str, params: Mapping[str, Any] | None = None) -> tuple[str, str]:
    """``(message, hint)`` of the error ``err.<key>`` in ``lang``.

    Parameters
    ----------
    key
        The error's key, without the ``err.`` prefix.
    lang
        ``"zh"`` or ``"en"``.
    params
        Values for the ``{name}`` fields of both texts.

    Returns
    -------
    tuple of str: the message and the hint (empty when the table has none).
    """
    values = {k: (v.text(lang) if callable(getattr(v, "text", None)) else v) for k, v in (params or {}).items()}
    message = t(f"err.{key}", lang, **values)
    hint = t(f"err.{key}.hint", lang, **values) if f"err.{key}.hint" in STRINGS else ""
    return message, hint


def translator(lang: str) -> Callable[..., str]:
    """:func:`t` bound to one language: ``tr = translator("en"); tr("app.title")``."""

    def tr(key: str, /, **values: object) -> str:
        return t(key, lang, **values)

    return tr


def column_label(column: str, lang: str = DEFAULT_LANG, labels: dict[str, str] | None = None) -> str:
    """What users read as the header of a summary or layer column.

    Parameters
    ----------
    column
        A column name (``households``, ``n_flooding``, ``n_status_open``...).
    lang
        Language code.
    labels
        Labels of incident types and statuses by code, used for the
        ``n_<type>`` and ``n_status_<status>`` columns.

    Returns
    -------
    str
    """
    labels = labels or {}
    if f"col.{column}" in STRINGS:
        return t(f"col.{column}", lang)
    if column.startswith("n_status_"):
        code = column.removeprefix("n_status_")
        return labels.get(code) or t(f"status.{code}", lang)
    if column.startswith("n_"):
        code = column.removeprefix("n_")
        return labels.get(code, code)
    return column

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
        "找不到数据库 {path}。请先运行 `make run`（会生成示例社区），或用 --store 指定文件。",
        "Store {path} not found. Run `make run` (it builds the demo community) or name one with --store.",
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
        "选择文件（GeoJSON、GeoPackage、Shapefile 压缩包、KML、CSV、XLSX）",
        "Choose a file (GeoJSON, GeoPackage, zipped Shapefile, KML, CSV, XLSX)",
    ),
    "app.upload_crs": ("坐标系（文件未注明时填写，如 EPSG:4326、gcj02、bd09）",
                       "Coordinate system (if the file does not say: EPSG:4326, gcj02, bd09)"),
    "app.upload_type": ("整个文件的事件类型（可选）", "Incident type of the whole file (optional)"),
    "app.upload_go": ("校验并导入", "Check and load"),
    "app.upload_check": ("只校验", "Check only"),
    "app.upload_ok": ("已导入 {n} 条 {kind}。", "Loaded {n} {kind}."),
    "app.upload_checked": ("校验完成: {n} 条 {kind}。", "Checked: {n} {kind}."),
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
    # ---- statuses and severities (geo/schema.py) ----------------------------
    "status.ok": ("正常", "In order"),
    "status.blocked": ("堵塞", "Blocked"),
    "status.damaged": ("损坏", "Damaged"),
    "status.missing": ("缺失", "Missing"),
    "status.reported": ("已上报", "Reported"),
    "status.assigned": ("处理中", "Assigned"),
    "status.resolved": ("已解决", "Resolved"),
    "status.verified": ("已核实", "Verified"),
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
    # ---- rain emergency (issue 5: views/rain.py) ------------------------------
    "rain.title": ("暴雨应急", "Rain emergency"),
    "rain.tab": ("暴雨应急", "Rain emergency"),
    "rain.level": ("暴雨预警级别", "Rainstorm warning level"),
    "rain.level_table": ("各级别清单内容", "What each level puts on the checklist"),
    "rain.risk": ("内涝风险排名", "Flood-risk ranking"),
    "rain.risk_grids": ("网格", "Grids"),
    "rain.risk_buildings": ("楼栋（前 {n} 名）", "Buildings (top {n})"),
    "rain.risk_help": (
        "得分 = 各项得分之和（满分100）：附近积水记录35、附近堵塞/损坏篦子20、地下室/车库20、独居老人15、附近飞线10。",
        "Score = sum of the parts (max 100): flooding reports nearby 35, blocked/damaged grates nearby 20, "
        "basement/garage 20, elderly living alone 15, flying wires nearby 10.",
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
    "rain.role_worker": ("网格员（显示姓名、电话）", "Grid worker (names, phones)"),
    "rain.role_staff": ("社区工作人员（显示姓名、电话）", "Community staff (names, phones)"),
    "rain.role_volunteer": ("志愿者（显示姓名，隐藏电话）", "Volunteer (names, masked phones)"),
    "rain.role_public": ("公开（隐藏姓名、电话）", "Public (names and phones masked)"),
    "rain.progress_build": ("正在整理清单…", "Building the checklists..."),
    "rain.progress_render": ("正在生成文件…", "Writing the file..."),
    "rain.progress_done": ("完成", "Done"),
    "rain.checklist": ("巡查清单", "Inspection checklists"),
    "rain.grid": ("网格", "Grid"),
    "rain.all_grids": ("全部网格", "All grids"),
    "rain.role": ("接收人身份（决定是否显示姓名、电话）", "Recipient role (names and phones shown or masked)"),
    "rain.format": ("格式", "Format"),
    "rain.make": ("生成清单", "Make the checklist"),
    "rain.download": ("下载 {name}", "Download {name}"),
    "rain.upload": ("导入已填写的清单（XLSX 或 CSV）", "Load a filled-in checklist (XLSX or CSV)"),
    "rain.inspector": ("检查人（表内未填时使用）", "Inspector (when the sheet has none)"),
    "rain.import": ("导入", "Import"),
    "rain.import_done": ("已更新数据库。", "Store updated."),
    "rain.import_same": ("没有新内容，数据库未改动。", "Nothing new; the store is unchanged."),
    "rain.download_flood": ("下载处置清单 {fmt}", "Download the response as {fmt}"),
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
    # ---- errors and validation, by area (issue 10) ----------------------------
    # Errors: "err.<key>" is the message and "err.<key>.hint" how to fix it
    # (raise XError.of("<key>", **values)); validation issues: "check.<code>"
    # (report.issue(level, "<code>", **values)). Each area keeps its own block.
    # ---- errors: reading files (geo/io.py: formats, limits, hostile input) ----
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
    "err.io.map_file_table": ("值映射文件 {file!r} 中 {column!r} 不是“原值 = 代码”的表。",
                              "In value map file {file!r}, {column!r} is not a table of value = code."),
    "err.io.map_file_table.hint": ("例如：[status] 换行 \"开放\" = \"reported\"。",
                                   "e.g. [status] then \"Open\" = \"reported\"."),
    "err.check.refused": ("{source} 有 {n} 个错误：{errors}。", "{source} has {n} error(s): {errors}."),
    "err.check.refused.hint": ("按报告修改文件后重新加载（python -m geo validate 列出全部问题）。",
                               "Fix the file as the report says and load it again ('python -m geo validate' lists "
                               "every problem)."),
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
                               "{n} invalid geometr(y/ies) repaired with make_valid (first: {first})."),
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
    "check.unknown_status": ("{n} 行的状态未知：{values}。雨水篦子用 ok/blocked/damaged/missing（正常/堵塞/损坏/缺失），事件用 reported/assigned/resolved/verified（已上报/处理中/已解决/已核实）；可用 {example} 映射。",
                             "{n} row(s) have an unknown status: {values}. Rain grates take ok/blocked/damaged/missing "
                             "(正常/堵塞/损坏/缺失), events reported/assigned/resolved/verified (已上报/处理中/已解决/"
                             "已核实); map the file's codes with {example}."),
    "check.status_not_allowed": ("{n} 行的状态不适用于其类型：{values}（{rows}）。资产（雨水篦子）用 ok/blocked/damaged/missing，事件用 reported/assigned/resolved/verified。",
                                 "{n} row(s) have a status their type does not allow: {values} ({rows}). Assets "
                                 "(rain grates) take ok/blocked/damaged/missing, events reported/assigned/resolved/"
                                 "verified."),
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
    # (end of block: columns, codes and ids)
    #
    # ---- errors: coordinate shifts (GCJ-02 / BD-09 / WGS-84) -----------------
    # (end of block: coordinate shifts)
    #
    # ---- errors: store, pipeline and command line ----------------------------
    # (end of block: store, pipeline and command line)
    #
    # ---- errors: patrol routes and streets ------------------------------------
    # (end of block: patrol routes and streets)
    #
    # ---- errors: rain emergency, flood zones, documents -----------------------
    # (end of block: rain emergency, flood zones, documents)
    #
    # ---- app: upload, errors, overview (issue 10) ------------------------------
    # (end of block: app)
    #
}


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

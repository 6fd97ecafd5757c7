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
    # ---- errors and validation, by area (issue 10) ----------------------------
    # Errors: "err.<key>" is the message and "err.<key>.hint" how to fix it
    # (raise XError.of("<key>", **values)); validation issues: "check.<code>"
    # (report.issue(level, "<code>", **values)). Each area keeps its own block.
    # ---- errors: reading files (geo/io.py: formats, limits, hostile input) ----
    # (end of block: reading files)
    #
    # ---- errors: columns, codes and ids (geo/io.py conform, geo/validate.py) --
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
    values = dict(params or {})
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

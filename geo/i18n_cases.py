"""The translation table of cases (:mod:`geo.cases`): merged into :data:`geo.i18n.STRINGS`.

Same form as the main table (``"key": ("中文", "English")``), one block per
part: the workflow, time limits, the ledger, the command line, the app.
"""

from __future__ import annotations

from typing import Final

CASE_STRINGS: Final[dict[str, tuple[str, str]]] = {
    # ---- workflow (geo.cases.workflow, geo.cases.actions) -----------------
    "action.report": ("上报", "Reported"),
    "action.accept": ("受理", "Accepted"),
    "action.cancel": ("作废", "Cancelled"),
    "action.merge": ("合并为重复", "Merged as a duplicate"),
    "action.on_spot": ("自行处置", "Fixed on the spot"),
    "action.dispatch": ("派遣", "Dispatched"),
    "action.redispatch": ("改派", "Dispatched again"),
    "action.park": ("挂账", "Parked"),
    "action.start": ("开始处置", "Work started"),
    "action.handle": ("处置反馈", "Handled"),
    "action.check_pass": ("核查通过，结案", "Checked: closed"),
    "action.rework": ("核查不通过，返工", "Checked: sent back for rework"),
    "action.resume": ("恢复办理", "Resumed"),
    "action.reopen": ("重新打开", "Reopened"),
    "action.close_with": ("随主案卷结案", "Closed with the case it was merged into"),
    "action.merged_in": ("并入重复上报", "Duplicate report merged in"),
    "urgency.normal": ("一般", "Normal"),
    "urgency.urgent": ("紧急", "Urgent"),
    "err.case.unknown_stage": ("未知的环节 {stage}。", "Unknown stage “{stage}”."),
    "err.case.unknown_stage.hint": ("可用：{allowed}。", "Use one of {allowed}."),
    "err.case.transition": ("案卷 {case} 不能从 {stage} 转到 {to}。",
                            "Case {case} cannot go from {stage} to {to}."),
    "err.case.transition.hint": ("{stage} 之后可以是：{allowed}。", "After {stage} may follow: {allowed}."),
    "err.case.transition_ended": ("案卷 {case} 已是 {stage}，不能再转到 {to}。",
                                  "Case {case} is {stage}: it cannot go to {to}."),
    "err.case.transition_ended.hint": ("合并的案卷随主案卷办理；请办理主案卷。",
                                       "A merged case goes on with the case it was merged into: work on that one."),
    "err.case.needs_reason": ("案卷 {case} 转到 {to} 需要说明原因。", "Case {case}: going to {to} needs a reason."),
    "err.case.needs_reason.hint": ("请用 --note 写明原因。", "Give the reason with --note."),
    "err.case.needs_feedback": ("案卷 {case} 处置反馈需要写明处置情况。",
                                "Case {case}: handling needs a feedback note (what was done)."),
    "err.case.needs_feedback.hint": ("请用 --note 写明处置情况，可附照片（--photo）。",
                                     "Say what was done with --note; attach photos with --photo."),
    "err.case.needs_party": ("案卷 {case} 派遣需要指定责任单位或责任人。",
                             "Case {case}: dispatching needs a responsible party."),
    "err.case.needs_party.hint": ("请用 --to 指定（'python -m geo party list' 列出），或为该网格和类型设置默认责任单位。",
                                  "Name one with --to ('python -m geo party list' lists them), or set a default "
                                  "party for the grid and type."),
    "err.case.self_check": ("案卷 {case} 由 {by} 处置，核查须由其他人进行。",
                            "Case {case} was handled by {by}: someone else must check it."),
    "err.case.self_check.hint": ("请由另一位工作人员核查（--by 另一人）。", "Have another member of staff check it (--by)."),
    "err.case.merge_into": ("案卷 {case} 需要合并到另一个案卷。", "Case {case} must be merged into another case."),
    "err.case.merge_into.hint": ("请用 --into 给出另一个未结案的同类案卷编号。",
                                 "Give another open case of the same type with --into."),
    "err.case.on_spot_photo": ("案卷 {case} 自行处置需要附现场照片。", "Case {case}: fixing on the spot needs a photo."),
    "err.case.on_spot_photo.hint": ("请用 --photo 附上处置后的照片。", "Attach a photo of the fix with --photo."),
    "err.case.urgency": ("未知的紧急程度 {urgency}。", "Unknown urgency “{urgency}”."),
    "err.case.urgency.hint": ("可用：{allowed}。", "Use one of {allowed}."),
    # (end of block: workflow)
    #
    # ---- time limits and the work calendar (geo.cases.timing) ----
    # (end of block: timing)
    #
    # ---- the ledger and figures (geo.cases.ledger) ----
    "ledger.state.on_time": ("正常", "On time"),
    "ledger.state.warning": ("临期", "Due soon"),
    "ledger.state.overdue": ("超期", "Overdue"),
    "ledger.state.paused": ("暂停计时", "Clock paused"),
    "ledger.state.ended": ("已办结", "Ended"),
    "ledger.no_grid": ("（无网格）", "(no grid)"),
    "ledger.no_party": ("（未派遣）", "(not dispatched)"),
    "ledger.total": ("合计", "Total"),
    "ledger.title": ("案件台账", "Ledger of open cases"),
    "ledger.title_all": ("案件台账（含已办结）", "Ledger of cases (ended ones included)"),
    "ledger.figures_title": ("案件办理统计", "Case figures"),
    "ledger.storm": ("暴雨模式：{level}预警，自 {since} 起", "Storm mode: {level} warning since {since}"),
    "ledger.storm_no_since": ("暴雨模式：{level}预警", "Storm mode: {level} warning"),
    "ledger.storm.red": ("红色", "red"),
    "ledger.storm.orange": ("橙色", "orange"),
    "ledger.storm.yellow": ("黄色", "yellow"),
    "ledger.storm.blue": ("蓝色", "blue"),
    "ledger.generated_at": ("生成时间：{at}", "Generated at {at}"),
    "ledger.filters": ("筛选：{filters}", "Filters: {filters}"),
    "ledger.filters_none": ("筛选：全部", "Filters: none"),
    "ledger.count": ("共 {n} 件，超期 {overdue} 件", "{n} cases, {overdue} overdue"),
    "ledger.filter.grid": ("网格", "grid"),
    "ledger.filter.type": ("类型", "type"),
    "ledger.filter.stage": ("环节", "stage"),
    "ledger.filter.party": ("责任单位", "party"),
    "ledger.filter.overdue": ("仅超期", "overdue only"),
    "ledger.filter.period": ("统计期间", "period"),
    "ledger.sign.maker": ("制表人签字：", "Prepared by:"),
    "ledger.sign.worker": ("网格员签字：", "Grid worker:"),
    "ledger.sign.head": ("社区负责人签字：", "Community head:"),
    "ledger.sign.date": ("日期：", "Date:"),
    "ledger.yes": ("是", "yes"),
    "ledger.no": ("否", "no"),
    "ledger.col.grid_id": ("网格编号", "Grid"),
    "ledger.col.grid_name": ("网格", "Grid name"),
    "ledger.col.incident_id": ("案卷编号", "Case"),
    "ledger.col.type_label": ("类型", "Type"),
    "ledger.col.stage_label": ("环节", "Stage"),
    "ledger.col.stage": ("环节代码", "Stage code"),
    "ledger.col.urgency_label": ("紧急程度", "Urgency"),
    "ledger.col.reported_at": ("上报时间", "Reported at"),
    "ledger.col.age_h": ("已历时（小时）", "Age (h)"),
    "ledger.col.party_name": ("责任单位", "Party"),
    "ledger.col.deadline": ("办理时限", "Deadline"),
    "ledger.col.used_pct": ("已用时限（%）", "Time used (%)"),
    "ledger.col.state_label": ("状态", "State"),
    "ledger.col.overdue": ("是否超期", "Overdue"),
    "ledger.col.reworks": ("返工次数", "Reworks"),
    "ledger.col.reason": ("挂账原因", "Parked because"),
    "ledger.col.description": ("情况描述", "Description"),
    "ledger.col.party": ("责任单位编号", "Party"),
    "ledger.col.name": ("名称", "Name"),
    "ledger.col.reported": ("上报", "Reported"),
    "ledger.col.accepted": ("受理", "Accepted"),
    "ledger.col.handled": ("已处置", "Handled"),
    "ledger.col.handled_on_time": ("按期处置", "Handled on time"),
    "ledger.col.overdue_now": ("超期未处置", "Overdue now"),
    "ledger.col.on_time_rate": ("按期处置率", "On-time rate"),
    "ledger.col.reworked": ("返工", "Reworked"),
    "ledger.col.rework_rate": ("返工率", "Rework rate"),
    "ledger.col.on_spot": ("自行处置", "Fixed on the spot"),
    "ledger.col.parked": ("挂账", "Parked"),
    "ledger.col.closed": ("结案", "Closed"),
    "ledger.col.close_median_h": ("结案用时中位数（小时）", "Median time to close (h)"),
    "ledger.col.close_p90_h": ("结案用时90%分位（小时）", "90th percentile time to close (h)"),
    "ledger.sheet": ("台账", "Ledger"),
    "ledger.figures_sheet": ("统计", "Figures"),
    "cli.ledger.written": ("台账已写入 {path}：{n} 件，超期 {overdue} 件。", "Ledger written to {path}: {n} cases, {overdue} overdue."),
    "cli.ledger.figures_written": ("统计已写入 {path}：{n} 行。", "Figures written to {path}: {n} rows."),
    "cli.ledger.empty": ("没有符合条件的案卷。", "No case matches."),
    "err.ledger.stage": ("未知的环节 {stage}。", "Unknown stage “{stage}”."),
    "err.ledger.stage.hint": ("可用：{allowed}。", "Use one of {allowed}."),
    "err.ledger.by": ("不能按 {by} 统计。", "Cannot count figures by “{by}”."),
    "err.ledger.by.hint": ("可用：{allowed}。", "Use one of {allowed}."),
    "err.ledger.bad_date": ("无法识别的日期或时间 {value}。", "Not a date or time: “{value}”."),
    "err.ledger.bad_date.hint": ("请写成 2026-12-03 或 2026-12-03T08:00+08:00。",
                                 "Write it as 2026-12-03 or 2026-12-03T08:00+08:00."),
    "err.ledger.format": ("无法写出 {path}：只支持 {allowed}。", "Cannot write {path}: only {allowed} are written."),
    "err.ledger.format.hint": ("请给出以 .xlsx 或 .csv 结尾的文件名。", "Give a file name ending in .xlsx or .csv."),
    # (end of block: ledger)
    #
    # ---- attachments and parties (geo.cases.files, geo.cases.parties) ----
    # (end of block: files)
    #
    # ---- the case commands (geo.incident_cli, geo.cases.cli) ----
    # (end of block: cli)
    #
    # ---- the case panel, the ledger tab and the map (views/, layers/) ----
    # (end of block: app)
    #
}

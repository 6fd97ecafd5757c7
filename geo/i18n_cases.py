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
    "party.grid_worker": ("网格员", "Grid worker"),
    "err.case.not_a_case": ("{case} 是 {type}（常设设施），不是案卷。",
                            "{case} is a {type}, a standing asset: it is not a case."),
    "err.case.not_a_case.hint": ("设施的问题请另报一件事件并关联该设施（incident add --asset {case}）。",
                                 "Report the problem at it as an incident linked to it (incident add --asset {case})."),
    "err.case.merge_ended": ("案卷 {case} 不能合并到 {into}：后者已是 {stage}。",
                             "Case {case} cannot be merged into {into}: that case is {stage}."),
    "err.case.merge_ended.hint": ("只能合并到未结案的案卷；或重新打开 {into}。",
                                  "Merge into an open case, or reopen {into} first."),
    "err.case.merge_type": ("案卷 {case}（{type}）不能合并到 {into}（{into_type}）：类型不同。",
                            "Case {case} ({type}) cannot be merged into {into} ({into_type}): the types differ."),
    "err.case.merge_type.hint": ("只能合并同类事件的重复上报。", "Only a repeated report of the same type can be merged."),
    "err.incident.asset_case": ("{type} 是常设设施，不开案卷：不能指定紧急程度、自行处置或合并。",
                                "{type} is a standing asset, not a case: urgency, on-the-spot fixing and merging do not apply."),
    "err.incident.asset_case.hint": ("设施的问题请报为事件（如 grate_fault）并用 --asset 关联设施。",
                                     "Report a problem at it as an event (e.g. grate_fault) linked with --asset."),
    "err.incident.not_asset": ("{asset_id} 是 {type}，不是常设设施。", "{asset_id} is a {type}, not a standing asset."),
    "err.incident.not_asset.hint": ("--asset 只能关联雨水篦子等设施。", "--asset links a standing asset such as a rain grate."),
    # (end of block: workflow)
    #
    # ---- time limits and the work calendar (geo.cases.timing) ----
    "timing.step.accept": ("受理", "Accept"),
    "timing.step.dispatch": ("派遣", "Dispatch"),
    "timing.step.handle": ("处置", "Handle"),
    "timing.step.check": ("核查", "Check"),
    "timing.step.total": ("全程", "Whole case"),
    "timing.state.on_time": ("正常", "On time"),
    "timing.state.warning": ("临期", "Due soon"),
    "timing.state.overdue": ("超期", "Overdue"),
    "timing.state.paused": ("挂账暂停计时", "Parked: clock paused"),
    "timing.state.ended": ("已结束", "Ended"),
    "timing.clock.natural": ("自然时间", "Natural hours"),
    "timing.clock.working": ("工作时间", "Working hours"),
    "timing.storm": ("暴雨模式：时限收紧", "Storm mode: limits tightened"),
    "timing.type.None": ("其他类型（默认）", "Other types (default)"),
    "timing.col.type": ("类型", "Type"),
    "timing.col.urgency": ("紧急程度（✓ 为默认）", "Urgency (✓ default)"),
    "timing.col.clock": ("计时", "Clock"),
    "timing.col.hours": ("{step}（小时）", "{step} (h)"),
    "err.timing.now": ("无法读取时间 {value}。", "Cannot read the time “{value}”."),
    "err.timing.now.hint": ("请用 ISO 8601 格式，例如 2026-10-09T17:30:00+08:00。",
                            "Write it as ISO 8601, e.g. 2026-10-09T17:30:00+08:00."),
    "err.limits.file": ("时限文件 {file} 不存在。", "Time limit file {file} does not exist."),
    "err.limits.file.hint": ("请检查路径（GRIDWATCH_CASE_LIMITS），或不设置以使用默认时限。",
                             "Check the path (GRIDWATCH_CASE_LIMITS), or leave it unset to use the shipped limits."),
    "err.limits.not_toml": ("{file} 不是有效的 TOML 文件：第 {line} 行，{problem}。",
                            "{file} is not a valid TOML file: line {line}, {problem}."),
    "err.limits.not_toml.hint": ("请修正该行：文字加引号，表头写成 [types.flooding] 这样。",
                                 "Fix that line: text in quotes, table headers like [types.flooding]."),
    "err.limits.unknown_key": ("{file}：{table} 中没有 {key} 这一项。", "{file}: {table} has no key “{key}”."),
    "err.limits.unknown_key.hint": ("可用：{allowed}。", "Allowed: {allowed}."),
    "err.limits.table": ("{file}：{key} 应是一个表。", "{file}: {key} must be a table."),
    "err.limits.table.hint": ("例如写成 [{key}]，下面每行一项。", "Write it as [{key}] with one key a line below."),
    "err.limits.incomplete": ("{file}：{key} 缺少 {missing}。", "{file}: {key} lacks {missing}."),
    "err.limits.incomplete.hint": ("[default] 须给出每个环节的时限（默认文件里有完整的一份）。",
                                   "[default] must give every limit (the shipped file has a complete one)."),
    "err.limits.hours": ("{file}：{key} = {value}：时限须是大于 0 的小时数。",
                         "{file}: {key} = {value}: a limit must be a number of hours above 0."),
    "err.limits.hours.hint": ("例如 handle = 4，半小时写 0.5。", "E.g. handle = 4, or 0.5 for half an hour."),
    "err.limits.clock": ("{file}：{key} = {value}：未知的计时方式。", "{file}: {key} = {value}: unknown clock."),
    "err.limits.clock.hint": ("可用：natural（自然时间，全天计时）、working（只计工作日的工作时段）。",
                              "Use natural (every hour counts) or working (working hours of working days only)."),
    "err.limits.urgency": ("{file}：{key} = {value}：未知的紧急程度。", "{file}: {key} = {value}: unknown urgency."),
    "err.limits.urgency.hint": ("可用：normal（一般）、urgent（紧急）。", "Use normal or urgent."),
    "err.limits.fraction": ("{file}：{key} = {value}：须是大于 0、不大于 1 的数。",
                            "{file}: {key} = {value}: must be a number above 0 and at most 1."),
    "err.limits.fraction.hint": ("例如 0.75 表示四分之三。", "E.g. 0.75 for three quarters."),
    "err.limits.time": ("{file}：{key} 中的 {value} 不是“时:分”格式的时间段端点。",
                        "{file}: {value} in {key} is not a period end as HH:MM."),
    "err.limits.time.hint": ("每段写成 [开始, 结束]，例如 periods = [[\"08:30\", \"12:00\"], [\"13:30\", \"17:30\"]]。",
                             "Write each period as [start, end], e.g. periods = [[\"08:30\", \"12:00\"], "
                             "[\"13:30\", \"17:30\"]]."),
    "err.limits.periods": ("{file}：{key} 的工作时段为空、重叠或顺序颠倒：{value}。",
                           "{file}: the working periods of {key} are empty, overlap or are out of order: {value}."),
    "err.limits.periods.hint": ("按一天中的先后列出，每段在上一段结束之后开始，例如 [[\"08:30\", \"12:00\"], [\"13:30\", \"17:30\"]]。",
                                "List them in order of the day, each starting after the one before ends, e.g. "
                                "[[\"08:30\", \"12:00\"], [\"13:30\", \"17:30\"]]."),
    "err.limits.date": ("{file}：{key} 中的 {value} 不是“年-月-日”格式的日期。",
                        "{file}: {value} in {key} is not a date as YYYY-MM-DD."),
    "err.limits.date.hint": ("例如 holidays = [\"2027-01-01\"]。", "E.g. holidays = [\"2027-01-01\"]."),
    "err.limits.weekday": ("{file}：{key} 中的 {value} 不是星期几（1 = 星期一 … 7 = 星期日）。",
                           "{file}: {value} in {key} is not an ISO weekday (1 = Monday … 7 = Sunday)."),
    "err.limits.weekday.hint": ("例如 weekend = [6, 7]。", "E.g. weekend = [6, 7]."),
    "err.limits.bool": ("{file}：{key} = {value}：须是 true 或 false。", "{file}: {key} = {value}: must be true or false."),
    "err.limits.list": ("{file}：{key} 应是一个列表 [...]。", "{file}: {key} must be a list [...]."),
    "err.limits.type_code": ("{file}：{key} 中的 {value} 不是类型代码。", "{file}: {value} in {key} is not a type code."),
    "err.limits.type_code.hint": ("例如 types = [\"flooding\", \"flying_wire\"]。",
                                  "E.g. types = [\"flooding\", \"flying_wire\"]."),
    "err.limits.storm_type": ("{file}：[storm.{value}] 给出了暴雨模式时限，但 {value} 不在 storm.types 中。",
                              "{file}: [storm.{value}] gives storm limits, but {value} is not in storm.types."),
    "err.limits.storm_type.hint": ("请把它加入 storm.types，或删去该表。", "Add it to storm.types, or remove the table."),
    "err.limits.both_days": ("{file}：{value} 同时列为休息日（holidays）和工作日（workdays）。",
                             "{file}: {value} is listed both as a holiday and as a workday."),
    "err.limits.both_days.hint": ("请只保留其中一处。", "Keep it in one of the two lists."),
    # (end of block: timing)
    #
    # ---- the ledger and figures (geo.cases.ledger) ----
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

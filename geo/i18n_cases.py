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
    # (end of block: timing)
    #
    # ---- the ledger and figures (geo.cases.ledger) ----
    # (end of block: ledger)
    #
    # ---- attachments and parties (geo.cases.files, geo.cases.parties) ----
    "err.files.too_big": ("附件 {name} 有 {mb} MB，超过上限 {limit} MB。",
                          "Attachment {name} is {mb} MB, over the limit of {limit} MB."),
    "err.files.too_big.hint": ("请压缩或缩小后再附上（上限由 GRIDWATCH_MAX_ATTACHMENT_MB 设定）。",
                               "Shrink it first (the limit is GRIDWATCH_MAX_ATTACHMENT_MB)."),
    "err.files.empty": ("附件 {name} 是空文件。", "Attachment {name} is empty."),
    "err.files.empty.hint": ("请重新选择文件。", "Choose the file again."),
    "err.files.kind": ("附件 {name} 不是可接受的文件类型。", "Attachment {name} is not a kind of file accepted."),
    "err.files.kind.hint": ("可接受：{accepted}。", "Accepted: {accepted}."),
    "err.files.broken": ("附件 {name} 无法读取（文件不完整或已损坏：{why}）。",
                         "Attachment {name} cannot be read (incomplete or damaged: {why})."),
    "err.files.broken.hint": ("请重新拍摄或重新导出该图片后再附上。", "Take or export the picture again and attach it."),
    "err.files.pixels": ("附件 {name} 像素过多（上限 {limit} 像素）。", "Attachment {name} has too many pixels (limit {limit})."),
    "err.files.pixels.hint": ("请缩小图片后再附上。", "Make the picture smaller and attach it again."),
    "err.files.too_many": ("一次附了 {count} 个文件，每一步最多 {limit} 个。",
                           "{count} files attached at once: at most {limit} per step."),
    "err.files.too_many.hint": ("请只选最能说明情况的照片。", "Keep the photos that show the most."),
    "err.files.unknown": ("没有编号为 {file_hash}… 的附件。", "No attachment has the hash {file_hash}…."),
    "err.files.unknown.hint": ("附件编号见案卷历史（incident history）。", "Attachment hashes are in the case history (incident history)."),
    "err.parties.missing_columns": ("责任单位表 {file} 缺少列：{missing}。", "The party table {file} lacks the columns {missing}."),
    "err.parties.missing_columns.hint": ("表头须为：{expected}。", "Its header must be: {expected}."),
    "err.parties.no_id": ("责任单位表 {file} 第 {rows} 行没有 party_id。", "The party table {file} has no party_id on line(s) {rows}."),
    "err.parties.no_id.hint": ("每一行都要有唯一的编号（如 wuye_lvyuan）。", "Give every row a unique code (e.g. wuye_lvyuan)."),
    "err.parties.duplicate": ("责任单位表 {file} 中编号重复：{ids}。", "The party table {file} gives these ids more than once: {ids}."),
    "err.parties.duplicate.hint": ("每个编号只能出现一次。", "Keep one row per id."),
    "err.parties.reserved": ("编号 {ids} 以 grid: 开头，这是网格员专用的编号。",
                             "The ids {ids} start with grid:, which is kept for the grids' own workers."),
    "err.parties.reserved.hint": ("请换一个编号；网格员由网格图层的 worker 列给出。",
                                  "Choose another id: grid workers come from the grids layer's worker column."),
    "err.parties.kind": ("责任单位 {party} 的类别 {kind} 未知。", "Party {party}: unknown kind “{kind}”."),
    "err.parties.kind.hint": ("可用：{allowed}。", "Use one of {allowed}."),
    "err.parties.unknown_grid": ("责任单位中有未知的网格：{grids}。", "Unknown grids named for parties: {grids}."),
    "err.parties.unknown_grid.hint": ("已有的网格：{known}；或用 * 表示全部网格。", "Known grids: {known}; or * for every grid."),
    "err.parties.unknown_type": ("责任单位中有未知的事件类型：{types}。", "Unknown incident types named for parties: {types}."),
    "err.parties.unknown_type.hint": ("已有的类型：{known}；或用 * 表示全部类型。", "Known types: {known}; or * for every type."),
    "err.parties.exists": ("已有编号为 {party} 的责任单位。", "A party with the id {party} exists already."),
    "err.parties.exists.hint": ("请换一个编号，或先删除（party remove）。", "Choose another id, or remove it first (party remove)."),
    "err.parties.unknown": ("没有编号为 {party} 的责任单位。", "No party has the id {party}."),
    "err.parties.unknown.hint": ("已有：{known}。", "Known: {known}."),
    "party_kind.grid_worker": ("网格员", "grid worker"),
    "party_kind.property": ("物业", "property company"),
    "party_kind.utility": ("公用事业单位", "utility"),
    "party_kind.street_office": ("街道科室", "street office department"),
    "party_kind.other": ("其他", "other"),
    "err.parties.file_kind": ("{file} 不是 CSV 或 XLSX 文件。", "{file} is not a CSV or XLSX file."),
    "err.parties.file_kind.hint": ("请另存为 .csv（UTF-8）或 .xlsx 后再导入。", "Save it as .csv (UTF-8) or .xlsx and import that."),
    # (end of block: files)
    #
    # ---- the case commands (geo.incident_cli, geo.cases.cli) ----
    "cli.party.listed": ("已写出 {n} 个责任单位到 {path}。", "{n} parties written to {path}."),
    "cli.party.added": ("已添加责任单位 {party}（{name}，{kind}），网格：{grids}，类型：{types}。",
                        "Party {party} added ({name}, {kind}); grids: {grids}; types: {types}."),
    "cli.party.removed": ("已删除责任单位 {party}。", "Party {party} removed."),
    "cli.party.importing": ("正在导入责任单位表 {path}……", "Importing parties from {path}..."),
    "cli.party.imported": ("责任单位：新增 {added}，更新 {updated}，保留 {kept}，删除 {removed}。",
                           "Parties: {added} added, {updated} updated, {kept} kept, {removed} removed."),
    "storm.red": ("红色预警", "red warning"),
    "storm.orange": ("橙色预警", "orange warning"),
    "cli.storm.on": ("暴雨模式已开启（{level}），自 {since} 起；相关类型的处置时限已收紧。",
                     "Storm mode is on ({level}) since {since}: the time limits of the types the rain plan names are tighter."),
    "cli.storm.off": ("暴雨模式未开启。", "Storm mode is off."),
    "err.storm.level": ("未知的预警级别 {level}。", "Unknown warning level “{level}”."),
    "err.storm.level.hint": ("暴雨模式只在以下预警时开启：{allowed}。", "Storm mode is for these warnings: {allowed}."),
    # (end of block: cli)
    #
    # ---- the case panel, the ledger tab and the map (views/, layers/) ----
    # (end of block: app)
    #
}

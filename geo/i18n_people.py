"""The translation table of people (accounts, roles, personal data, the audit log): merged into :data:`geo.i18n.STRINGS`.

Same form as the main table (``"key": ("中文", "English")``), one block per
part: roles and permissions, accounts and sign-in, personal data, the audit
log, the command line, the app.
"""

from __future__ import annotations

from typing import Final

PEOPLE_STRINGS: Final[dict[str, tuple[str, str]]] = {
    # ---- roles and permissions (geo.access) ----------------------------------
    "role.admin": ("管理员", "administrator"),
    "role.staff": ("社区工作人员", "community staff"),
    "role.grid_worker": ("网格员", "grid worker"),
    "role.party": ("处置单位", "party"),
    "role.viewer": ("只读用户", "viewer"),
    "role.operator": ("本机操作员", "local operator"),
    "permission.report": ("上报", "report"),
    "permission.accept": ("受理", "accept"),
    "permission.cancel": ("作废", "cancel"),
    "permission.merge": ("合并", "merge"),
    "permission.on_spot": ("自行处置", "fix on the spot"),
    "permission.dispatch": ("派遣", "dispatch"),
    "permission.redispatch": ("改派", "dispatch again"),
    "permission.park": ("挂账", "park"),
    "permission.resume": ("恢复办理", "resume"),
    "permission.start": ("开始处置", "start work"),
    "permission.handle": ("处置反馈", "handle"),
    "permission.check_pass": ("核查结案", "check and close"),
    "permission.rework": ("退回返工", "send back for rework"),
    "permission.reopen": ("重新打开", "reopen"),
    "permission.edit_incident": ("修改事件", "edit an incident"),
    "permission.inspect": ("导入巡查结果", "import inspections"),
    "permission.import": ("导入图层", "import layers"),
    "permission.rejoin": ("重新关联", "rejoin"),
    "permission.incident_type": ("新增事件类型", "add incident types"),
    "permission.register": ("导入重点人群名单", "import the register"),
    "permission.checklist": ("打印检查单", "print checklists"),
    "permission.parties": ("管理处置单位", "manage parties"),
    "permission.storm": ("切换暴雨模式", "switch storm mode"),
    "permission.ledger": ("查看台账", "read the ledger"),
    "permission.users": ("管理账号", "manage accounts"),
    "permission.audit": ("查看审计日志", "read the audit log"),
    "permission.settings": ("修改设置", "change settings"),
    "err.access.refused": ("{user}（{role}）无权{action}：{what}。",
                           "{user} ({role}) may not {action}: {what}."),
    "err.access.refused.hint": ("可以执行此操作的角色：{roles}。如需权限，请联系管理员调整账号角色。",
                                "Roles that may: {roles}. Ask an administrator to change your account's role."),
    "err.access.out_of_grids": ("{user}（{role}）只能在本人负责的网格内{action}；{what} 属于网格 {grid}。",
                                "{user} ({role}) may {action} only in their own grids; {what} is in grid {grid}."),
    "err.access.out_of_grids.hint": ("请由该网格的网格员或社区工作人员办理；如网格分工有变，请管理员调整账号的网格。",
                                     "Ask that grid's worker or community staff, or an administrator to change "
                                     "your account's grids."),
    "err.access.out_of_community": ("{user}（{role}）只能在本社区的网格内{action}；{what} 属于网格 {grid}。",
                                    "{user} ({role}) may {action} only in their community's grids; {what} is "
                                    "in grid {grid}."),
    "err.access.out_of_community.hint": ("请由该社区的工作人员办理，或请管理员调整账号的社区。",
                                         "Ask that community's staff, or an administrator to change your "
                                         "account's communities."),
    "err.access.out_of_party": ("{user}（{role}）只能对派给本单位的案卷{action}；{what} 派给了 {party}。",
                                "{user} ({role}) may {action} only cases dispatched to their party; {what} is "
                                "dispatched to {party}."),
    "err.access.out_of_party.hint": ("如需改派，请联系社区工作人员。", "Ask community staff to dispatch it again."),
    "err.access.out_of_all": ("{user}（{role}）无权{action}：{what}。", "{user} ({role}) may not {action}: {what}."),
    "err.access.out_of_all.hint": ("可以执行此操作的角色：{roles}。", "Roles that may: {roles}."),
    # ---- accounts and sign-in (geo.accounts) --------------------------------
    "err.user.bad_role": ("未知的角色 {role}。", "Unknown role “{role}”."),
    "err.user.bad_role.hint": ("可用：{roles}。", "Use one of {roles}."),
    "err.user.bad_name": ("用户名 {name} 不可用。", "User name “{name}” cannot be used."),
    "err.user.bad_name.hint": ("用户名为 1–40 个字母、数字、汉字或 . _ - @，不含空格。",
                               "Use 1 to 40 letters, digits or . _ - @, without spaces."),
    "err.user.exists": ("账号 {name} 已存在。", "An account “{name}” already exists."),
    "err.user.exists.hint": ("修改它请用 user set；换一个用户名可新增。", "Change it with `user set`, or pick another name."),
    "err.user.unknown": ("没有启用的账号 {name}。", "No active account “{name}”."),
    "err.user.unknown.hint": ("user list 列出所有账号；停用的账号可用 user set --active 重新启用。",
                              "`user list` lists the accounts; `user set --active` enables a disabled one."),
    "err.user.password_short": ("密码太短：至少 {chars} 个字符。", "The password is too short: at least {chars} characters."),
    "err.user.password_short.hint": ("用一句容易记住的话作密码，例如“雨天先查三号楼地库”。",
                                     "A short sentence you remember makes a good password."),
    "err.user.password_weak": ("密码太简单（重复字符或与用户名相同）。",
                               "The password is too weak (one character repeated, or the user name)."),
    "err.user.password_weak.hint": ("请换一个不易猜到的密码。", "Choose one that is hard to guess."),
    "err.user.password_mismatch": ("两次输入的密码不一致。", "The two passwords differ."),
    "err.user.password_mismatch.hint": ("请重新输入。", "Type it again."),
    "err.user.no_password": ("没有读到密码。", "No password was given."),
    "err.user.no_password.hint": ("交互使用时会提示输入；脚本中用 --password-stdin 从标准输入读一行。",
                                  "Type it when asked, or give one line on stdin with --password-stdin."),
    "err.user.unknown_grid": ("这些网格不在库中：{grids}。", "These grids are not in the store: {grids}."),
    "err.user.unknown_grid.hint": ("请用库中的网格编号（地图的网格图层，或 incident list 中的 grid_id）。",
                                   "Use grid ids of the store (the grids layer)."),
    "err.user.worker_needs_grid": ("网格员账号需要至少一个网格。", "A grid worker's account needs at least one grid."),
    "err.user.worker_needs_grid.hint": ("用 --grid 指定其负责的网格（可多次）。", "Give their grids with --grid (more than once if needed)."),
    "err.user.party_needs_party": ("处置单位账号需要所属单位。", "A party account needs its party."),
    "err.user.party_needs_party.hint": ("用 --party 指定单位编号（party list 列出）。", "Give it with --party (see `party list`)."),
    "err.user.unknown_party": ("没有处置单位 {party}。", "No party “{party}”."),
    "err.user.unknown_party.hint": ("已有的单位：{parties}；先用 party add 添加。", "Parties: {parties}; add it with `party add` first."),
    "err.user.disable_self": ("不能停用自己正在使用的账号。", "You cannot disable the account you are using."),
    "err.user.disable_self.hint": ("请另一位管理员操作。", "Ask another administrator."),
    "err.signin.failed": ("用户名或密码不对。", "Wrong user name or password."),
    "err.signin.failed.hint": ("忘记密码请联系管理员重置（user reset-password）。",
                               "If you forgot it, ask an administrator to reset it."),
    "err.signin.wait": ("失败次数过多，请 {seconds} 秒后再试。", "Too many failed attempts: try again in {seconds} s."),
    "err.signin.wait.hint": ("忘记密码请联系管理员重置。", "If you forgot the password, ask an administrator to reset it."),
    "err.signin.demo_refused": ("演示登录只能用于虚构的演示数据，{location} 不是演示库。",
                                "Demo sign-in works on the fictional demo store only; {location} is not it."),
    "err.signin.demo_refused.hint": ("真实数据请用账号和密码登录；管理员用 python -m geo user add 创建账号。",
                                     "Sign in with an account; an administrator makes one with "
                                     "`python -m geo user add`."),
    "err.signin.demo_exposed": ("演示模式不能在所有网络接口上提供服务（当前地址 {address}）。",
                                "Demo mode cannot serve every network interface (address {address})."),
    "err.signin.demo_exposed.hint": ("演示模式只在本机使用：去掉 --server.address 或设为 127.0.0.1。",
                                     "Use demo mode on this machine only: address 127.0.0.1."),
    "err.signin.no_account": ("{email} 没有对应的启用账号。", "No active account for {email}."),
    "err.signin.no_account.hint": ("请管理员用该邮箱作为用户名创建账号。", "Ask an administrator to make an account named by that e-mail."),
    # ---- personal data (geo.privacy) ----------------------------------------
    "privacy.made_for_all": ("制作对象：{role} {user}（含完整姓名和电话）",
                             "Made for: {role} {user} (full names and phone numbers)"),
    "privacy.made_for_scoped": ("制作对象：{role} {user}（本人负责范围外的姓名和电话已遮蔽）",
                                "Made for: {role} {user} (names and phones outside their grids masked)"),
    "privacy.made_for_none": ("制作对象：{role} {user}（姓名和电话已遮蔽）",
                              "Made for: {role} {user} (names and phone numbers masked)"),
    # ---- the audit log (geo.audit) ------------------------------------------
    "err.store.audit_readonly": ("审计日志只能追加，不能修改或删除。", "The audit log can only be added to: not changed or deleted."),
    "err.store.audit_readonly.hint": ("每次修改由 GridWatch 自动记录；查看请用 python -m geo audit。",
                                      "GridWatch enters each change itself; read it with `python -m geo audit`."),
    "err.audit.bad_date": ("{option} 的日期 {value} 无法识别。", "{option}: “{value}” is not a date."),
    "err.audit.bad_date.hint": ("请写成 2026-07-01 或 2026-07-01T08:00。", "Write it as 2026-07-01 or 2026-07-01T08:00."),
    "audit.col.at": ("时间", "At"),
    "audit.col.by": ("操作人", "By"),
    "audit.col.role": ("角色", "Role"),
    "audit.col.action": ("操作", "Action"),
    "audit.col.kind": ("对象类别", "Kind"),
    "audit.col.object": ("对象", "Object"),
    "audit.col.before": ("修改前", "Before"),
    "audit.col.after": ("修改后", "After"),
    "audit.col.note": ("说明", "Note"),
    # ---- the command line (geo.user_cli) ------------------------------------
    "user.added": ("已添加账号 {name}（{role}）。", "Account {name} ({role}) added."),
    "user.changed": ("已修改账号 {name}。", "Account {name} changed."),
    "user.disabled": ("已停用账号 {name}。", "Account {name} disabled."),
    "user.password_set": ("已重置账号 {name} 的密码。", "Password of {name} reset."),
    "user.password_prompt": ("{name} 的新密码：", "New password for {name}: "),
    "user.password_again": ("再输入一次：", "Again: "),
    "user.none": ("库中还没有账号。先用 user add NAME --role admin 创建管理员。",
                  "The store has no accounts yet. Make an administrator with `user add NAME --role admin`."),
    # ---- the app (views) -----------------------------------------------------
    "signin.title": ("GridWatch 网格守望 · 登录", "GridWatch · sign in"),
    "signin.user": ("用户名", "User name"),
    "signin.password": ("密码", "Password"),
    "signin.go": ("登录", "Sign in"),
    "audit.written": ("已写出 {rows} 条审计记录到 {path}。", "{rows} audit entries written to {path}."),
    # ---- (enforcement and the command line: user, audit, --as) ----------------
    # (end of block: enforce)
    # ---- (the app: sign-in, sessions, demo mode, serving) --------------------
    "signin.signed_in": ("已登录：{name}（{role}）", "Signed in: {name} ({role})"),
    "signin.sign_out": ("退出登录", "Sign out"),
    # (end of block: app)
    # ---- (personal data in views, layers and documents) ----------------------
    # (end of block: privacy)
    # ---- (the administration pages: accounts, audit) -------------------------
    # (end of block: admin)
}

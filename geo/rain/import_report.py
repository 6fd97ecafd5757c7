"""What an import of checklists or a register did: :class:`ImportReport` and the rows not applied (:class:`Problem`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..safe import printable

__all__ = ["ImportReport", "Problem"]


@dataclass(frozen=True)
class Problem:
    """One row that was not applied, and why.

    Attributes
    ----------
    kind
        ``unknown_id``, ``changed_id``, ``invalid_result``, ``conflict``,
        ``no_result``, ``empty_row``, ``foreign_row``, ``no_inspector`` or ``case_stage`` (a wire removed
        whose case is at a stage that does not allow the step ``handled``).
    where
        Sheet (or file) and row number as the user sees them.
    item_id
        The id in the row (may be empty).
    message
        What to do about it, in Chinese.
    sheet, row
        The sheet (``file:sheet``) and row number; row 0 for a problem of
        the whole sheet.
    """

    kind: str
    where: str
    item_id: str
    message: str
    sheet: str = ""
    row: int = 0


@dataclass
class ImportReport:
    """What an import did.

    Attributes
    ----------
    recorded
        Results newly recorded in ``inspections``.
    revised
        Results that replaced an earlier import's result for the same item.
    unchanged
        Results already recorded (a repeated import).
    status_changes
        (incident_id, before, after) for every status changed.
    problems
        Rows not applied (see :class:`Problem`).
    written
        Whether the store was written.
    """

    recorded: int = 0
    revised: int = 0
    unchanged: int = 0
    status_changes: list[tuple[str, str, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    written: bool = False

    def lines(self) -> list[str]:
        """The report as lines for the terminal or the app."""
        out = [f"新记录 {self.recorded} 条，更正 {self.revised} 条，已导入过 {self.unchanged} 条；"
               f"状态变更 {len(self.status_changes)} 个；问题 {len(self.problems)} 条。"]
        out += [f"  {printable(iid)}: {a} -> {b}" for iid, a, b in self.status_changes]
        blank: dict[str, list[int]] = {}
        for p in self.problems:
            if p.kind == "no_result" and p.row:  # rows left blank: one line per sheet, with their rows
                blank.setdefault(p.sheet, []).append(p.row)
            else:
                out.append(f"  [{p.kind}] {printable(p.where)} {printable(p.item_id)}: {printable(p.message, 400)}")
        for sheet, rows in blank.items():
            spans = "、".join(f"第{a}行" if a == b else f"第{a}-{b}行" for a, b in _spans(rows))
            out.append(f"  [no_result] {printable(sheet)}: {len(rows)} 行未填写检查结果，状态保持不变（{spans}）。")
        return out


def _spans(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (first, last) runs of consecutive rows."""
    out: list[tuple[int, int]] = []
    for r in sorted(rows):
        if out and out[-1][1] == r - 1:
            out[-1] = (out[-1][0], r)
        else:
            out.append((r, r))
    return out

"""Benchmark: red-level rain inspection checklists as PDF.

Two runs, each timed from layers in memory to the written file (building the
checklist data, patrol order along the streets, map, tables, PDF):

1. the demo community (7 grids, ~520 grates, ~170 buildings): goal < 5 s;
2. 300 grids of the city-scale generator: goal < 60 s, with a progress bar.

Also times XLSX and CSV for the demo community and a checklist import, and,
as the peer in the same run, the same demo tables rendered the plain
ReportLab way (a Paragraph per cell, rows measured, result boxes drawn as
text on every row): the ratio says what the fixed row heights and the shared
result-box form buy.
Run ``python benchmarks/checklist.py [--grids 300]``; record the figures in
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tqdm import tqdm  # noqa: E402

from geo.demo import make_city, make_community  # noqa: E402
from geo.join import join_layers  # noqa: E402
from geo.rain.checklist import build_checklists  # noqa: E402
from geo.rain.documents import write_checklists  # noqa: E402


def pages(path: Path) -> str:
    try:
        out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return next((line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")), "?")


def timed_pdf(layers: dict, out: Path, *, bar: bool, workers: int = 1) -> tuple[float, float, int]:
    n_grids = len(layers["grids"])
    progress = tqdm(total=2 * n_grids, desc="checklists (build, render)", unit="grid", file=sys.stderr,
                    disable=not bar, mininterval=1.0)

    def step(_done: int, _total: int) -> None:
        progress.update(1)

    c0, t0 = cpu(), time.perf_counter()
    lists = build_checklists(layers, "red", progress=step, workers=workers)
    t1 = time.perf_counter()
    write_checklists(lists, out, progress=step)
    t2 = time.perf_counter()
    progress.close()
    print(f"  (CPU time of this run, all processes: {cpu() - c0:.1f} s; load average {os.getloadavg()[0]:.1f})")
    return t1 - t0, t2 - t1, sum(len(c.section("grate")) for c in lists)


def cpu() -> float:
    """CPU seconds used so far by this process and its finished children."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grids", type=int, default=300, help="grids in the large run (default 300)")
    args = parser.parse_args()
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        demo = join_layers(make_community(7))
        build, render, grates = timed_pdf(demo, tmpdir / "demo.pdf", bar=False)
        print(f"demo community, red, PDF: {build + render:.2f} s (data+order {build:.2f} s, render {render:.2f} s); "
              f"{len(demo['grids'])} grids, {grates} grates, {pages(tmpdir / 'demo.pdf')} pages  [goal < 5 s]")
        lists = build_checklists(demo, "red")
        t0 = time.perf_counter()
        write_checklists(lists, tmpdir / "again.pdf")
        ours = time.perf_counter() - t0
        t0 = time.perf_counter()
        plain_pdf(lists, tmpdir / "plain.pdf")
        peer = time.perf_counter() - t0
        print(f"demo community, red, PDF render only: {ours:.2f} s; peer (plain ReportLab tables, same rows): "
              f"{peer:.2f} s, {pages(tmpdir / 'plain.pdf')} pages; ratio {peer / ours:.1f}x")
        for fmt in ("xlsx", "csv"):
            t0 = time.perf_counter()
            write_checklists(lists, tmpdir / f"demo.{fmt}")
            print(f"demo community, red, {fmt.upper()} (render only): {time.perf_counter() - t0:.2f} s")
        _import(demo, tmpdir)

        t0 = time.perf_counter()
        g = args.grids
        city = join_layers(make_city(7, grids=g, buildings=25 * g, incidents=80 * g))
        print(f"city set with {g} grids generated and joined in {time.perf_counter() - t0:.1f} s (not counted)")
        workers = os.cpu_count() or 1
        build, render, grates = timed_pdf(city, tmpdir / "city.pdf", bar=True, workers=workers)
        print(f"{g} grids, red, PDF: {build + render:.1f} s (data+order {build:.1f} s on {workers} processes, "
              f"render {render:.1f} s); {grates} grates, {pages(tmpdir / 'city.pdf')} pages  [goal < 60 s]")


def plain_pdf(lists: list, path: Path) -> None:
    """The peer: every checklist's rows as a Paragraph-per-cell ReportLab table."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    from geo.printkit import register_reportlab_font
    from geo.rain.checklist import SECTIONS

    font = register_reportlab_font()
    style = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10)
    story: list = []
    for cl in lists:
        story.append(Paragraph(f"{cl.header['community']} {cl.header['grid_name']} 防汛巡查清单", style))
        rows = [[Paragraph(h, style) for h in ("序号", "编号", "位置", "上次状态", "检查结果", "备注")]]
        for r in cl.items.itertuples():
            boxes = "  ".join(f"□{c}" for c in SECTIONS[r.section].choices)
            rows.append([Paragraph(str(v), style) for v in (r.no, r.item_id, r.where, r.last_status, boxes, "")])
        t = Table(rows, colWidths=[9 * mm, 20 * mm, 40 * mm, 15 * mm, 76 * mm, 26 * mm], repeatRows=1)
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, "#8c8c8c")]))
        story += [t, PageBreak()]
    SimpleDocTemplate(str(path), pagesize=A4, leftMargin=12 * mm, rightMargin=12 * mm).build(story)


def _import(layers: dict, tmpdir: Path) -> None:
    import openpyxl

    from geo.rain.inspection import import_checklist
    from geo.store import open_store

    store = open_store(tmpdir / "s.gpkg")
    store.write(layers=layers)
    path = tmpdir / "demo.xlsx"
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        ws["B7"] = "基准测试"
        for r in range(11, ws.max_row + 1):
            if ws.cell(r, 10).value == "grate":
                ws.cell(r, 8).value = "畅通"
    wb.save(path)
    t0 = time.perf_counter()
    report = import_checklist(store, path)
    t1 = time.perf_counter()
    again = import_checklist(store, path)
    t2 = time.perf_counter()
    print(f"import of the filled demo XLSX: {t1 - t0:.2f} s ({report.recorded} results, "
          f"{len(report.status_changes)} status changes); again: {t2 - t1:.2f} s (written: {again.written})")


if __name__ == "__main__":
    main()

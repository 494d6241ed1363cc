"""The Word toolkit: house styles ensured once, typed text made safe for XML, tables with header
rows that repeat, notes, bullets, fields, charts drawn in a process of their own, and a new document
with the common front matter. Every document module builds with these and nothing else."""

from __future__ import annotations

import atexit
import hashlib
import io
import json
import os
import queue
import re
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from strategy import __version__
from strategy.core.dates import UK, uk_long_date
from strategy.core.models import Partnership
from strategy.core.phrases import phrase, safe_text  # noqa: F401 - safe_text is used through this module
from strategy.word.style import (
    CALLOUT_STYLE,
    DEFAULT_BRAND,
    FRONT_HEADING_STYLE,
    Brand,
    fill_contents,
    fit_tables,
    house_style,
    is_landscape,
    page_setup,
    restart_numbering,
    typed_list_item,
)


class HasDocument(Protocol):
    """What the builders below need of a document in progress: the document, and whether to draw charts."""

    doc: DocxDocument
    charts: bool


GAP_STYLE = "Workbook Gap"


MARKING_STYLE = "Workbook Marking"


FINDING_STYLE = "Workbook Key Finding"


NOTE_STYLE = "Caption"  # built in: small print under a table or chart


#: A chart picture that takes longer than this to draw is left out (the export never waits on it).
CHART_TIMEOUT_SECONDS = 45


#: Draws plotly figures as PNG with Kaleido and the local Chromium, in a process of its own, so a
#: missing browser, a crash or a hang can never break the export. One process (one browser, two tabs,
#: so two charts are drawn at once on two cores) draws every chart of a document: a figure as one line
#: of JSON on stdin with its number ("id"); for each, on stdout as it is done, 8 bytes of that number,
#: 8 bytes giving the PNG's length (0: this one could not be drawn) and the PNG.
#:
#: Kaleido (1.x) reloads a tab after every figure, so plotly.js is loaded and parsed again for each
#: chart: half of a large progress report's drawing time. Its own script purges each figure once
#: drawn, so here a tab is reloaded only after every CHART_TAB_RELOAD figures (a long-lived process
#: still starts afresh from time to time); the pictures are the same, byte for byte. Should Kaleido
#: change how it hands tabs back, its own way is used unchanged.
CHART_TAB_RELOAD = 25

_RENDER_SCRIPT = (
    "import asyncio, json, struct, sys\n"
    "import kaleido\n"
    "class Drawer(kaleido.Kaleido):\n"
    "    _drawn = None\n"
    "    async def _return_kaleido_tab(self, tab):\n"
    "        if getattr(self, 'tabs_ready', None) is None:\n"
    "            return await super()._return_kaleido_tab(tab)\n"
    "        if self._drawn is None:\n"
    "            self._drawn = {}\n"
    "        n = self._drawn.get(id(tab), 0) + 1\n"
    f"        if n >= {CHART_TAB_RELOAD}:\n"
    "            n = 0\n"
    "            await tab.reload()\n"
    "        self._drawn[id(tab)] = n\n"
    "        await self.tabs_ready.put(tab)\n"
    "async def main():\n"
    "    out = sys.stdout.buffer\n"
    "    done = asyncio.Lock()\n"
    "    async with Drawer(n=2, mathjax=False) as k:\n"
    "        async def one(spec):\n"
    "            try:\n"
    "                png = await k.calc_fig(spec['figure'], opts=spec['opts'])\n"
    "            except Exception:\n"
    "                png = b''\n"
    "            async with done:\n"
    "                out.write(struct.pack('>QQ', spec['id'], len(png)) + png)\n"
    "                out.flush()\n"
    "        running = set()\n"
    "        while True:\n"
    "            line = await asyncio.to_thread(sys.stdin.buffer.readline)\n"
    "            if not line.strip():\n"
    "                await asyncio.gather(*running)\n"
    "                return\n"
    "            task = asyncio.create_task(one(json.loads(line)))\n"
    "            running.add(task)\n"
    "            task.add_done_callback(running.discard)\n"
    "asyncio.run(main())\n"
)

#: Pictures already drawn, by what was asked (the script and the figure): the same figure from the
#: same data is the same picture, so a document built again draws only the charts whose data changed.
#: At most this many bytes are kept, the least recently used dropped first.
CHART_MEMORY_BYTES = 64 * 1024 * 1024

_PNG = b"\x89PNG\r\n\x1a\n"


#: Told of each step while a document builds: what is being done, and how far along (0 to 1).
Progress = Callable[[str, float], None]

_progress: ContextVar[Progress | None] = ContextVar("workbook_document_progress", default=None)


@contextmanager
def reporting_progress(progress: Progress | None) -> Iterator[None]:
    """While building a document inside this block, ``progress(step, fraction)`` hears each step (the
    page shows it); per thread and per person, so two people building at once hear their own."""
    token = _progress.set(progress)
    try:
        yield
    finally:
        _progress.reset(token)


def step(what: str, fraction: float) -> None:
    """Say what the document build is doing now (nothing happens when nobody listens)."""
    listener = _progress.get()
    if listener is not None:
        listener(what, min(max(fraction, 0.0), 1.0))


def _remember_style_ids(doc: DocxDocument) -> None:
    """python-docx finds a style by name by scanning every style, twice, for each paragraph, heading
    and table it adds: a third of a large draft's build. The document's style ids are remembered by
    name here, once per document (a style added later is looked up the first time it is used)."""
    part = doc.part
    if getattr(part, "_workbook_style_ids", None) is not None:
        return
    look_up = part.get_style_id
    remembered: dict[tuple[str, object], str | None] = {}

    def get_style_id(style_or_name, style_type):
        if not isinstance(style_or_name, str):  # a style object, or None for the default
            return look_up(style_or_name, style_type)
        key = (style_or_name, style_type)
        if key not in remembered:
            remembered[key] = look_up(style_or_name, style_type)
        return remembered[key]

    part.get_style_id = get_style_id  # type: ignore[method-assign]  # this document's part only
    part._workbook_style_ids = remembered  # type: ignore[attr-defined]


def ensure_styles(doc: DocxDocument, brand: Brand = DEFAULT_BRAND) -> None:
    """The house style and the brand (strategy.word.style), A4 pages, and the workbook's own styles."""
    _remember_style_ids(doc)
    house_style(doc, brand)
    page_setup(doc.sections[0], landscape=is_landscape(doc.sections[0]))
    styles = doc.styles
    if GAP_STYLE not in [s.name for s in styles]:
        gap = styles.add_style(GAP_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        gap.base_style = styles["Normal"]
        gap.font.italic = True
        gap.font.color.rgb = RGBColor(0x8A, 0x1C, 0x1C)
    if MARKING_STYLE not in [s.name for s in styles]:
        mark = styles.add_style(MARKING_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        mark.base_style = styles["Normal"]
        mark.font.bold = True
        mark.font.size = Pt(14)
        mark.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if FINDING_STYLE not in [s.name for s in styles]:
        finding = styles.add_style(FINDING_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        finding.base_style = styles[CALLOUT_STYLE]  # a call-out: tinted, with the accent bar
        finding.font.bold = True
        finding.font.size = Pt(14)


def paragraphs(doc: DocxDocument, text: str, style: str | None = None) -> None:
    """Each line of typed text as its own paragraph; blank lines dropped. Lines typed as a list
    ("- ...", "* ...", "• ...", "1. ...", "2) ...") become a real bulleted or numbered list, and each
    numbered list counts from 1."""
    previous = None
    for line in safe_text(text).split("\n"):
        if not line.strip():
            previous = None if previous != "List Number" else previous
            continue
        item = typed_list_item(line)
        if item is None:
            doc.add_paragraph(line, style=style)
            previous = None
            continue
        list_style, words = item
        para = doc.add_paragraph(words, style=list_style)
        if list_style == "List Number" and previous != "List Number":
            restart_numbering(doc, para)
        previous = list_style


_R, _HYPERLINK, _T, _P, _TBL, _TR, _TC = (qn(f"w:{tag}") for tag in ("r", "hyperlink", "t", "p", "tbl", "tr", "tc"))
_V_MERGE, _GRID_SPAN = (f"{qn('w:tcPr')}/{qn(f'w:{tag}')}" for tag in ("vMerge", "gridSpan"))
#: What else in a run python-docx reads as text (a line break, a tab, a non-breaking hyphen).
_RUN_TEXT = {qn(f"w:{tag}") for tag in ("br", "cr", "noBreakHyphen", "ptab", "tab")}


def _run_text(r) -> str:
    return "".join((e.text or "") if e.tag == _T else str(e) for e in r if e.tag == _T or e.tag in _RUN_TEXT)


def _paragraph_text(p) -> str:
    """python-docx's ``Paragraph.text``, read by walking the XML (its XPath for each run was most of a
    large draft's glossary)."""
    out: list[str] = []
    for child in p:
        if child.tag == _R:
            out.append(_run_text(child))
        elif child.tag == _HYPERLINK:
            out.extend(_run_text(r) for r in child if r.tag == _R)
    return "".join(out)


def _cell_texts(tc) -> list[str]:
    """``_Cell.text`` for each grid cell of ``tc``, as python-docx's ``row.cells`` gives them: a cell
    spanning columns once per column; one continuing a vertical merge as the cell it continues."""
    if tc.find(_V_MERGE) is not None and tc.vMerge == "continue":
        return _cell_texts(tc._tc_above)
    return ["\n".join(_paragraph_text(p) for p in tc.iterchildren(_P))] * (tc.grid_span if tc.find(_GRID_SPAN) is not None else 1)


def document_text(doc: DocxDocument) -> list[str]:
    """The text of the body's paragraphs, then of every cell of its tables row by row: the same
    strings, in the same order, as ``[p.text for p in doc.paragraphs]`` followed by each
    ``cell.text`` of each ``row.cells`` of ``doc.tables``, at a fraction of the cost."""
    body = doc.element.body
    texts = [_paragraph_text(p) for p in body.iterchildren(_P)]
    for tbl in body.iterchildren(_TBL):
        for tr in tbl.iterchildren(_TR):
            for tc in tr.iterchildren(_TC):
                texts += _cell_texts(tc)
    return texts


def gap(ctx: HasDocument, what: str) -> None:
    ctx.doc.add_paragraph(safe_text(what), style=GAP_STYLE)


def simple_table(ctx: HasDocument, headers: list[str], body: list[list[str]]) -> None:
    """A table of ready-made texts, with a bold header row that repeats on every page."""
    for values in body:
        if len(values) != len(headers):
            raise ValueError(f"A row of {len(values)} cells for a table of {len(headers)} columns.")
    # Every row made at once and filled cell by cell in the XML: python-docx's add_row() and
    # row.cells work out the table's grid again for each row (seconds for a large partnership).
    table = ctx.doc.add_table(rows=1 + len(body), cols=len(headers))
    table.style = "Table Grid"
    for tr, values in zip(table._tbl.tr_lst, [headers, *body], strict=True):
        for tc, value in zip(tr.tc_lst, values, strict=True):
            _set_cell_text(tc, safe_text(value))  # the header row is styled (shaded, bold) when saved
    repeat_header(table.rows[0])


def _set_cell_text(tc, text: str) -> None:
    """What python-docx's ``cell.text = text`` writes (a paragraph with one run), without its
    character-by-character pass over the text when there is no tab or line break in it (a third of
    a large draft's table cells' cost)."""
    if "\t" in text or "\n" in text or "\r" in text:
        _Cell(tc, None).text = text  # type: ignore[arg-type]  # tabs and breaks as python-docx writes them
        return
    tc.clear_content()
    r = tc.add_p().add_r()
    if text:
        r.add_t(text)  # python-docx's own: keeps the spaces at either end


def note(ctx: HasDocument, text: str) -> None:
    ctx.doc.add_paragraph(safe_text(text), style=NOTE_STYLE)


def bullets(ctx: HasDocument, items: list[str]) -> None:
    for item in items:
        ctx.doc.add_paragraph(safe_text(item), style="List Bullet")


def numbered(doc: DocxDocument, items: list[str]) -> list:
    """A numbered list that counts from 1 (python-docx's "List Number" alone carries on counting from
    the list before). Returns the paragraphs, for a caller that adds to them."""
    out: list = []
    for item in items:
        para = doc.add_paragraph(safe_text(item), style="List Number")
        if not out:
            restart_numbering(doc, para)
        out.append(para)
    return out


def repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def table_of_contents(doc: DocxDocument):
    """A contents field; returns its paragraph, for ``contents_from_headings`` once the headings are written."""
    doc.add_paragraph("Contents", style=FRONT_HEADING_STYLE)
    paragraph = doc.add_paragraph()
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = 'TOC \\o "1-3" \\h \\z \\u'
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    placeholder = OxmlElement("w:t")
    placeholder.text = "The contents list fills in when the document is opened in Word (or press F9 on it)."
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for el in (begin, instr, separate, placeholder, end):
        run._r.append(el)
    # Ask Word to update fields (the contents) when the document opens.
    settings = doc.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)
    return paragraph


def contents_from_headings(doc: DocxDocument, placeholder, labels: dict[int, str] | None = None) -> list[str]:
    """Fill the contents field with the headings written after it (strategy.word.style.fill_contents)."""
    return fill_contents(doc, placeholder, labels)


def page_field(paragraph, instruction: str, placeholder: str = "1") -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in on every page."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t")
    shown.text = placeholder
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for el in (begin, instr, separate, shown, end):
        run._r.append(el)


def chart_spec(fig, *, width: int = 900, height: int = 560) -> str:
    """What the drawing process is sent for one figure: one line of JSON."""
    figure = fig if isinstance(fig, dict) else json.loads(fig.to_json())  # a figure already written as JSON, or plotly's
    return json.dumps({"figure": figure, "opts": {"format": "png", "width": width, "height": height, "scale": 2}})


#: A drawing process with nothing to draw for this long is stopped (its browser holds memory).
CHART_IDLE_SECONDS = 300


class ChartDrawer:
    """Draws charts in one process of its own (one browser), one after another, while documents are
    still being built: ``draw`` returns at once with a Future of the PNG bytes (None when a chart
    cannot be drawn here: no Kaleido, no Chromium, a crash, or longer than CHART_TIMEOUT_SECONDS).

    The server keeps one (``shared_drawer``): the next document's charts need no browser to start,
    and it stops after CHART_IDLE_SECONDS with nothing to do. When the process itself fails, the
    charts already waiting are None at once, never each waiting in turn; the next ones start afresh."""

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[str, Future[bytes | None]] | None] = queue.Queue()
        self._guard = threading.Lock()
        self._thread: threading.Thread | None = None
        self._proc: subprocess.Popen | None = None
        self._script: str | None = None  # what the running process was started with
        self._broken = False
        self._drawn: OrderedDict[str, bytes] = OrderedDict()
        self._drawn_bytes = 0

    @staticmethod
    def _memory_key(spec: str) -> str:
        return hashlib.sha256((_RENDER_SCRIPT + "\0" + spec).encode("utf-8")).hexdigest()

    def _remembered(self, spec: str) -> bytes | None:
        with self._guard:
            key = self._memory_key(spec)
            png = self._drawn.get(key)
            if png is not None:
                self._drawn.move_to_end(key)
            return png

    def _remember(self, spec: str, png: bytes) -> None:
        with self._guard:
            key = self._memory_key(spec)
            if key in self._drawn or len(png) > CHART_MEMORY_BYTES:
                return
            self._drawn[key] = png
            self._drawn_bytes += len(png)
            while self._drawn_bytes > CHART_MEMORY_BYTES:
                self._drawn_bytes -= len(self._drawn.popitem(last=False)[1])

    def forget(self) -> None:
        """Forget the pictures already drawn (benchmarks measure a first build)."""
        with self._guard:
            self._drawn.clear()
            self._drawn_bytes = 0

    def draw(self, spec: str) -> Future[bytes | None]:
        future: Future[bytes | None] = Future()
        png = self._remembered(spec) if spec else None
        if png is not None:
            future.set_result(png)
        else:
            self._submit((spec, future))
        return future

    def warm(self) -> None:
        """Start the process (and its browser) now, while the document's first pages are written,
        so the first chart does not wait for a browser to start."""
        self._submit(("", Future()))

    def _submit(self, job: tuple[str, Future[bytes | None]]) -> None:
        with self._guard:
            self._jobs.put(job)
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="chart-drawer", daemon=True)
                self._thread.start()

    def close(self) -> None:
        """Stop the process once the charts already asked for are drawn; safe to call twice."""
        with self._guard:
            thread = self._thread
            if thread is not None:
                self._jobs.put(None)
        if thread is not None:
            thread.join(CHART_TIMEOUT_SECONDS + 5)

    def _work(self) -> None:
        while True:
            try:
                job = self._jobs.get(timeout=CHART_IDLE_SECONDS)
            except queue.Empty:
                job = None
            if job is None:  # asked to close, or idle: stop unless something came meanwhile
                with self._guard:
                    if self._jobs.empty():
                        self._thread = None
                        self._stop()
                        return
                continue
            # Everything asked for meanwhile goes to the process together, so its two tabs both draw.
            batch, closing = [job], False
            while True:
                try:
                    more = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    closing = True
                    break
                batch.append(more)
            try:
                self._draw_batch(batch)
            except Exception:  # noqa: BLE001 - a chart that cannot be drawn is left out, never an error
                self._fail()
            for _, future in batch:
                if not future.done():
                    future.set_result(None)
            if self._jobs.empty():
                self._broken = False  # what waited after a failure has its answer; the next ones try again
            if closing:
                self._jobs.put(None)

    def _start(self) -> subprocess.Popen | None:
        if self._proc is not None and self._script != _RENDER_SCRIPT:
            self._stop()  # the drawing script was changed (tests do): start it again
        if self._proc is None and not self._broken:
            try:
                self._proc = subprocess.Popen(
                    [sys.executable, "-c", _RENDER_SCRIPT],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,  # its browser too: stopped together by process group
                )
            except OSError:
                self._broken = True
                return None
            self._script = _RENDER_SCRIPT
            assert self._proc.stdin is not None and self._proc.stdout is not None  # both piped above
            os.set_blocking(self._proc.stdin.fileno(), False)
        return self._proc

    def _draw_batch(self, batch: list[tuple[str, Future[bytes | None]]]) -> None:
        """Send every chart of the batch, then take the pictures as they come (in any order). Each
        picture has CHART_TIMEOUT_SECONDS from the one before it; a process that fails or hangs is
        stopped and the charts still waiting get None."""
        proc = self._start()
        wanted = {number: (spec, future) for number, (spec, future) in enumerate(batch) if spec}
        if proc is None or not wanted:  # no process, or only asked to start it
            return
        assert proc.stdin is not None and proc.stdout is not None
        deadline = time.monotonic() + CHART_TIMEOUT_SECONDS
        lines = b"".join(f'{{"id": {number}, {spec.strip()[1:]}'.encode() + b"\n" for number, (spec, _) in wanted.items())
        if not _write_all(proc.stdin.fileno(), lines, deadline):
            self._fail()
            return
        while wanted:
            header = _read_exactly(proc.stdout.fileno(), 16, deadline)
            if header is None:
                self._fail()
                return
            number, size = struct.unpack(">QQ", header)
            png = _read_exactly(proc.stdout.fileno(), size, deadline) if size else b""
            if png is None or number not in wanted:
                self._fail()
                return
            spec, future = wanted.pop(number)
            drawn = png if png.startswith(_PNG) else None
            if drawn is not None:
                self._remember(spec, drawn)
            future.set_result(drawn)
            deadline = time.monotonic() + CHART_TIMEOUT_SECONDS

    def _fail(self) -> None:
        self._broken = True
        self._stop()

    def _stop(self) -> None:
        """End the drawing process and the browser it started."""
        proc, self._proc = self._proc, None
        if proc is not None:
            stop_process_group(proc)


def stop_process_group(proc: subprocess.Popen) -> None:
    """End a helper process started with ``start_new_session=True`` (the chart drawer, LibreOffice)
    and everything it started (its own process group), by id, and reap it."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows has no process groups
            proc.kill()
    except OSError:
        pass
    proc.communicate()


_shared: ChartDrawer | None = None
_shared_guard = threading.Lock()


def shared_drawer() -> ChartDrawer:
    """The process's one chart drawer (stopped when the process exits)."""
    global _shared
    with _shared_guard:
        if _shared is None:
            _shared = ChartDrawer()
            atexit.register(_shared.close)
        return _shared


def _write_all(fd: int, data: bytes, deadline: float) -> bool:
    view = memoryview(data)
    while view:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([], [fd], [], remaining)[1]:
            return False
        try:
            view = view[os.write(fd, view) :]
        except BlockingIOError:
            continue
        except OSError:  # the process has gone
            return False
    return True


def _read_exactly(fd: int, size: int, deadline: float) -> bytes | None:
    parts, got = [], 0
    while got < size:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            return None
        chunk = os.read(fd, min(size - got, 1 << 20))
        if not chunk:  # the process has gone
            return None
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


@dataclass
class _PendingChart:
    picture: Paragraph  # empty until the picture is drawn
    caption: Paragraph
    picture_png: Future[bytes | None]
    alt: str
    title: str
    not_available: str  # the note put in its place if it cannot be drawn, in the document's language


@dataclass
class _DocumentCharts:
    drawer: ChartDrawer
    pending: list[_PendingChart]


def _charts_of(doc: DocxDocument) -> _DocumentCharts:
    charts = getattr(doc, "_workbook_charts", None)
    if charts is None:
        charts = _DocumentCharts(shared_drawer(), [])
        doc._workbook_charts = charts  # type: ignore[attr-defined]  # the charts this document waits for
    return charts


def warm_charts(ctx: HasDocument) -> None:
    """A document that will have charts starts its drawing process at once (see ChartDrawer.warm)."""
    if ctx.charts:
        _charts_of(ctx.doc).drawer.warm()


def chart(ctx: HasDocument, fig, alt: str, caption: str, *, height: int = 560) -> None:
    """The chart as a picture with alt text for screen readers, or a note saying it is not available.
    The picture is drawn while the rest of the document is built, and put in place by ``save``."""
    if not ctx.charts:  # the caller asked for no pictures
        return
    say = getattr(ctx, "say", None)  # a draft's context: the document's language
    not_available = say("document.chart_not_available") if say is not None else _phrase("document.chart_not_available")
    if fig is None:
        note(ctx, not_available)
        return
    in_language = getattr(ctx, "figure_words", None)  # a Welsh or bilingual document: its words drawn in its language
    if in_language is not None:
        fig = in_language(fig)
    charts = _charts_of(ctx.doc)
    picture = ctx.doc.add_paragraph()
    caption_paragraph = ctx.doc.add_paragraph(safe_text(caption), style=NOTE_STYLE)
    charts.pending.append(
        _PendingChart(
            picture,
            caption_paragraph,
            charts.drawer.draw(chart_spec(fig, height=height)),
            safe_text(alt),
            safe_text(caption),
            safe_text(not_available),
        )
    )


def _place_charts(doc: DocxDocument) -> None:
    charts = getattr(doc, "_workbook_charts", None)
    if charts is None:
        return
    for number, pending in enumerate(charts.pending, start=1):
        step(f"Drawing chart {number} of {len(charts.pending)}", 0.9 + 0.09 * (number - 1) / len(charts.pending))
        png = pending.picture_png.result(timeout=CHART_TIMEOUT_SECONDS * 2)
        if png is None:
            pending.picture.text = pending.not_available
            pending.picture.style = doc.styles[NOTE_STYLE]
            pending.caption._p.getparent().remove(pending.caption._p)
            continue
        shape = pending.picture.add_run().add_picture(io.BytesIO(png), width=Inches(6.0))
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", pending.alt)
        doc_pr.set("title", pending.title)
    charts.pending.clear()


def save(doc: DocxDocument, brand: Brand = DEFAULT_BRAND) -> bytes:
    """The one way a document is written out: its charts (drawn meanwhile) put in place, every table
    fitted to the width of its page, then the bytes."""
    _place_charts(doc)
    step("Saving the document", 0.99)
    fit_tables(doc, brand)
    buffer = io.BytesIO()
    doc.save(buffer)
    step("Done", 1.0)
    return buffer.getvalue()


@dataclass
class DocContext:
    """What the shared Word helpers need: the document and whether to draw charts."""

    doc: DocxDocument
    partnership: Partnership
    charts: bool = True
    brand: Brand = DEFAULT_BRAND
    #: The contents list's field (its paragraph), filled with the headings when the document is finished.
    contents: Paragraph | None = None


def logo(doc: DocxDocument, brand: Brand, partnership_name: str, description: str | None = None) -> bool:
    """The partnership's logo, centred, with alt text naming the partnership (``description``: the alt
    text in the document's language, by default the English); a damaged one is left out."""
    if not brand.logo:
        return False
    try:
        doc.add_picture(io.BytesIO(brand.logo), width=Inches(1.8))
    except (ValueError, KeyError, ZeroDivisionError, TypeError):  # python-docx could not read the picture
        return False
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    alt = description if description is not None else _phrase("document.logo_alt", name=partnership_name)
    doc.inline_shapes[-1]._inline.docPr.set("descr", safe_text(alt))
    return True


def set_properties(doc: DocxDocument, *, title: str, subject: str, author: str, now: datetime, keywords: str = "") -> None:
    """The document's core properties: title, subject, author (the partnership), British English."""
    props = doc.core_properties
    props.title = safe_text(title)[:255]
    props.subject = safe_text(subject)[:255]
    props.author = safe_text(author)[:255]
    props.last_modified_by = safe_text(author)[:255]
    props.keywords = safe_text(keywords)[:255]
    props.language = "en-GB"
    props.created = props.modified = now.astimezone(UTC).replace(tzinfo=None)  # the properties are UTC
    props.comments = "Produced by the Child Sexual Abuse Strategy Workbook."


def footer_with_pages(section, text: str, pages: str) -> None:
    """One footer line: the text, then ``pages``, the page numbers in the document's language ("Page
    {page} of {pages}", the phrase ``document.pages``), their numbers filled in by Word and LibreOffice."""
    footer = section.footer.paragraphs[0]
    first, *rest = re.split(r"(\{page\}|\{pages\})", safe_text(pages))
    footer.text = safe_text(f"{text} · {first}")
    for part in rest:
        if part in ("{page}", "{pages}"):
            page_field(footer, "PAGE" if part == "{page}" else "NUMPAGES")
        elif part:
            footer.add_run(part)
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _phrase(key: str, language: str = "en", overrides: Mapping[str, str] | None = None, **values: object) -> str:
    """A fixed phrase of data/language/documents.yaml (strategy.core.phrases)."""
    return phrase(key, language, overrides, **values)


def new_document(
    partnership: Partnership,
    title: str,
    subtitle: str,
    now: datetime,
    *,
    charts: bool,
    lines: list[str],
    brand: Brand = DEFAULT_BRAND,
    landscape: bool = False,
    contents: bool = False,
    produced: str | None = None,
    language: str = "en",
    overrides: Mapping[str, str] | None = None,
) -> DocContext:
    """A document in the house style with a cover: the logo, the title first, the partnership under
    it, the subtitle and the given lines; A4 (``landscape`` for wide tables); its properties set; with
    ``contents``, a contents list under the cover, filled with the headings when it is finished.
    ``produced``: the cover's last line in the document's language (by default the English one);
    ``language`` and ``overrides`` (the partnership's corrections of the Welsh): the logo's alt text and
    the footer's page numbers in the document's language (strategy.word.language)."""
    doc = Document()
    if landscape:
        page_setup(doc.sections[0], landscape=True)
    ensure_styles(doc, brand)
    ctx = DocContext(doc, partnership, charts, brand)
    warm_charts(ctx)
    logo(doc, brand, partnership.name, _phrase("document.logo_alt", language, overrides, name=partnership.name))
    doc.add_paragraph(safe_text(title), style="Title")
    doc.add_paragraph(safe_text(partnership.name), style="Subtitle")
    if subtitle:
        doc.add_paragraph(safe_text(subtitle), style="Subtitle")
    for line in lines:
        doc.add_paragraph(safe_text(line))
    doc.add_paragraph(
        safe_text(produced)
        if produced is not None
        else _phrase("report.produced", date=uk_long_date(now.astimezone(UK).date()), version=__version__),
        style="Caption",
    )
    set_properties(doc, title=f"{partnership.name}: {title}", subject=title, author=partnership.name, now=now)
    footer_with_pages(
        doc.sections[0], f"{partnership.name} · {title}", _phrase("document.pages", language, overrides, page="{page}", pages="{pages}")
    )
    mark_pages(doc, brand.marking, partnership.name)
    if contents:
        ctx.contents = table_of_contents(doc)
    return ctx


def mark_pages(doc: DocxDocument, marking: str, name: str) -> None:
    """The classification marking once at the top and once at the foot of every page: in the first
    section's header and footer, which every later section shares (they are linked to it)."""
    if not marking:
        return
    first = doc.sections[0]
    header = first.header.paragraphs[0]
    header.text = safe_text(f"{marking} · {name}")
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    below = first.footer.add_paragraph(safe_text(marking))
    below.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.core_properties.category = safe_text(marking)[:255]


def shade(cell, colour: str) -> None:
    """Fill a table cell with a colour (RAG cells); the word is always in the cell too."""
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colour.lstrip("#"))
    tc_pr.append(shd)


def lines_of(text: str) -> list[str]:
    return [line.strip().lstrip("•-*✓ ").strip() for line in safe_text(text).split("\n") if line.strip().lstrip("•-*✓ ").strip()]


def long_day(iso: str | None) -> str:
    """A stored date (2027-03-31) the way prose gives it: "31 March 2027" ("" for none)."""
    if not iso:
        return ""
    try:
        return uk_long_date(date.fromisoformat(iso))
    except ValueError:
        return safe_text(iso)


def finish(ctx: DocContext) -> bytes:
    """The document's bytes, its contents list filled (if it has one), its charts in place and every
    table fitted to the width of its page first."""
    if ctx.contents is not None:
        fill_contents(ctx.doc, ctx.contents)
    return save(ctx.doc, ctx.brand)

"""The house style every document the workbook writes shares: A4 pages, the partnership's brand (an
accent colour and a font from short lists whose colours are checked for contrast), named styles for
headings, body, captions, call-outs and tables, tables sized to their content across the full text
width, lists that restart, headings numbered 1, 1.1, and a contents list written from the headings.

Pure functions on a python-docx document; no direct run formatting in the documents themselves."""

from __future__ import annotations

import re
from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass

from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.section import Section
from docx.shared import Emu, Mm, Pt, RGBColor
from docx.table import Table

#: A4, in every document and every section.
A4_SHORT, A4_LONG = Mm(210), Mm(297)
MARGIN = Mm(20)

#: The accent colours a partnership can choose (finalise.accent in the Finalise chapter). Each is dark
#: enough for white text on it (table header rows) and for coloured headings on white: contrast of at
#: least 4.5:1 both ways (WCAG 2.2, AA for normal text); a test checks every one.
ACCENTS = {
    "navy": "1D3F6E",
    "teal": "00625A",
    "purple": "5B2A86",
    "green": "2E6B30",
    "crimson": "9E1B32",
    "charcoal": "333F48",
}
DEFAULT_ACCENT = "navy"
#: The fonts on offer (finalise.font): plain sans-serif faces that read well on screen and in print.
FONTS = {"arial": "Arial", "verdana": "Verdana", "calibri": "Calibri"}
DEFAULT_FONT = "arial"

TABLE_STYLE = "Workbook Table"
TABLE_TEXT_STYLE = "Workbook Table Text"
TABLE_HEADER_STYLE = "Workbook Table Header"
CALLOUT_STYLE = "Workbook Call-out"
FRONT_HEADING_STYLE = "TOC Heading"  # built in: looks like a heading, never listed in the contents
TOC_STYLES = ("toc 1", "toc 2")  # Word's own names for the contents styles, so its updates use them

_TABLE_TEXT_PT = 9.5
_GREY_TEXT = RGBColor(0x40, 0x40, 0x40)


@dataclass(frozen=True)
class Brand:
    """The partnership's own look: accent colour (hex, no #), font name, and logo (PNG/JPEG bytes)."""

    accent: str = ACCENTS[DEFAULT_ACCENT]
    font: str = FONTS[DEFAULT_FONT]
    logo: bytes | None = None
    #: The classification marking printed once at the top and once at the foot of every page ("" for none).
    marking: str = ""

    @property
    def rgb(self) -> RGBColor:
        return RGBColor.from_string(self.accent)

    @property
    def tint(self) -> str:
        """A pale tint of the accent for call-out backgrounds (black text on it stays readable)."""
        r, g, b = (int(self.accent[i : i + 2], 16) for i in (0, 2, 4))
        return "".join(f"{round(c + (255 - c) * 0.9):02X}" for c in (r, g, b))


DEFAULT_BRAND = Brand()


def brand_from(accent_id: str | None, font_id: str | None, logo: bytes | None = None) -> Brand:
    """The brand for the stored choices; an unknown or empty choice falls back to the default."""
    return Brand(
        accent=ACCENTS.get(accent_id or "", ACCENTS[DEFAULT_ACCENT]), font=FONTS.get(font_id or "", FONTS[DEFAULT_FONT]), logo=logo
    )


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two colours given as hex ("1D3F6E")."""
    a, b = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


# --- Pages ---------------------------------------------------------------------------------------


def page_setup(section, *, landscape: bool = False) -> None:
    """A4 with 20 mm margins, portrait or landscape."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (A4_LONG, A4_SHORT) if landscape else (A4_SHORT, A4_LONG)
    section.left_margin = section.right_margin = MARGIN
    section.top_margin = section.bottom_margin = MARGIN
    section.header_distance = section.footer_distance = Mm(10)


def text_width(section) -> Emu:
    return Emu((section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0))


def is_landscape(section) -> bool:
    return (section.page_width or 0) > (section.page_height or 0)


# --- Styles --------------------------------------------------------------------------------------


def _fonts(rpr, font: str) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)


def _paragraph_style(doc: DocxDocument, name: str, base: str = "Normal"):
    styles = doc.styles
    if name in [s.name for s in styles]:
        return styles[name]
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base]
    return style


def house_style(doc: DocxDocument, brand: Brand = DEFAULT_BRAND) -> None:
    """Apply the house style and the brand to the document's styles (safe to call again)."""
    styles = doc.styles
    # Defaults for all text: the brand's font, 11 pt, British English for spelling and screen readers.
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr, brand.font)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-GB")
    lang.set(qn("w:eastAsia"), "en-GB")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    if spacing is not None:
        spacing.set(qn("w:after"), "120")
        spacing.set(qn("w:line"), "264")
    for name, size, space_before in (("Heading 1", 18, 0), ("Heading 2", 14, 14), ("Heading 3", 12, 10), ("Heading 4", 11, 8)):
        style = styles[name]
        _fonts(style.element.get_or_add_rPr(), brand.font)
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = brand.rgb if name != "Heading 4" else _GREY_TEXT
        style.paragraph_format.space_before = Pt(space_before)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    for name in ("Title", "Subtitle", FRONT_HEADING_STYLE):
        _fonts(styles[name].element.get_or_add_rPr(), brand.font)
    title = styles["Title"]
    title.font.size, title.font.bold, title.font.color.rgb = Pt(30), True, brand.rgb
    title.paragraph_format.space_after = Pt(18)
    subtitle = styles["Subtitle"]
    subtitle.font.size, subtitle.font.italic, subtitle.font.color.rgb = Pt(18), False, _GREY_TEXT
    front = styles[FRONT_HEADING_STYLE]
    front.font.size, front.font.color.rgb = Pt(20), brand.rgb
    caption = styles["Caption"]
    caption.font.size, caption.font.bold, caption.font.italic, caption.font.color.rgb = Pt(9), False, True, _GREY_TEXT
    quote = styles["Intense Quote"]
    quote.font.color.rgb = brand.rgb
    _callout(_paragraph_style(doc, CALLOUT_STYLE), brand)
    for i, name in enumerate(TOC_STYLES):
        toc = _paragraph_style(doc, name)
        toc.style_id = f"TOC{i + 1}"
        toc.element.attrib.pop(qn("w:customStyle"), None)  # Word's built-in style, not one of ours
        toc.paragraph_format.left_indent = Mm(6 * i)
        toc.paragraph_format.space_after = Pt(3 if i else 4)
        toc.font.bold = i == 0
        if not toc.paragraph_format.tab_stops:
            toc.paragraph_format.tab_stops.add_tab_stop(A4_SHORT - 2 * MARGIN, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    cell = _paragraph_style(doc, TABLE_TEXT_STYLE)
    cell.font.size = Pt(_TABLE_TEXT_PT)
    cell.paragraph_format.space_before, cell.paragraph_format.space_after = Pt(1), Pt(1)
    cell.paragraph_format.line_spacing = 1.0
    header = _paragraph_style(doc, TABLE_HEADER_STYLE, TABLE_TEXT_STYLE)
    header.font.bold = True
    header.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    _table_style(doc, brand)


def _callout(style, brand: Brand) -> None:
    """A call-out: a pale tint of the accent behind the text, a bar of the accent at its left."""
    ppr = style.element.get_or_add_pPr()
    for tag in ("w:pBdr", "w:shd"):
        old = ppr.find(qn(tag))
        if old is not None:
            ppr.remove(old)
    ppr.append(parse_xml(f'<w:pBdr {nsdecls("w")}><w:left w:val="single" w:sz="24" w:space="8" w:color="{brand.accent}"/></w:pBdr>'))
    ppr.append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{brand.tint}"/>'))
    style.paragraph_format.left_indent = Mm(3)
    style.paragraph_format.space_before = Pt(8)
    style.paragraph_format.space_after = Pt(8)


def _table_style(doc: DocxDocument, brand: Brand) -> None:
    """A table style with light grid lines and a header row shaded in the accent colour."""
    styles = doc.styles.element
    old = styles.find(f"{qn('w:style')}[@{qn('w:styleId')}='WorkbookTable']")
    if old is not None:
        styles.remove(old)
    border = '<w:{side} w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/>'
    borders = "".join(border.format(side=s) for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
    styles.append(
        parse_xml(
            f'<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="WorkbookTable">'
            f'<w:name w:val="{TABLE_STYLE}"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/>'
            f'<w:rPr><w:sz w:val="{int(_TABLE_TEXT_PT * 2)}"/></w:rPr>'
            f"<w:tblPr><w:tblBorders>{borders}</w:tblBorders>"
            '<w:tblCellMar><w:top w:w="43" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
            '<w:bottom w:w="43" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr>'
            '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:color w:val="FFFFFF"/></w:rPr>'
            f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{brand.accent}"/></w:tcPr></w:tblStylePr>'
            "</w:style>"
        )
    )


# --- Tables --------------------------------------------------------------------------------------


def _is_header(row) -> bool:
    tr_pr = row._tr.trPr
    return tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None


def _longest_word(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)


def _longest_line(text: str) -> int:
    return max((len(line) for line in text.split("\n")), default=0)


def _bounds(rows: list[list[str]], header_rows: int) -> tuple[list[int], list[int]]:
    """Each column's narrowest width (its longest word) and widest (its longest line), in EMU."""
    columns = max(len(r) for r in rows)
    pt = 12700  # EMU per point
    pad = 12 * pt  # cell margins and borders
    minimum, maximum = [pad] * columns, [pad] * columns
    for r, row in enumerate(rows):
        factor = 0.70 if r < header_rows else 0.62  # a bold header letter is wider
        for c, text in enumerate(row):
            minimum[c] = max(minimum[c], int(_longest_word(text) * _TABLE_TEXT_PT * factor * pt) + pad)
            maximum[c] = max(maximum[c], int(min(_longest_line(text), 400) * _TABLE_TEXT_PT * 0.5 * pt) + pad)
    return minimum, [max(a, b) for a, b in zip(minimum, maximum, strict=True)]


def column_widths(rows: list[list[str]], header_rows: int, width: int) -> list[int]:
    """Column widths (EMU) that add up to ``width``: each column at least as wide as its longest
    word (a word is never broken inside a cell where the page allows), the rest shared out in
    proportion to how much text each column holds (the way browsers lay out tables)."""
    minimum, maximum = _bounds(rows, header_rows)
    if sum(minimum) >= width:  # even the longest words do not fit: share the width by them
        return _share(width, minimum)
    if sum(maximum) <= width:  # everything fits on one line: fill the width in proportion
        return _share(width, maximum)
    spare = width - sum(minimum)
    flex = [b - a for a, b in zip(minimum, maximum, strict=True)]
    return _share(width, [a + spare * f / sum(flex) for a, f in zip(minimum, flex, strict=True)])


def _share(width: int, weights: Sequence[float]) -> list[int]:
    total = sum(weights) or 1
    out = [int(width * w / total) for w in weights]
    out[-1] += width - sum(out)
    return out


def _header_rows(table: Table) -> int:
    headers = 0
    for row in table.rows:
        if not _is_header(row):
            break
        headers += 1
    return headers


def _texts(table: Table) -> list[list[str]]:
    """The text of each grid cell, row by row (a merged cell's text in its first column)."""
    columns = len(table._tbl.tblGrid.findall(qn("w:gridCol")))
    texts: list[list[str]] = []
    for row in table.rows:
        cells = []
        for tc in row._tr.tc_lst:
            text = "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iterchildren(qn("w:p")))
            cells.append(text)
            cells.extend([""] * (tc.grid_span - 1))
        texts.append(cells[:columns] + [""] * (columns - len(cells)))
    return texts


def _set_style_id(p, style_id: str | None) -> None:
    """Give a paragraph (its XML) the style ``style_id``: the first child of its properties."""
    pPr = p.find(qn("w:pPr"))
    if pPr is None:
        pPr = OxmlElement("w:pPr")
        p.insert(0, pPr)
    old = pPr.find(qn("w:pStyle"))
    if old is not None:
        pPr.remove(old)
    if style_id:
        style = OxmlElement("w:pStyle")
        style.set(qn("w:val"), style_id)
        pPr.insert(0, style)


def fit_table(table: Table, width: int, brand: Brand, *, texts: list[list[str]] | None = None) -> None:
    """Style a table the house way and size its columns to its content across ``width`` (``texts``:
    the table's ``_texts``, when the caller has them already)."""
    if table.style is None or table.style.name in ("Normal Table", "Table Grid"):
        table.style = TABLE_STYLE
    headers = _header_rows(table)
    part = table.part
    header_id = part.get_style_id(TABLE_HEADER_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    text_id = part.get_style_id(TABLE_TEXT_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    for r, row in enumerate(table.rows):
        for tc in row._tr.tc_lst:
            for p in tc.iterchildren(qn("w:p")):
                # The style read and set in the XML: python-docx's paragraph.style scans every style of
                # the document for each cell (fifteen seconds for a large partnership's draft).
                if _style_id(p) in ("", "Normal"):
                    _set_style_id(p, header_id if r < headers else text_id)
            if r < headers:
                tc_pr = tc.get_or_add_tcPr()
                old = tc_pr.find(qn("w:shd"))
                if old is not None:
                    tc_pr.remove(old)
                tc_pr.append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{brand.accent}"/>'))
    grid = table._tbl.tblGrid.findall(qn("w:gridCol"))
    texts = _texts(table) if texts is None else texts  # styling the cells above changes no text
    if not grid or not texts:  # nothing to size
        return
    widths = column_widths(texts, headers, int(width))
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    for tag in ("w:tblW", "w:tblLayout", "w:tblLook"):
        old = tbl_pr.find(qn(tag))
        if old is not None:
            tbl_pr.remove(old)
    tbl_pr.append(parse_xml(f'<w:tblW {nsdecls("w")} w:w="{int(width) // 635}" w:type="dxa"/>'))
    tbl_pr.append(parse_xml(f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>'))
    tbl_pr.append(
        parse_xml(
            f'<w:tblLook {nsdecls("w")} w:val="{"0420" if headers else "0400"}" w:firstRow="{1 if headers else 0}" w:lastRow="0" '
            'w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
        )
    )
    for col, w in zip(grid, widths, strict=True):
        col.w = Emu(w)
    for row in table.rows:
        position = 0
        for tc in row._tr.tc_lst:
            span = tc.grid_span
            tc.width = Emu(sum(widths[position : position + span]))
            position += span


def section_of(element, body):
    """The section an element of the body belongs to: the next section break after it, or the last."""
    for sibling in element.itersiblings():
        if sibling.tag == qn("w:p"):
            sect = sibling.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
            if sect is not None:
                return sect
    return body.find(qn("w:sectPr"))


def _style_id(p) -> str:
    style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return style.get(qn("w:val")) if style is not None else ""


_HEADER_TAGS = ("w:headerReference", "w:footerReference", "w:titlePg")


def _section_break(sect_pr, *, landscape: bool, keep_header: bool = False):
    """A paragraph that ends a section laid out like ``sect_pr``, in the orientation asked for; its
    header and footer are those of the section before it unless ``keep_header``."""
    copy = deepcopy(sect_pr)
    if not keep_header:
        for tag in _HEADER_TAGS:
            for old in copy.findall(qn(tag)):
                copy.remove(old)
    size = copy.find(qn("w:pgSz"))
    long, short = str(int(A4_LONG) // 635), str(int(A4_SHORT) // 635)
    size.set(qn("w:w"), long if landscape else short)
    size.set(qn("w:h"), short if landscape else long)
    if landscape:
        size.set(qn("w:orient"), "landscape")
    else:
        size.attrib.pop(qn("w:orient"), None)
    kind = copy.find(qn("w:type"))
    if kind is not None:
        copy.remove(kind)
    p = OxmlElement("w:p")
    p_pr = OxmlElement("w:pPr")
    p_pr.append(copy)
    p.append(p_pr)
    return p


def _turn_landscape(tbl, sect_pr) -> None:
    """Give a table too wide for a portrait page a landscape page of its own, with the headings just
    before it and the captions just after it."""
    first = tbl
    while (before := first.getprevious()) is not None and before.tag == qn("w:p") and _style_id(before).startswith("Heading"):
        first = before
    last = tbl
    while (after := last.getnext()) is not None and after.tag == qn("w:p") and _style_id(after) == "Caption":
        last = after
    if first.getprevious() is not None:  # something before it in this section: that part stays portrait
        # The new first part takes the header and footer; the parts after it share them.
        first.addprevious(_section_break(sect_pr, landscape=False, keep_header=True))
        for tag in _HEADER_TAGS:
            for old in sect_pr.findall(qn(tag)):
                sect_pr.remove(old)
    last.addnext(_section_break(sect_pr, landscape=True))


def fit_tables(doc: DocxDocument, brand: Brand = DEFAULT_BRAND) -> None:
    """Every table in the document across the full text width of the page it is on; a table whose
    words cannot fit across a portrait page gets a landscape page."""
    body = doc.element.body
    for tbl in [child for child in body.iterchildren() if child.tag == qn("w:tbl")]:
        table = Table(tbl, doc._body)
        sect_pr = section_of(tbl, body)
        section = Section(sect_pr, doc.part)
        width = text_width(section)
        texts = _texts(table)
        if texts and texts[0] and not is_landscape(section) and sum(_bounds(texts, _header_rows(table))[0]) > width:
            _turn_landscape(tbl, sect_pr)
            width = Emu(A4_LONG - (section.left_margin or 0) - (section.right_margin or 0))
        fit_table(table, width, brand, texts=texts)


# --- Lists ---------------------------------------------------------------------------------------

_BULLET = re.compile(r"^\s*[-*•–]\s+(.*\S)")
_NUMBER = re.compile(r"^\s*\d{1,3}[.)]\s+(.*\S)")


def typed_list_item(line: str) -> tuple[str, str] | None:
    """("List Bullet" or "List Number", the text) for a line a person typed as "- ..." or "1. ...";
    None for an ordinary line."""
    for pattern, style in ((_BULLET, "List Bullet"), (_NUMBER, "List Number")):
        found = pattern.match(line)
        if found:
            return style, found.group(1)
    return None


def restart_numbering(doc: DocxDocument, paragraph) -> None:
    """Make a "List Number" paragraph start again at 1 (each numbered list counts from 1)."""
    numbering = doc.part.numbering_part.numbering_definitions._numbering
    style_num = doc.styles["List Number"].element.pPr.numPr.numId.val
    abstract = next(n for n in numbering.num_lst if n.numId == style_num).abstractNumId.val
    num = numbering.add_num(abstract)
    num.add_lvlOverride(ilvl=0).add_startOverride(1)
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num.numId


# --- Numbered headings and the contents ----------------------------------------------------------

_SECTION_NUMBER = re.compile(r"^(\d+)\.\s")


def style_names(doc: DocxDocument) -> dict[str, str]:
    """Each style's name by its id, read once: python-docx's ``paragraph.style`` scans every style of
    the document for each paragraph it is asked about."""
    return {s.style_id: s.name for s in doc.styles}


def number_headings(doc: DocxDocument) -> dict[int, str]:
    """Number the second-level headings under each numbered section 1.1, 1.2... with Word's own
    list numbering (the heading's text stays as written). Returns each numbered paragraph's label
    by its position in ``doc.paragraphs``."""
    numbering = doc.part.numbering_part.numbering_definitions._numbering
    ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    abstract_id = max(ids, default=0) + 1
    levels = (
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:suff w:val="nothing"/><w:lvlText w:val=""/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:suff w:val="space"/>'
        '<w:lvlText w:val="%1.%2"/><w:pPr><w:ind w:left="0" w:firstLine="0"/></w:pPr></w:lvl>'
    )
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}"><w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'
    )
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    num_id = numbering.add_num(abstract_id).numId
    labels: dict[int, str] = {}
    section, sub = None, 0
    names = style_names(doc)
    for i, p in enumerate(doc.paragraphs):
        name = names.get(_style_id(p._p), "Normal")
        if name == "Heading 1":
            found = _SECTION_NUMBER.match(p.text)
            section, sub = (int(found.group(1)), 0) if found else (None, 0)
            level = 0
        elif name == "Heading 2" and section is not None:
            sub += 1
            level = 1
            labels[i] = f"{section}.{sub}"
        else:
            continue
        if section is None:
            continue
        num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = level
        num_pr.get_or_add_numId().val = num_id
    return labels


def _field_run(paragraph, instruction: str) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def _field_end(paragraph) -> None:
    el = OxmlElement("w:fldChar")
    el.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(el)


def fill_contents(doc: DocxDocument, placeholder, labels: dict[int, str] | None = None) -> list[str]:
    """Write the contents list into the table-of-contents field at ``placeholder`` (a paragraph):
    one entry per first- and second-level heading after it, each with a PAGEREF field to a bookmark
    on its heading, so the list reads before anyone updates it and Word can still update it.
    Returns the entries' texts."""
    labels = labels or {}
    entries: list[tuple[str, str, int]] = []  # text, bookmark, level
    after = False
    bookmark = 0
    names = style_names(doc)
    for i, p in enumerate(doc.paragraphs):
        if p._p is placeholder._p:
            after = True
            continue
        name = names.get(_style_id(p._p), "Normal")
        if not after or name not in ("Heading 1", "Heading 2") or not p.text.strip():
            continue
        bookmark += 1
        mark = f"_Toc{bookmark:08d}"
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(900000 + bookmark))
        start.set(qn("w:name"), mark)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(900000 + bookmark))
        p._p.insert(1 if p._p.pPr is not None else 0, start)
        p._p.append(end)
        text = f"{labels[i]} {p.text}" if i in labels else p.text
        entries.append((text, mark, 0 if name == "Heading 1" else 1))
    if not entries:
        return []
    anchor = placeholder
    written = []
    for n, (text, mark, level) in enumerate(entries):
        para = anchor.insert_paragraph_before(style=TOC_STYLES[level])
        if n == 0:
            _field_run(para, ' TOC \\o "1-2" \\h \\z \\u ')
        para.add_run(text + "\t")
        _field_run(para, f" PAGEREF {mark} \\h ")
        para.add_run()._r.append(OxmlElement("w:t"))  # the page number, filled in where the document is rendered
        _field_end(para)
        if n == len(entries) - 1:
            _field_end(para)
        written.append(text)
    placeholder._p.getparent().remove(placeholder._p)
    return written

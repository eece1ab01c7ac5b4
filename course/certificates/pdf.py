"""The certificate as a PDF: A4 landscape, in the page's language.

Made with fpdf2 (pure Python, actively maintained): it embeds TrueType fonts
as subsets with a ToUnicode map, so every letter of the four languages
renders and the text stays extractable (screen readers, pdftotext, search).
The font is Source Sans Pro from the `font-source-sans-pro` package on PyPI
(SIL Open Font License), so no system font is needed. The QR code is drawn
as vector squares from segno's matrix: sharp at any print size.
"""
from pathlib import Path

import font_source_sans_pro
import segno
from flask_babel import format_date, format_percent, gettext as _, ngettext
from fpdf import FPDF

from .summary import CertificateView

FONT_DIR = Path(font_source_sans_pro.font_directory)
FONT = "SourceSans"
FONT_FILES = {"": "SourceSansPro-Regular.ttf", "B": "SourceSansPro-Bold.ttf", "I": "SourceSansPro-It.ttf"}

INK = (29, 36, 51)
MUTED = (85, 96, 122)
ACCENT = (31, 95, 191)
GOLD = (138, 109, 29)
LINE = (190, 194, 204)


def _duration(minutes: int) -> str:
    """As the pages' `duration` macro writes it."""
    if minutes < 60:
        return ngettext("%(num)s minute", "%(num)s minutes", minutes)
    hours = ngettext("%(num)s hour", "%(num)s hours", minutes // 60)
    rest = minutes % 60
    return f"{hours} {ngettext('%(num)s minute', '%(num)s minutes', rest)}" if rest else hours


class _Certificate(FPDF):
    def fitted(self, text: str, style: str, size: float, width: float, min_size: float = 10) -> None:
        """One centred line, the font made smaller until the text fits `width`."""
        self.set_font(FONT, style, size)
        while size > min_size and self.get_string_width(text) > width:
            size -= 0.5
            self.set_font(FONT, style, size)
        self.cell(0, size * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT")

    def qr(self, url: str, x: float, y: float, size: float) -> None:
        """The QR code as filled squares, a row's dark run as one rectangle."""
        matrix = segno.make(url, error="m").matrix
        module = size / len(matrix)
        self.set_fill_color(0, 0, 0)
        for row, cells in enumerate(matrix):
            col = 0
            while col < len(cells):
                if cells[col]:
                    start = col
                    while col < len(cells) and cells[col]:
                        col += 1
                    self.rect(x + start * module, y + row * module, (col - start) * module, module, style="F")
                else:
                    col += 1


def certificate_pdf(cv: CertificateView, lang: str) -> bytes:
    """The PDF's bytes. Call inside a request (or force_locale) speaking `lang`."""
    title = _("Certificate of completion")
    pdf = _Certificate(orientation="landscape", unit="mm", format="A4")
    for style, name in FONT_FILES.items():
        pdf.add_font(FONT, style, str(FONT_DIR / name))
    pdf.set_lang(lang)
    pdf.set_title(f"{title}: {cv.course_title}, {cv.name}")
    pdf.set_author("Aula")
    pdf.set_subject(cv.course_title)
    pdf.set_creator("Aula")
    pdf.set_creation_date(cv.certificate.issued_at)
    pdf.set_auto_page_break(False)
    pdf.set_margins(28, 20, 28)
    pdf.add_page()
    width, height = pdf.w, pdf.h
    inner = width - 56

    # A double frame, like the page's card.
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, width - 20, height - 20)
    pdf.set_line_width(0.4)
    pdf.rect(13, 13, width - 26, height - 26)

    pdf.set_y(22)
    pdf.set_text_color(*ACCENT)
    pdf.set_char_spacing(3)
    pdf.fitted("AULA", "B", 13, inner)
    pdf.set_char_spacing(0)
    pdf.ln(2)
    pdf.set_text_color(*INK)
    pdf.fitted(title, "B", 30, inner)
    pdf.ln(5)
    pdf.set_text_color(*MUTED)
    pdf.fitted(_("This certifies that"), "I", 14, inner)
    pdf.ln(3)
    pdf.set_text_color(*INK)
    pdf.fitted(cv.name, "B", 32, inner, min_size=14)
    pdf.ln(3)
    pdf.set_text_color(*MUTED)
    pdf.fitted(_("has completed the course"), "I", 14, inner)
    pdf.ln(3)
    pdf.set_text_color(*INK)
    pdf.fitted(cv.course_title, "B", 22, inner)
    pdf.ln(2)
    pdf.fitted(_("Completed on %(date)s", date=format_date(cv.completed_on, "long")), "", 13, inner)
    pdf.ln(4)

    # Each module and its final-quiz score, then the study time.
    table_width = 150
    left = (width - table_width) / 2
    pdf.set_font(FONT, "", 11)
    pdf.set_draw_color(*LINE)
    pdf.set_line_width(0.2)
    for line in cv.modules:
        label = f"{_('Module %(n)s', n=line.number)}: {line.title}"
        score = format_percent(line.score / 100) if line.score is not None else "–"
        pdf.set_x(left)
        pdf.set_text_color(*INK)
        pdf.cell(table_width - 25, 6.5, label, border="B")
        pdf.cell(25, 6.5, score, border="B", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_text_color(*MUTED)
    pdf.fitted(_("Study time: %(time)s", time=_duration(cv.minutes)), "", 11, inner)

    # The verification corner: the QR code, the address and the id.
    qr_size = 30
    qr_x, qr_y = width - 28 - qr_size, height - 20 - qr_size
    pdf.qr(cv.verify_url, qr_x, qr_y, qr_size)
    pdf.set_text_color(*MUTED)
    pdf.set_font(FONT, "", 9.5)
    text_width = qr_x - 28 - 6
    pdf.set_xy(28, qr_y + 6)
    pdf.multi_cell(text_width, 4.5, _("Anyone can check this certificate, without an account, at:"),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*ACCENT)
    pdf.cell(text_width, 5, cv.verify_url, link=cv.verify_url, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*MUTED)
    pdf.cell(text_width, 5, _("Certificate id: %(id)s", id=cv.display_id), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())

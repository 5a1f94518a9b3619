"""The progress report as a PDF: the HTML report (report_html) laid out on A4 by WeasyPrint.

WeasyPrint is an optional extra (`pip install 'tracker[pdf]'`) with system libraries (Pango);
it is imported only here. The same report gives the same bytes: the document's dates are the
as-of date, never the clock, and the PDF carries no random identifier."""

from __future__ import annotations

from datetime import date
from typing import Any

from tracker.errors import TrackerError
from tracker.render.report_html import report_html
from tracker.reports import Report

INSTALL_HINT = (
    "--format pdf needs WeasyPrint: pip install 'tracker[pdf]' "
    "(and its system libraries, e.g. apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
    "libharfbuzz-subset0 fonts-noto-cjk)"
)


def load_weasyprint() -> Any:
    """The weasyprint module, or a TrackerError (exit 1) saying how to install it."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the package is there, Pango is not
        raise TrackerError(f"{INSTALL_HINT} ({type(exc).__name__}: {exc})") from None
    return weasyprint


def page_css(as_of: date) -> str:
    """A4 pages with the title and as-of date at the top and page numbers at the bottom.
    Latin text in Noto Sans or DejaVu, Chinese in Noto Sans CJK (fonts-noto-cjk). WeasyPrint
    gives these rules user origin, below the template's own CSS, hence !important."""
    day = as_of.isoformat()  # digits and dashes only: safe inside a CSS string
    margin_text = "font: 8pt 'Noto Sans', 'DejaVu Sans', sans-serif; color: #5b6470;"
    return f"""
@page {{
  size: A4;
  margin: 18mm 14mm 16mm;
  @top-left {{ content: "Progress report"; {margin_text} }}
  @top-right {{ content: "as of {day}"; {margin_text} }}
  @bottom-center {{ content: "Page " counter(page) " of " counter(pages); {margin_text} }}
}}
html {{ font-size: 9pt !important; }}
body {{
  font-family: "Noto Sans", "DejaVu Sans", "Noto Sans CJK SC", "Noto Sans CJK", sans-serif
    !important;
  font-size: 9pt !important;
}}
main {{ max-width: none !important; padding: 0 !important; }}
h1 {{ font-size: 16pt !important; }}
h2 {{ font-size: 12pt !important; margin-top: 16pt !important; }}
table {{ font-size: 8pt !important; }}
th, td {{ padding: 3pt 4pt !important; }}
th {{ white-space: normal !important; }}
thead {{ display: table-header-group !important; }}
.scroll {{ overflow: visible !important; }}
.cards {{ display: block !important; }}
.card {{
  display: inline-block !important; width: 55mm !important; margin: 0 3mm 3mm 0 !important;
  vertical-align: top;
}}
.key {{ font-family: "DejaVu Sans Mono", monospace !important; }}
meter {{ display: none !important; }}  /* its fallback text repeats the percentage beside it */
"""


def report_pdf(report: Report) -> bytes:
    weasyprint = load_weasyprint()
    # The report is self-contained: nothing but data: URLs may be fetched while laying it out.
    fetcher = weasyprint.URLFetcher(allowed_protocols=("data",), fail_on_errors=True)
    html = weasyprint.HTML(string=report_html(report), url_fetcher=fetcher)
    css = weasyprint.CSS(string=page_css(report.as_of))
    document = html.render(stylesheets=[css])
    stamp = report.as_of.isoformat()
    document.metadata.created = stamp
    document.metadata.modified = stamp
    document.metadata.generator = "tracker"
    pdf: bytes = document.write_pdf()
    return pdf

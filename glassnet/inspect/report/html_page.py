"""The HTML of the report: one page, its styles inline, every picture embedded.

Everything a user supplied (names, numbers, text) goes through :func:`html.escape`;
pictures are PNG data URIs, so the file opens anywhere without a network.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from typing import Any

from glassnet.inspect.plots._figure import figure_bytes

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       background: #f6f7f9; color: #1d2430; line-height: 1.5; }
main { max-width: 980px; margin: 0 auto; padding: 24px 28px 60px; background: #fff; }
h1 { font-size: 1.9em; margin-bottom: 0.1em; }
h2 { font-size: 1.35em; border-bottom: 2px solid #e3e7ee; padding-bottom: 4px; margin-top: 1.8em; }
.lead { color: #4a5568; margin-top: 0; }
figure { margin: 12px 0 20px; text-align: center; }
figure img { max-width: 100%; height: auto; border: 1px solid #e3e7ee; border-radius: 4px; }
figcaption { color: #4a5568; font-size: 0.95em; max-width: 760px; margin: 6px auto 0; }
table { border-collapse: collapse; margin: 10px 0 14px; font-size: 0.95em; }
th, td { border: 1px solid #d9dee7; padding: 4px 10px; text-align: right; }
th { background: #eef2f7; } td:first-child, th:first-child { text-align: left; }
pre { background: #f3f5f8; border: 1px solid #e3e7ee; padding: 10px; overflow-x: auto;
      font-size: 0.82em; line-height: 1.35; }
.note { color: #4a5568; font-size: 0.95em; }
.verdict { background: #eef6ee; border-left: 4px solid #3a8a3a; padding: 8px 12px; }
"""


def escape(value: Any) -> str:
    return html.escape(str(value), quote=True)


def image(figure: Any, alt: str, caption: str) -> str:
    """A figure embedded as a PNG data URI, with alternative text and a caption."""
    data = base64.b64encode(figure_bytes(figure, "png", dpi=90)).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{escape(alt)}">'
        f"<figcaption>{escape(caption)}</figcaption></figure>"
    )


def table(headers: Sequence[Any], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def paragraph(text: str, css: str = "note") -> str:
    return f'<p class="{css}">{escape(text)}</p>'


def preformatted(text: str) -> str:
    return f"<pre>{escape(text)}</pre>"


def section(anchor: str, heading: str, body: str) -> str:
    return f'<section id="{escape(anchor)}"><h2>{escape(heading)}</h2>{body}</section>'


def page(title: str, lead: str, sections: Sequence[str]) -> str:
    """The whole document: no external stylesheet, script, font or image."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f'<body><main><h1>{escape(title)}</h1><p class="lead">{escape(lead)}</p>'
        + "".join(sections)
        + "</main></body></html>\n"
    )

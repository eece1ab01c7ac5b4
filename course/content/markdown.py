"""Markdown to safe HTML: markdown-it-py renders, nh3 sanitises."""
from functools import lru_cache

import nh3
from markupsafe import Markup


@lru_cache(maxsize=1)
def _markdown():
    """The parser, made when the first text is rendered: a process that renders none (a `flask`
    command, a worker before its first page) does not import markdown-it (about 50 ms)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(
        ["table", "strikethrough", "replacements", "smartquotes"]
    )

ALLOWED_TAGS = {
    "p", "a", "strong", "em", "del", "code", "pre", "blockquote", "br", "hr",
    "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


@lru_cache(maxsize=None)
def render(text: str | None) -> Markup:
    """Block Markdown (paragraphs, lists, headings) as sanitised HTML."""
    if not text:
        return Markup("")
    return Markup(_clean(_markdown().render(text)))


@lru_cache(maxsize=None)
def render_inline(text: str | None) -> Markup:
    """One line of Markdown (emphasis, links, code) as sanitised HTML."""
    if not text:
        return Markup("")
    return Markup(_clean(_markdown().renderInline(text)))

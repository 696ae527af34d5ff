"""E-mail HTML made safe to look at: nh3 (ammonia) keeps formatting and drops everything active.

The sanitized body is still shown only inside `<iframe sandbox="">` under a CSP that allows no
script and no network (`default-src 'none'; img-src data:; style-src 'unsafe-inline'`): three
independent layers, so a gap in one (a sanitizer bug, a browser quirk) runs nothing. Remote images
are dropped, because loading one tells the sender that, when and from where the mail was read.
"""

from __future__ import annotations

import nh3

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "center", "code", "col", "colgroup", "dd", "del", "div", "dl", "dt",
    "em", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "li", "ol", "p", "pre", "q", "s",
    "small", "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul",
}
_COMMON = {"align", "valign", "width", "height", "bgcolor", "color", "border", "cellpadding", "cellspacing", "colspan",
           "rowspan", "dir", "lang", "title", "style"}
# Inline style survives for layout and emphasis; anything that could fetch (url(), @import) is not here.
STYLE_PROPERTIES = {
    "color", "background-color", "font", "font-family", "font-size", "font-style", "font-weight", "text-align",
    "text-decoration", "line-height", "margin", "margin-left", "margin-right", "margin-top", "margin-bottom",
    "padding", "padding-left", "padding-right", "padding-top", "padding-bottom", "border", "border-collapse",
    "width", "max-width", "height", "vertical-align", "white-space", "list-style-type",
}
ATTRIBUTES = {
    "*": _COMMON,
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height"},
    "font": {"face", "size", "color"},
}
URL_SCHEMES = {"http", "https", "mailto", "data"}

BODY_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"


def _filter(element: str, attribute: str, value: str) -> str | None:
    """Drop remote image sources (tracking pixels) and every data: URL except images on <img>."""
    lowered = value.strip().lower()
    if attribute == "src":
        return value if element == "img" and lowered.startswith("data:image/") and not lowered.startswith("data:image/svg") else None
    if attribute == "href" and lowered.startswith("data:"):
        return None
    return value


def sanitize_email_html(html: str) -> str:
    """The body as HTML that can carry no script, event handler, form, frame, or remote load."""
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_filter,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        filter_style_properties=STYLE_PROPERTIES,
    )


def email_document(html: str) -> str:
    """A whole page for the sandboxed frame: the sanitized body on a readable default style."""
    body = sanitize_email_html(html)
    return (
        "<!doctype html><html><head><meta charset=\"utf-8\">"
        "<style>body{font:15px/1.5 system-ui,sans-serif;margin:12px;color:#111;background:#fff;overflow-wrap:anywhere}"
        "img{max-width:100%;height:auto}table{max-width:100%}</style></head><body>"
        f"{body}</body></html>"
    )


LETTER_TAGS = {"h1", "h2", "h3", "h4", "p", "ul", "ol", "li", "strong", "em", "code", "table", "thead", "tbody", "tr",
               "th", "td", "br", "hr", "blockquote"}


def sanitize_letter_html(html: str) -> str:
    """The deficiency letter's preview (Markdown rendered with raw HTML off): structure only, no
    attributes, so a field value or file name quoted in the letter cannot become markup."""
    return nh3.clean(html, tags=LETTER_TAGS, attributes={}, link_rel=None)

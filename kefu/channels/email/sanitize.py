"""Customer HTML shown to agents: only harmless tags survive; remote images are dropped unless allowed,
since loading one tells the sender that (and when) the mail was read."""

import html as html_lib
import re

import nh3

_TAGS = {
    "a", "b", "blockquote", "br", "code", "div", "em", "font", "h1", "h2", "h3", "h4", "hr", "i", "img", "li",
    "ol", "p", "pre", "span", "strong", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
}
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}, "td": {"colspan", "rowspan"},
               "th": {"colspan", "rowspan"}}


def _image_filter(allow_remote: bool):
    def keep(element: str, attribute: str, value: str) -> str | None:
        if element == "img" and attribute == "src":
            if value.startswith(("cid:", "data:image/")):
                return value
            return value if allow_remote else None
        return value
    return keep


def sanitize_html(raw: str, *, allow_remote_images: bool = False) -> str:
    return nh3.clean(
        raw, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "mailto", "cid", "data"},
        link_rel="noopener noreferrer nofollow", attribute_filter=_image_filter(allow_remote_images),
    )


_BLOCK = re.compile(r"(?i)<\s*(br|/p|/div|/tr|/li|/h\d)\b[^>]*>")


def html_to_text(raw: str) -> str:
    """A readable plain text of an HTML-only mail for the thread."""
    cleaned = nh3.clean(_BLOCK.sub("\n", raw), tags=set(), clean_content_tags={"script", "style", "head", "title"})
    text = html_lib.unescape(cleaned)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()

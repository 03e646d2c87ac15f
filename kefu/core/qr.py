"""QR codes drawn on the server (segno, pure Python): no CDN, works on an intranet with no internet."""

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(text: str, *, scale: int = 4) -> SafeString:
    """An inline <svg> of the text's QR code (error correction M: survives a smudged phone screen)."""
    svg = segno.make(text, error="m", micro=False).svg_inline(scale=scale, dark="#14213d", light="#fff")
    return mark_safe(svg)  # noqa: S308 - segno's output contains no caller text except as QR modules

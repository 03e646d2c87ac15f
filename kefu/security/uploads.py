"""What an uploaded file really is, read from its first bytes rather than from what the sender declared."""

ZIP_BASED = {
    "application/zip",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
_SIGNATURES: list[tuple[bytes, str]] = [
    (b"\x89PNG", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
    (b"PK\x05\x06", "application/zip"),  # an empty archive
    (b"ID3", "audio/mpeg"),
    (b"\xff\xfb", "audio/mpeg"),
    (b"\xff\xf3", "audio/mpeg"),
    (b"\xff\xf2", "audio/mpeg"),
]


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError:
            # The head may cut a multi-byte character in half: retry without the last three bytes.
            try:
                head[:-3].decode(encoding)
                return True
            except UnicodeDecodeError:
                continue
    return False


def sniff(head: bytes, declared: str) -> str | None:
    """The content type the bytes show (the declared one when they agree), or None when unknown.

    Office documents are zip archives: a zip declared as .docx/.xlsx keeps that declared type.
    """
    declared = (declared or "").split(";")[0].strip().lower()
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            if content_type == "application/zip" and declared in ZIP_BASED:
                return declared
            return content_type
    # Text has no signature: believe it only when the sender also said text (or said nothing), so a
    # program declared as one is not let in because its first bytes happen to decode.
    if _looks_like_text(head) and (declared.startswith("text/") or declared in {"", "application/octet-stream"}):
        return "text/plain"
    return None


def read_head(upload, size: int = 2048) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head

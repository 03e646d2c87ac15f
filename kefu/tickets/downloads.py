from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404

from .models import Attachment
from .selectors import ticket_get


@login_required
def attachment_download(request, number: str, attachment_id: int):
    """Attachments are served only through this check, never as public media files."""
    ticket = ticket_get(request.user, number)
    attachment = Attachment.objects.filter(pk=attachment_id, message__ticket=ticket).select_related("message").first()
    if attachment is None:
        raise Http404("附件不存在")
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name,
                        content_type=attachment.content_type)

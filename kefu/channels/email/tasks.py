from huey.contrib.djhuey import db_task

from .outbound import mail_deliver


@db_task(retries=4, retry_delay=60)
def mail_send_task(outbound_id: int) -> str:
    return mail_deliver(outbound_id)

from django.dispatch import Signal

# Sent by notify / notify_many inside the caller's transaction with ``notices``: the Notification rows just
# created (inserted together, so no post_save is sent for them). The live workspace announces them.
notified = Signal()

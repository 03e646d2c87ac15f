from django.dispatch import Signal

# Sent after a work order's transaction commits (creation, status, assignment, message...).
# The SLA clocks listen to recompute due times.
ticket_changed = Signal()

# Sent inside the transaction that adds a message to a work order's thread (reply, note, customer
# message), so that a channel can record its outbound copy atomically with the message (e-mail).
message_added = Signal()

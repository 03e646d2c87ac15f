from django.dispatch import Signal

# Sent after a work order's transaction commits (creation, status, assignment, message...).
# The SLA clocks listen to recompute due times.
ticket_changed = Signal()

# Sent inside ticket_create's transaction, once the row has its id: listeners that add rows belonging to
# the new order (the SLA clocks) write them in the same transaction, and may set the order's due fields
# in memory, which ticket_create saves with its number in one UPDATE. ticket_changed follows after
# commit with created=True.
ticket_created = Signal()

# Sent inside the transaction that adds a message to a work order's thread (reply, note, customer
# message), so that a channel can record its outbound copy atomically with the message (e-mail).
message_added = Signal()

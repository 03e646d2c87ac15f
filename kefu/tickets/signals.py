from django.dispatch import Signal

# Sent after a work order's transaction commits (creation, status, assignment, message...).
# The SLA clocks listen to recompute due times.
ticket_changed = Signal()

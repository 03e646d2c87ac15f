"""What the SLA app tells others (reports keep rollups that read clocks and calendars)."""

from django.dispatch import Signal

# Sent inside the transaction of each chunk of open orders whose clocks a calendar or policy change
# recomputed in bulk (no ticket_changed is sent for them). Argument: ticket_ids.
clocks_recomputed = Signal()

# Sent inside the transaction of a calendar's edit: its weekly schedule (days None) or its days from
# days[0] to days[1] changed. Arguments: calendar_id, days. Not sent when a team or the default switches
# calendar: past orders keep the working time of the calendar they were worked under.
calendar_days_changed = Signal()

from django.contrib import admin

from .models import Calendar, CalendarException, SlaClock, SlaPolicy


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ["ticket_type", "priority", "first_response", "first_response_unit", "next_response",
                    "next_response_unit", "resolution", "resolution_unit", "warning_share"]


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "is_default", "observes_holidays", "start_day_cutoff"]


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    list_display = ["calendar", "day", "kind", "name"]
    list_filter = ["calendar", "kind"]


@admin.register(SlaClock)
class SlaClockAdmin(admin.ModelAdmin):
    list_display = ["ticket", "kind", "started_at", "due_at", "stopped_at", "provisional"]
    raw_id_fields = ["ticket"]

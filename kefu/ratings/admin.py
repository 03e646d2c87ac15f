from django.contrib import admin

from .models import RatingAdjustment, RatingConfig


@admin.register(RatingConfig)
class RatingConfigAdmin(admin.ModelAdmin):
    list_display = ["__str__", "min_sample", "updated_at"]


@admin.register(RatingAdjustment)
class RatingAdjustmentAdmin(admin.ModelAdmin):
    """Read-only: adjustments are made on the rating page and are their own audit trail."""

    list_display = ["agent", "period", "computed_stars", "stars", "by", "created_at"]
    readonly_fields = [f.name for f in RatingAdjustment._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

from django.contrib import admin

from .models import Customer


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("name", "salutation", "company", "region", "vip_level", "updated_at")
    search_fields = ("name", "company", "phones_index")
    list_filter = ("vip_level", "region")
    readonly_fields = ("phones_index", "created_at", "updated_at", "created_by")

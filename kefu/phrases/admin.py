from django.contrib import admin

from .models import Phrase


@admin.register(Phrase)
class PhraseAdmin(admin.ModelAdmin):
    list_display = ("text", "situation", "shortcut", "position", "is_active")
    list_filter = ("situation", "is_active")
    list_editable = ("position", "is_active")

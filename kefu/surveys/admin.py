from django.contrib import admin

from .models import Question, Questionnaire, SurveyRule


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["order", "code", "kind", "text", "labels", "required"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["name", "is_default", "is_active", "updated_at"]
    inlines = [QuestionInline]


@admin.register(SurveyRule)
class SurveyRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "send_on_resolve", "questionnaire"]

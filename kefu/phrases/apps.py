from django.apps import AppConfig


class PhrasesConfig(AppConfig):
    name = "kefu.phrases"
    label = "phrases"

from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "wangge.assessment"
    label = "assessment"
    verbose_name = "考核统计"

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "monespace.notifications"
    label = "notifications"

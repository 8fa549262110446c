def unread_notifications(request):
    """The bell's count: kept on the user's row by the notification services (no query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notification_count": user.unread_notifications}

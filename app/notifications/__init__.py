"""In-app notifications shared by the features: ``notify()`` and the header's unread count."""

from flask import Flask

from app.notifications.services import NAMESPACE, mark_read, notify, serialize, unread_count


def register(app: Flask) -> None:
    from app.api import api
    from app.notifications import api as endpoints
    from app.notifications.home import latest_notifications
    from app.plugins import registry
    from app.realtime import socketio

    registry(app).home_sections.append((14, latest_notifications))
    api.register_blueprint(endpoints.blp)
    app.register_blueprint(endpoints.pages)
    socketio.on_namespace(endpoints.NotificationsNamespace(NAMESPACE))

    @app.context_processor
    def _unread() -> dict[str, object]:
        from app.accounts.auth import get_current_user

        user = get_current_user()
        return {"notification_count": unread_count(user.id) if user else 0}


__all__ = ["NAMESPACE", "mark_read", "notify", "register", "serialize", "unread_count"]

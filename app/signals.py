"""Signals that let lower layers tell upper ones what happened, without importing them.

Every signal is sent inside the transaction of the change it tells of: what the receivers
change in the session is committed (or rolled back) with it, and what must wait for the
commit (a mail, a push, closing or kicking sockets) is queued with ``app.db.after_commit``.
``directory`` sends ``membership_changed`` when a member leaves or
changes role; ``forums``/``messaging``/``projects`` react (drop access, kick sockets from
rooms).
"""

from blinker import Namespace

_signals = Namespace()

#: sender: the app; kwargs: credential_ids (list[int]), user_id (int)
credentials_revoked = _signals.signal("credentials-revoked")
#: sender: the app; kwargs: association_id (int), user_id (int), role (str | None: removed)
membership_changed = _signals.signal("membership-changed")
#: sender: the app; kwargs: user_id (int)
user_created = _signals.signal("user-created")
#: sender: the app; kwargs: user_id (int). Sent before the commit of a new password: features
#: that keep a secret of their own for the person (a calendar feed URL) replace or drop it in
#: the same transaction, so a leaked secret dies with the old password.
password_changed = _signals.signal("password-changed")
#: sender: the app; kwargs: user_id (int). Sent before the commit of an account deletion:
#: features erase the person's personal data they hold (secrets, private settings) in the same
#: transaction; authored content stays and shows "Deleted user".
user_erased = _signals.signal("user-erased")

#: sender: the app; kwargs: subjects (list[str]). What these keys named (see
#: ``Registry.subject_chat``) is gone for good: the conversations about them are deleted with
#: their messages, in the same transaction (an offer purged 30 days after it ended).
subjects_ended = _signals.signal("subjects-ended")

#: sender: the app; kwargs: user_id (int: whose presence), from_ids (list[int] | None: the
#: people who may no longer see it; None: everyone who could). A block or hidden presence.
presence_withdrawn = _signals.signal("presence-withdrawn")

__all__ = [
    "credentials_revoked",
    "membership_changed",
    "password_changed",
    "presence_withdrawn",
    "subjects_ended",
    "user_created",
    "user_erased",
]

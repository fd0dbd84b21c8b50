"""HTML forms of the library (Flask-WTF: CSRF token included, errors beside the fields).

A document's details, a consent and an authorisation go through the API schema of the same
write (``library.schemas``), whose reasons are shown beside their fields; the service's
refusals (a file the library does not take, a consent a photo needs first) are too
(``app.edge.errors_beside_fields``). The fields keep the text as typed, so that a refused
form shows it again unchanged. Withdrawing a consent and closing an obligation are buttons
(``app.edge.form_action``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import DateInput

from app.edge import SchemaForm
from library.labels import AUTHORIZATION_LABELS, KIND_LABELS, VISIBILITY_LABELS
from library.models import AUTHORIZATION_KINDS, UPLOAD_KINDS, VISIBILITIES, LibraryDocument
from library.schemas import AuthorizationSchema, ConsentSchema, DocumentMetaSchema

#: the files the upload form offers to pick (the library sniffs the bytes whatever the name)
ACCEPT = ".pdf,.png,.jpg,.jpeg,.webp,.txt,.docx,.xlsx,.odt,.mp4,.webm,.mov,.3gp"


def _visibilities() -> list[SelectChoice]:
    return [SelectChoice(v, VISIBILITY_LABELS[v]) for v in VISIBILITIES]


class DocumentForm(SchemaForm):
    """Add a document to an association's library: the file (read by
    ``library.uploads.uploaded_file``, as the API does) and its details."""

    schema = DocumentMetaSchema

    file = FileField(_l("File"), id="lib-file", render_kw={"required": True, "accept": ACCEPT})
    kind = SelectField(
        _l("Kind"),
        id="lib-kind",
        choices=[SelectChoice(k, KIND_LABELS[k]) for k in UPLOAD_KINDS],
        validate_choice=False,
        render_kw={"required": True},
    )
    title = StringField(_l("Title"), id="lib-title", render_kw={"required": True, "maxlength": 200})
    visibility = SelectField(
        _l("Who can see it"), id="lib-visibility", default="admins", validate_choice=False
    )
    valid_from = StringField(_l("Date of the document"), id="lib-valid-from", widget=DateInput())
    expires_at = StringField(_l("Expires on"), id="lib-expires-at", widget=DateInput())
    retention_until = StringField(_l("Keep until"), id="lib-retention-until", widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.visibility.choices = _visibilities()


class VersionForm(FlaskForm):
    """A new version of a document: its file (read by ``uploaded_file``, as the API does)."""

    file = FileField(_l("New version"), id="lib-file", render_kw={"required": True})


class VisibilityForm(SchemaForm):
    """Who can see a document (the API's edit of its details)."""

    schema = DocumentMetaSchema

    visibility = SelectField(_l("Who can see it"), id="lib-visibility", validate_choice=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.visibility.choices = _visibilities()


class ConsentForm(SchemaForm):
    """The consent of a person shown in a photo or video (a minor's, given by a guardian)."""

    schema = ConsentSchema

    subject_label = StringField(
        _l("Person shown"), id="lib-subject-label", render_kw={"required": True}
    )
    minor = BooleanField(_l("A minor"), id="lib-minor")
    guardian_label = StringField(_l("Parent or guardian"), id="lib-guardian-label")
    scope = SelectField(_l("Agreed audience"), id="lib-scope", validate_choice=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope.choices = _visibilities()

    def _raw(self) -> dict[str, Any]:
        return {**super()._raw(), "minor": bool(self.minor.data)}


class AuthorizationForm(SchemaForm):
    """An authorisation the association holds (its end becomes an obligation)."""

    schema = AuthorizationSchema

    kind = SelectField(
        _l("Kind"),
        id="lib-kind",
        choices=[SelectChoice(k, AUTHORIZATION_LABELS[k]) for k in AUTHORIZATION_KINDS],
        validate_choice=False,
    )
    authority = StringField(_l("Authority"), id="lib-authority", render_kw={"required": True})
    reference = StringField(_l("Reference"), id="lib-reference", render_kw={"required": True})
    scope = StringField(_l("Scope"), id="lib-scope")
    valid_from = StringField(
        _l("Valid from"), id="lib-valid-from", widget=DateInput(), render_kw={"required": True}
    )
    valid_to = StringField(
        _l("Valid until"), id="lib-valid-to", widget=DateInput(), render_kw={"required": True}
    )
    #: choices (none, then the association's documents) set by the page
    document_id = SelectField(_l("Proving document"), id="lib-document-id", validate_choice=False)

    def offer_documents(self, documents: Iterable[LibraryDocument]) -> None:
        """The documents (the association's) that may prove it, or none."""
        self.document_id.choices = [
            SelectChoice("", "—"),
            *(SelectChoice(str(d.id), d.title) for d in documents),
        ]

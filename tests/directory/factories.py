"""factory_boy factories for the directory (AssociationFactory, MembershipFactory, FieldFactory)."""

from __future__ import annotations

import factory

from directory.models import Association, Field, Membership
from tests.factories import BaseFactory, UserFactory


class FieldFactory(BaseFactory):
    class Meta:
        model = Field

    code = factory.Sequence(lambda n: f"field-{n}")
    name_ar = factory.Sequence(lambda n: f"مجال {n}")
    name_fr = factory.Sequence(lambda n: f"Domaine {n}")
    name_en = factory.Sequence(lambda n: f"Field {n}")
    position = factory.Sequence(lambda n: 1000 + n)


class AssociationFactory(BaseFactory):
    class Meta:
        model = Association

    name = factory.Sequence(lambda n: f"Association {n}")
    slug = factory.Sequence(lambda n: f"association-{n}")
    description = ""
    status = "approved"
    member_count = 10


class MembershipFactory(BaseFactory):
    class Meta:
        model = Membership

    association = factory.SubFactory(AssociationFactory)
    user = factory.SubFactory(UserFactory)
    role = "member"
    status = "approved"

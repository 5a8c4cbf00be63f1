"""The account an API token belongs to: ``GET /api/v1/me``."""

from __future__ import annotations

import marshmallow as ma

from corrections.api.auth import BEARER, current_api_user, require_api_role
from corrections.api.parsing import Blueprint
from corrections.api.schemas import ErrorSchema
from corrections.models import Role

blp = Blueprint("account", __name__, url_prefix="/api/v1", description="The calling account")


class MeSchema(ma.Schema):
    email = ma.fields.String(required=True)
    display_name = ma.fields.String(required=True)
    role = ma.fields.String(required=True, validate=ma.validate.OneOf([r.value for r in Role]))


@blp.get("/me")
@blp.doc(security=BEARER)
@blp.response(200, MeSchema)
@blp.alt_response(401, schema=ErrorSchema)
@require_api_role(Role.READER)
def me():
    """The account the bearer token belongs to."""
    user = current_api_user()
    return {"email": user.email, "display_name": user.display_name, "role": user.role.value}

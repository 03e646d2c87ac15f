from datetime import datetime

from ninja import Field, Router, Schema, Status

from kefu import policy
from kefu.core.pagination import paginate
from kefu.core.schema import ErrorOut
from kefu.security.audit import personal_data_read

from .merge import customer_merge
from .presenters import customer_dict
from .selectors import customer_get, customer_search
from .services import DuplicateCustomer, customer_create, customer_update

router = Router(tags=["customers"])


class CustomerOut(Schema):
    id: int
    name: str
    salutation: str
    address_form: str
    phones: list[str]
    email: str
    wechat_id: str
    company: str
    department: str
    region: str
    address: str
    tags: list[str]
    vip_level: int
    notes: str
    intake: dict
    personal_data_masked: bool
    version: int
    created_at: datetime
    updated_at: datetime


class CustomerPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[CustomerOut]


class CustomerIn(Schema):
    name: str = Field(..., min_length=1, max_length=60)
    # Set to create the record even though its phone or e-mail is another customer's (a 409 otherwise).
    allow_duplicate: bool = False
    salutation: str = ""
    phones: list[str] = []
    email: str = ""
    wechat_id: str = ""
    company: str = ""
    department: str = ""
    region: str = ""
    address: str = ""
    tags: list[str] = []
    vip_level: int = 0
    notes: str = ""
    intake: dict = {}


class CustomerPatch(Schema):
    version: int = Field(..., description="The version you read; 409 if someone saved since")
    allow_duplicate: bool = False
    name: str | None = None
    salutation: str | None = None
    phones: list[str] | None = None
    email: str | None = None
    wechat_id: str | None = None
    company: str | None = None
    department: str | None = None
    region: str | None = None
    address: str | None = None
    tags: list[str] | None = None
    vip_level: int | None = None
    notes: str | None = None
    intake: dict | None = None


@router.get("", response=CustomerPage, summary="Search customers by name, phone or company")
def list_customers(request, q: str = "", page: int = 1, page_size: int = 50):
    rows, meta = paginate(customer_search(request.user, q), page, page_size)
    personal_data_read(request.user, [c.pk for c in rows], where="api.customers", request=request)
    return {**meta, "results": [customer_dict(c, request.user) for c in rows]}


class DuplicateOut(ErrorOut):
    """409: the error body; for a duplicate record also the field and the existing record's id (a version
    conflict on PATCH has only the error body)."""

    code: str | None = Field(None, description="duplicate when the phone or e-mail is another customer's")
    field: str | None = None
    existing_id: int | None = None


class MergeIn(Schema):
    into: int = Field(..., description="id of the customer record to keep")


class MergeOut(Schema):
    source: int
    target: int
    moved: dict[str, int]


def _duplicate(exc: DuplicateCustomer) -> Status:
    return Status(409, {"detail": exc.message, "errors": [{"field": exc.field, "message": exc.message}],
                        "code": "duplicate", "field": exc.field, "existing_id": exc.existing.pk})


@router.post("", response={201: CustomerOut, 409: DuplicateOut},
             summary="Create a customer; 409 with the existing record's id when the phone or e-mail is taken")
def create_customer(request, payload: CustomerIn):
    policy.require(policy.can_edit_customer(request.user))
    try:
        customer = customer_create(by=request.user, **payload.dict())
    except DuplicateCustomer as exc:
        return _duplicate(exc)
    return Status(201, customer_dict(customer, request.user))


@router.post("/{customer_id}/merge", response=MergeOut,
             summary="Merge this customer into another: orders, complaints and history move, audited")
def merge_customer(request, customer_id: int, payload: MergeIn):
    source = customer_get(request.user, customer_id)
    target = customer_get(request.user, payload.into)
    merge = customer_merge(source=source, target=target, by=request.user)
    return {"source": merge.source_id, "target": merge.target_id, "moved": merge.moved}


@router.get("/{customer_id}", response=CustomerOut)
def get_customer(request, customer_id: int):
    customer = customer_get(request.user, customer_id)
    personal_data_read(request.user, [customer.pk], where="api.customer", request=request)
    return customer_dict(customer, request.user)


@router.patch("/{customer_id}", response={200: CustomerOut, 409: DuplicateOut})
def patch_customer(request, customer_id: int, payload: CustomerPatch):
    policy.require(policy.can_edit_customer(request.user))
    customer = customer_get(request.user, customer_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    try:
        customer = customer_update(customer=customer, by=request.user, version=version, **changes)
    except DuplicateCustomer as exc:
        return _duplicate(exc)
    return customer_dict(customer, request.user)

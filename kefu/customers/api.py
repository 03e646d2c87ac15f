from datetime import datetime

from ninja import Field, Router, Schema, Status

from kefu import policy
from kefu.core.pagination import paginate
from kefu.security.audit import personal_data_read

from .presenters import customer_dict
from .selectors import customer_get, customer_search
from .services import customer_create, customer_update

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


@router.post("", response={201: CustomerOut}, summary="Create a customer")
def create_customer(request, payload: CustomerIn):
    policy.require(policy.can_edit_customer(request.user))
    customer = customer_create(by=request.user, **payload.dict())
    return Status(201, customer_dict(customer, request.user))


@router.get("/{customer_id}", response=CustomerOut)
def get_customer(request, customer_id: int):
    customer = customer_get(request.user, customer_id)
    personal_data_read(request.user, [customer.pk], where="api.customer", request=request)
    return customer_dict(customer, request.user)


@router.patch("/{customer_id}", response=CustomerOut)
def patch_customer(request, customer_id: int, payload: CustomerPatch):
    policy.require(policy.can_edit_customer(request.user))
    customer = customer_get(request.user, customer_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    customer = customer_update(customer=customer, by=request.user, version=version, **changes)
    return customer_dict(customer, request.user)

import pytest

from kefu.core.errors import DomainError
from kefu.customers.masking import mask_email, mask_phone
from kefu.customers.presenters import customer_dict
from kefu.customers.selectors import customer_search
from tests import factories


@pytest.mark.parametrize(("raw", "masked"), [
    ("13812345678", "138****5678"),
    ("+8613812345678", "+86****5678"),
    ("021-5555666", "02*******66"),
    ("1234", "****"),
])
def test_mask_phone(raw, masked):
    assert mask_phone(raw) == masked


def test_mask_email():
    assert mask_email("zhangsan@example.com") == "z***@example.com"


@pytest.mark.django_db
def test_customer_data_is_masked_for_roles_without_permission(desk):
    customer = factories.customer(phones=["13812345678"], email="li@example.com", wechat_id="wx_li",
                                  address="上海市建设路1号")
    agent_view = customer_dict(customer, desk.agent)
    qa_view = customer_dict(customer, desk.qa)
    assert agent_view["phones"] == ["13812345678"] and not agent_view["personal_data_masked"]
    assert qa_view["phones"] == ["138****5678"]
    assert qa_view["email"] == "l***@example.com"
    assert "建设路" not in qa_view["address"]
    assert qa_view["personal_data_masked"]


@pytest.mark.django_db
def test_find_customer_by_name_phone_part_or_company(desk):
    # Created in the agent's department: customers are visible by department (issue 10).
    a = factories.customer(desk.agent, name="王建国", phones=["13900001111"], company="宏达建材")
    b = factories.customer(desk.agent, name="李梅", phones=["021-66668888"], company="蓝天酒店")
    assert list(customer_search(desk.agent, "建国")) == [a]
    assert list(customer_search(desk.agent, "6666 8888")) == [b]
    assert list(customer_search(desk.agent, "0000111")) == [a]
    assert list(customer_search(desk.agent, "蓝天")) == [b]


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value"), [
    ("name", "  "), ("phones", ["12ab"]), ("salutation", "dr"), ("vip_level", 9),
])
def test_bad_customer_input_names_the_field(field, value):
    data = {"name": "张三", field: value}
    with pytest.raises(DomainError) as err:
        factories.customer(**data)
    assert err.value.field == field


@pytest.mark.django_db
def test_address_form_uses_surname_and_salutation():
    assert factories.customer(name="王建国", salutation="mr").address_form == "王先生"
    assert factories.customer(name="李梅", salutation="ms").address_form == "李女士"

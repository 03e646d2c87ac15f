"""Rule management: copy the default pack, edit with validation, try it, publish only when every example
passes; the published version inspects from then on, earlier versions stay readable and unchanged."""

import pytest

from kefu.core.errors import Conflict, DomainError, Forbidden
from kefu.qa import rules
from kefu.qa.models import PackVersion
from kefu.qa.packs import active_pack


@pytest.fixture
def draft(desk):
    return rules.pack_copy(by=desk.qa)


def test_copy_makes_an_editable_draft_of_the_default_pack(desk, draft):
    assert draft.state == "draft" and draft.name == "default"
    assert draft.data["rules"] and draft.realtime_rules
    assert active_pack().record is None  # a draft never inspects


def test_agents_cannot_manage_rules(desk, draft):
    with pytest.raises(Forbidden):
        rules.pack_copy(by=desk.agent)
    with pytest.raises(Forbidden):
        rules.rule_update(by=desk.agent, draft=draft, code="FP02", form={}, realtime=True)


def test_rule_edit_is_validated_and_names_the_field(desk, draft):
    with pytest.raises(DomainError) as bad:
        rules.rule_update(by=desk.qa, draft=draft, code="FP02", form={"severity": "terrible"}, realtime=True)
    assert bad.value.field == "severity"
    rule = rules.rule_of(draft.data, "FP02")
    form = {"phrases": "不管\n不归我们管", "examples_hit": "这个我们不管的\n这事不归我们管", "severity": "critical",
            "message": rule["message"]}
    saved = rules.rule_update(by=desk.qa, draft=draft, code="FP02", form=form, realtime=False)
    edited = rules.rule_of(saved.data, "FP02")
    assert edited["phrases"] == ["不管", "不归我们管"] and edited["severity"] == "critical"
    assert "FP02" not in saved.realtime_rules
    with pytest.raises(DomainError):  # the engine's loader refuses an empty phrase list
        rules.pack_save_yaml(by=desk.qa, draft=saved, text="name: x\nversion: 1\nrules: []\n")


def test_publishing_is_refused_while_an_example_fails(desk, draft):
    rule = rules.rule_of(draft.data, "FP02")
    form = {"examples_hit": "这个我们不管的\n您好，很高兴为您服务", "message": rule["message"]}
    rules.rule_update(by=desk.qa, draft=draft, code="FP02", form=form, realtime=True)
    with pytest.raises(DomainError) as refused:
        rules.pack_publish(by=desk.qa, draft=PackVersion.objects.get(pk=draft.pk), version="2026.12.05-1")
    assert refused.value.field == "examples" and "FP02" in refused.value.message
    assert PackVersion.objects.get(pk=draft.pk).state == "draft"


def test_published_version_inspects_and_old_versions_stay_readable(desk, draft, client):
    form = {"phrases": "不管\n不归我们管", "examples_hit": "这个我们不管的\n这事不归我们管",
            "message": rules.rule_of(draft.data, "FP02")["message"]}
    rules.rule_update(by=desk.qa, draft=draft, code="FP02", form=form, realtime=True)
    published = rules.pack_publish(by=desk.qa, draft=PackVersion.objects.get(pk=draft.pk), version="2026.12.05-1")
    pack = active_pack()
    assert (pack.name, pack.version) == ("default", "2026.12.05-1")
    assert "FP02" in {f.rule for f in pack.engine.check("这事不归我们管")}
    with pytest.raises(Conflict):
        rules.rule_update(by=desk.qa, draft=published, code="FP02", form={}, realtime=True)
    second = rules.pack_copy(by=desk.qa)
    assert rules.rule_of(second.data, "FP02")["phrases"] == ["不管", "不归我们管"]
    with pytest.raises(Conflict):
        rules.pack_publish(by=desk.qa, draft=second, version="2026.12.05-1")
    client.force_login(desk.qa)
    page = client.get(f"/qa/rules/{published.pk}/rule/FP02/").content.decode()
    assert "不归我们管" in page and "readonly" in page


def test_try_it_on_text_and_on_a_stored_conversation(desk, draft, client, django_capture_on_commit_callbacks):
    from kefu.qa.services import conversation_submit

    findings = rules.pack_try(by=desk.qa, version=draft, text="你找我没用")
    assert "FP03" in {f.rule for f in findings}
    body = {"external_id": "t1", "agent": "agent_a", "turns": [{"role": "agent", "text": "这个我们不管的"}]}
    with django_capture_on_commit_callbacks(execute=True):
        conversation, _created = conversation_submit(by=desk.qa, data=body)
    client.force_login(desk.qa)
    page = client.post(f"/qa/rules/{draft.pk}/", {"try": "1", "conversation": "t1"}).content.decode()
    assert 'data-testid="try-result"' in page and "FP02" in page


def test_settings_page_changes_sampling(desk, client):
    from kefu.qa.sampling import qa_settings

    client.force_login(desk.supervisor)
    response = client.post("/qa/settings/", {"sample_fatal": "on", "sample_below": "70", "sample_percent": "10",
                                             "daily_cap": "20", "appeal_working_days": "5"})
    assert response.status_code == 302
    config = qa_settings()
    assert (config.sample_below, config.sample_percent, config.daily_cap, config.appeal_working_days) == (70, 10, 20, 5)
    assert client.post("/qa/settings/", {"sample_below": "abc"}).status_code == 400
    client.force_login(desk.agent)
    assert client.get("/qa/settings/").status_code == 403


def test_customer_signals_cost_no_points_and_cannot_be_appealed(desk, django_capture_on_commit_callbacks):
    from kefu.qa.models import Finding
    from kefu.qa.review import appeal_create
    from kefu.qa.services import conversation_submit

    body = {"external_id": "sig", "agent": "agent_a",
            "turns": [{"role": "customer", "text": "你们太慢了，我非常不满意，气死我了"},
                      {"role": "agent", "text": "非常抱歉让您久等了，我马上为您处理"}]}
    with django_capture_on_commit_callbacks(execute=True):
        conversation_submit(by=desk.qa, data=body)
    signal = Finding.objects.filter(inspection__conversation__external_id="sig", turn=0).first()
    assert signal is not None and signal.category == "customer_negative"
    with pytest.raises(DomainError) as refused:
        appeal_create(inspection=signal.inspection, finding=signal, by=desk.agent, reason="不是我的问题")
    assert "无需申诉" in refused.value.message

"""The QA loop in a real browser (skipped without Chromium): an inspector imports a file and watches the
progress bar, opens a conversation with highlighted findings; the agent appeals; the supervisor rules; a
forbidden phrase typed in a work order's reply box shows the warning. Screenshots go to screenshots/."""

import json
import os

import pytest

from kefu.accounts.models import Role
from kefu.jobs.services import jobs_run_due
from kefu.qa.models import Appeal, Conversation, ImportJob
from tests import factories
from tests.conftest import login


def _file(tmp_path, count: int) -> str:
    path = tmp_path / "calls.jsonl"
    lines = []
    for i in range(count):
        turns = [{"role": "customer", "text": "我的快递三天了还没到，太慢了"},
                 {"role": "agent", "text": "这事我不知道哦，你自己去问快递" if i % 4 == 0 else "您好，马上为您查询物流"}]
        lines.append(json.dumps({"id": f"b{i}", "agent": "qa_agent", "turns": turns}, ensure_ascii=False))
    lines.insert(5, "{broken")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_import_review_appeal_ruling_and_reply_assist(browser, live_server, screenshot_dir, tmp_path, settings):
    from huey.contrib.djhuey import HUEY

    settings.MEDIA_ROOT = tmp_path
    dept = factories.department()
    team = factories.team(dept)
    agent = factories.user(Role.AGENT, dept=dept, team=team, username="qa_agent")
    factories.user(Role.QA, dept=dept, username="qa_inspector")
    factories.user(Role.SUPERVISOR, dept=dept, username="qa_super")

    def new_page(width: int = 1440):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    # 1. the inspector uploads; the job waits for a worker, so the bar starts at 0 and moves when it runs
    HUEY.immediate = False
    page = new_page()
    login(page, live_server, "qa_inspector")
    page.goto(f"{live_server.url}/qa/import/")
    page.set_input_files("input[name=file]", _file(tmp_path, 240))
    page.click("[data-testid=import-form] button")
    bar = page.locator("[role=progressbar]")
    assert bar.get_attribute("aria-valuenow") == "0"
    assert page.locator("#import-progress").get_attribute("data-state") == "queued"
    page.screenshot(path=os.path.join(screenshot_dir, "qa_import_queued.png"), full_page=True)
    assert jobs_run_due(budget_seconds=60) >= 1  # a worker takes the job
    page.wait_for_selector("#import-progress[data-state=done]")
    assert bar.get_attribute("aria-valuenow") == "100" or page.locator("[role=progressbar]").get_attribute(
        "aria-valuenow") == "100"
    assert page.locator("[data-testid=import-errors] td").first.inner_text() == "6"
    page.screenshot(path=os.path.join(screenshot_dir, "qa_import_done.png"), full_page=True)
    HUEY.immediate = True
    assert ImportJob.objects.get().imported == 240

    # 2. a conversation with its findings highlighted in place
    conversation = Conversation.objects.get(external_id="b0")
    page.goto(f"{live_server.url}/qa/conversations/{conversation.pk}/")
    mark = page.locator("[data-testid=qa-thread] mark.qa-hit.sev-major").first
    assert mark.inner_text() in "这事我不知道哦，你自己去问快递"
    colour = mark.evaluate("el => getComputedStyle(el).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    page.screenshot(path=os.path.join(screenshot_dir, "qa_conversation.png"), full_page=True)

    # 3. the agent appeals a finding with a reason
    agent_page = new_page()
    login(agent_page, live_server, "qa_agent")
    agent_page.goto(f"{live_server.url}/qa/conversations/{conversation.pk}/")
    brush_off = conversation.inspections.get(is_current=True).findings.get(rule="FP01")
    assert agent_page.locator("[data-testid=finding]", has_text="NEG01").locator("[data-testid=appeal-form]").count() == 0
    form = agent_page.locator(f"#f{brush_off.pk} [data-testid=appeal-form]")
    form.locator("xpath=..").locator("summary").click()
    form.locator("input[name=reason]").fill("客户随后说明已收到，我当时正在核实")
    form.locator("button").click()
    agent_page.wait_for_load_state("networkidle")
    assert "申诉已提交" in agent_page.content()
    agent_page.screenshot(path=os.path.join(screenshot_dir, "qa_appeal_agent.png"), full_page=True)

    # 4. the supervisor rules; the ruling is final
    super_page = new_page()
    login(super_page, live_server, "qa_super")
    super_page.goto(f"{live_server.url}/qa/conversations/{conversation.pk}/")
    ruling = super_page.locator("[data-testid=ruling-form]")
    ruling.locator("input[name=comment]").fill("听录音后确认情有可原")
    ruling.locator("select[name=decision]").select_option("partial")
    ruling.locator("button").click()
    super_page.wait_for_load_state("networkidle")
    assert Appeal.objects.get().state == "partial"
    assert super_page.locator("[data-testid=ruling-form]").count() == 0
    super_page.screenshot(path=os.path.join(screenshot_dir, "qa_ruling_supervisor.png"), full_page=True)

    # 5. a forbidden phrase typed in a work order's reply box shows the warning, on a desk and a phone
    ticket = factories.ticket(agent, body="你们太慢了，我非常不满意")
    for width in (1440, 390):
        reply_page = new_page(width)
        login(reply_page, live_server, "qa_agent")
        reply_page.goto(f"{live_server.url}/tickets/{ticket.number}/")
        reply_page.fill("[data-testid=reply-body]", "你找我没用")
        reply_page.wait_for_selector("[data-testid=qa-assist]:not([hidden])")
        assert reply_page.locator("[data-testid=assist-preview] u.qa-under").count() >= 1
        assert "FP03" in reply_page.locator("[data-testid=assist-findings]").inner_text()
        reply_page.screenshot(path=os.path.join(screenshot_dir, f"qa_reply_assist_{width}.png"), full_page=True)

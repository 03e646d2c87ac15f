"""Working callbacks: script branching, retries inside the calling windows on the working-day calendar
(evening, weekend, National Day holiday, make-up Saturday), follow-ups, review and archive."""

import pytest

from kefu.accounts.models import Department
from kefu.callbacks import scripts
from kefu.callbacks.defaults import DEFAULT_SCRIPT
from kefu.callbacks.models import CallbackTask, CampaignEvent, DoNotCall, ReviewState, TaskState
from kefu.callbacks.selectors import my_queue
from kefu.callbacks.services import campaign_archive, task_record_attempt, task_review
from kefu.complaints.models import Complaint, ComplaintState
from kefu.core.errors import Conflict, DomainError, Forbidden
from kefu.tickets.models import TicketEvent
from tests import factories
from tests.callback_helpers import at, campaign, resolved_order

pytestmark = pytest.mark.django_db
MONDAY = at(2026, 11, 16, 10, 0)
TREE = scripts.parse(DEFAULT_SCRIPT)
# greet: 0 是本人 → usage: 1 有问题 → fault: 0 设备 → fixed: 1 还没有处理好 → apology: 0 → end
UNFIXED = [0, 1, 0, 1, 0]
HAPPY = [0, 0, 1, 0]  # 是本人 → 一切正常 → 满意 → 结束通话


def _one(desk, now=MONDAY, **extra):
    order = resolved_order(desk.agent, when=at(2026, 11, 5, 15), dispatched_to=extra.pop("dispatched_to", None))
    made = campaign(desk, now=now, **extra)
    return made.tasks.get(), order


# ---- script branching --------------------------------------------------------------------------


def test_answers_follow_the_branches_of_the_script():
    steps, nxt = scripts.walk(TREE, UNFIXED[:3])
    assert [s.node for s in steps] == ["greet", "usage", "fault"] and nxt == "fixed"
    assert steps[-1].facts == {"fault": "equipment", "department": "after-sales"}
    steps, nxt = scripts.walk(TREE, [0, 1, 2])  # an operation problem goes to the guidance node
    assert nxt == "guide"
    steps, nxt = scripts.walk(TREE, UNFIXED)
    assert nxt is None and scripts.satisfied_of(steps) is False
    steps, nxt = scripts.walk(TREE, HAPPY)
    assert nxt is None and scripts.satisfied_of(steps) is True and steps[2].facts["score"] == 4
    with pytest.raises(scripts.ScriptError):
        scripts.walk(TREE, [0, 7])
    with pytest.raises(scripts.ScriptError):
        scripts.walk(TREE, [1, 0])  # "not convenient" ended the script


@pytest.mark.parametrize(("text", "line", "words"), [
    ("[a] 开场\n您好\n- 好 -> b\n", 3, "不存在的节点"),
    ("[a] 开场\n您好\n- 好 -> b\n[b] 二\n问\n- 回 -> a\n", None, "循环"),
    ("[a] 开场\n您好\n- 好 -> end\n[b] 孤立\n问\n- 回 -> end\n", 4, "无法从开始节点到达"),
    ("[a] 开场\n您好\n- 好 -> end | satisfied=maybe\n", 3, "satisfied"),
    ("您好\n", 1, "先用"),
    ("[A] 开场\n", 1, "节点代码"),
    ("[a] 开场\n您好\n- 好 end\n", 3, "->"),
])
def test_a_broken_script_is_refused_naming_the_line(text, line, words):
    with pytest.raises(scripts.ScriptError) as caught:
        scripts.parse(text)
    assert words in caught.value.message and caught.value.line == line
    if line:
        assert caught.value.message.startswith(f"第 {line} 行")


def test_the_default_script_reads_back_as_it_was_written():
    assert scripts.parse(scripts.render(TREE)) == TREE
    assert scripts.choices_from(TREE, [{"node": "greet", "answer": "是本人，方便"}, {"node": "usage", "answer": 0}]) == [0, 0]
    with pytest.raises(scripts.ScriptError):
        scripts.choices_from(TREE, [{"node": "usage", "answer": 0}])  # must start at the start


# ---- retries inside the calling windows ---------------------------------------------------------


@pytest.mark.parametrize(("called", "expected"), [
    (at(2026, 11, 16, 9, 30), at(2026, 11, 16, 11, 30)),  # two hours later, still in the morning window
    (at(2026, 11, 16, 11, 0), at(2026, 11, 16, 13, 30)),  # 13:00 is lunch: the afternoon window opens
    (at(2026, 11, 20, 17, 0), at(2026, 11, 23, 9, 0)),  # Friday evening: Monday morning
    (at(2026, 9, 30, 17, 0), at(2026, 10, 8, 9, 0)),  # before National Day: after the holiday
    (at(2026, 10, 9, 17, 0), at(2026, 10, 10, 9, 0)),  # Friday before the make-up Saturday (调休上班)
])
def test_no_answer_is_retried_two_hours_later_inside_a_window(desk, called, expected):
    task, _order = _one(desk, now=called)
    task, follow_up, next_at = task_record_attempt(task=task, by=desk.agent, result="no_answer", now=called)
    assert next_at == expected and task.next_attempt_at == expected
    assert task.state == TaskState.PENDING and task.attempts == 1 and follow_up is None


def test_no_answer_three_times_ends_the_callback(desk):
    task, _order = _one(desk)
    times = [MONDAY, at(2026, 11, 16, 13, 30), at(2026, 11, 16, 15, 30)]
    for when in times[:2]:
        task, _f, next_at = task_record_attempt(task=task, by=desk.agent, result="no_answer", now=when)
        assert next_at is not None
    task, _f, next_at = task_record_attempt(task=task, by=desk.agent, result="no_answer", now=times[2])
    assert next_at is None and task.state == TaskState.DONE and task.attempts == 3 and task.result == "no_answer"
    assert list(task.attempt_rows.values_list("result", flat=True)) == ["no_answer"] * 3


def test_calls_outside_the_windows_are_refused_and_not_offered(desk):
    task, _order = _one(desk)
    saturday = at(2026, 11, 21, 10, 0)
    with pytest.raises(DomainError) as caught:
        task_record_attempt(task=task, by=desk.agent, result="reached", now=saturday)
    assert "2026-11-23 09:00" in caught.value.message
    queue = my_queue(desk.agent, now=saturday)
    assert queue["next"] is None and queue["opens_at"] == at(2026, 11, 23, 9, 0)
    assert my_queue(desk.agent, now=MONDAY)["next"] == task


def test_the_queue_offers_the_next_due_callback_and_skips_retries_not_yet_due(desk):
    for day in (3, 4):
        resolved_order(desk.agent, when=at(2026, 11, day, 15))
    made = campaign(desk, now=MONDAY)
    first, second = made.tasks.order_by("id")
    assert my_queue(desk.agent, now=MONDAY)["next"] == first
    task_record_attempt(task=first, by=desk.agent, result="busy", now=MONDAY)
    assert my_queue(desk.agent, now=MONDAY)["next"] == second
    assert my_queue(desk.teammate, now=MONDAY)["next"] is None


# ---- results, follow-ups ---------------------------------------------------------------------


def test_satisfied_callback_closes_without_follow_up_and_writes_the_history(desk):
    task, order = _one(desk)
    task, follow_up, next_at = task_record_attempt(task=task, by=desk.agent, result="reached", choices=HAPPY,
                                                   now=MONDAY)
    assert follow_up is None and next_at is None and task.satisfied is True and task.state == TaskState.DONE
    assert [a["answer"] for a in task.answers] == ["是本人，方便", "一切正常", "满意", "结束通话"]
    fact = TicketEvent.objects.get(ticket=order, code="callback.attempt")
    assert fact.params["result"] == "reached" and fact.actor == desk.agent
    assert CampaignEvent.objects.filter(task=task, code="task.attempt").exists()


def test_not_satisfied_creates_a_follow_up_for_the_fault_department_linked_both_ways(desk):
    task, order = _one(desk)
    task, follow_up, _n = task_record_attempt(task=task, by=desk.agent, result="reached", choices=UNFIXED,
                                              note="路由器还是经常断线", now=MONDAY)
    assert task.satisfied is False and task.follow_up == follow_up
    assert follow_up.customer_id == order.customer_id
    assert follow_up.dispatched_to.code == "after-sales"  # the equipment fault's department (default script)
    assert order in follow_up.related.all() and follow_up in order.related.all()
    assert "路由器还是经常断线" in follow_up.messages.first().body
    assert TicketEvent.objects.filter(ticket=order, code="callback.follow_up", params__follow_up=follow_up.number).exists()
    assert TicketEvent.objects.filter(ticket=follow_up, code="callback.follow_up").exists()
    assert task.review == ReviewState.PENDING  # every unhappy customer is reviewed


def test_follow_up_goes_to_the_department_the_answer_names_else_the_source_orders(desk):
    task, _order = _one(desk)
    _t, follow_up, _n = task_record_attempt(task=task, by=desk.agent, result="reached", choices=UNFIXED, now=MONDAY)
    assert follow_up.dispatched_to == Department.objects.get(code="after-sales")
    task, _order = _one(desk, now=at(2026, 11, 17, 10), dispatched_to=desk.logistics)
    _t, follow_up, _n = task_record_attempt(task=task, by=desk.agent, result="reached", choices=[0, 0, 3, 0],
                                            now=at(2026, 11, 17, 10))  # 一切正常 → 不满意: no fault named
    assert follow_up.dispatched_to == desk.logistics


def _archived_complaint(desk):
    from kefu.complaints.services import complaint_receive

    customer = factories.customer(desk.agent)
    complaint = complaint_receive(by=desk.agent, customer=customer, subject="投诉安装师傅迟到", description="等了半天")
    Complaint.objects.filter(pk=complaint.pk).update(state=ComplaintState.ARCHIVED, archived_at=at(2026, 11, 10, 10))
    return Complaint.objects.get(pk=complaint.pk)


def test_not_satisfied_after_an_archived_complaint_receives_a_new_complaint_linked_to_it(desk):
    archived = _archived_complaint(desk)
    made = campaign(desk, now=MONDAY, source={"kind": "archived_complaints", "from": "2026-11-01", "to": "2026-11-15"})
    task = made.tasks.get()
    assert task.ticket == archived.ticket
    _t, follow_up, _n = task_record_attempt(task=task, by=desk.agent, result="reached", choices=UNFIXED, now=MONDAY)
    assert follow_up.type == "complaint" and follow_up.complaint.state == ComplaintState.RECEIVED
    assert archived.ticket in follow_up.related.all()
    archived.refresh_from_db()
    assert archived.state == ComplaintState.ARCHIVED  # the flow ends at archive: never reopened in place


def test_not_satisfied_with_a_complaint_awaiting_its_receipt_reopens_it(desk):
    archived = _archived_complaint(desk)
    Complaint.objects.filter(pk=archived.pk).update(state=ComplaintState.REPORTED)
    resolved_order(desk.agent, when=at(2026, 11, 5, 15))
    made = campaign(desk, now=MONDAY)
    task = CallbackTask.objects.create(campaign=made, customer=archived.ticket.customer, ticket=archived.ticket,
                                       assignee=desk.agent, next_attempt_at=MONDAY)
    _t, follow_up, _n = task_record_attempt(task=task, by=desk.agent, result="reached", choices=UNFIXED, now=MONDAY)
    archived.refresh_from_db()
    assert follow_up == archived.ticket
    assert archived.state == ComplaintState.RESPONSIBILITY and archived.round == 2  # back for a new solution


def test_do_not_call_result_adds_the_customer_to_the_list(desk):
    task, order = _one(desk)
    task_record_attempt(task=task, by=desk.agent, result="do_not_call", now=MONDAY)
    assert DoNotCall.objects.filter(customer_id=order.customer_id).exists()


def test_only_the_assigned_agent_records_and_only_once(desk):
    task, _order = _one(desk)
    with pytest.raises(Forbidden):
        task_record_attempt(task=task, by=desk.teammate, result="reached", now=MONDAY)
    with pytest.raises(DomainError) as caught:
        task_record_attempt(task=task, by=desk.agent, result="busy", choices=[0], now=MONDAY)
    assert caught.value.field == "answers"
    task_record_attempt(task=task, by=desk.agent, result="refused", now=MONDAY)
    with pytest.raises(Conflict):
        task_record_attempt(task=task, by=desk.agent, result="refused", now=MONDAY)


# ---- review and archive ----------------------------------------------------------------------


def test_review_then_archive(desk):
    for day in (3, 4):
        resolved_order(desk.agent, when=at(2026, 11, day, 15))
    made = campaign(desk, now=MONDAY, review_percent=0)
    happy, unhappy = made.tasks.order_by("id")
    task_record_attempt(task=happy, by=desk.agent, result="reached", choices=HAPPY, now=MONDAY)
    with pytest.raises(DomainError):
        campaign_archive(campaign=made, by=desk.supervisor)  # one callback still to make
    unhappy, _f, _n = task_record_attempt(task=unhappy, by=desk.agent, result="reached", choices=UNFIXED, now=MONDAY)
    happy.refresh_from_db()
    assert happy.review == ReviewState.NONE and unhappy.review == ReviewState.PENDING  # 0 % sampled, unhappy always
    with pytest.raises(DomainError) as caught:
        campaign_archive(campaign=made, by=desk.supervisor)
    assert caught.value.field == "review"
    with pytest.raises(Forbidden):
        task_review(task=unhappy, by=desk.agent, verdict="approved")
    with pytest.raises(DomainError) as caught:
        task_review(task=unhappy, by=desk.supervisor, verdict="flagged")
    assert caught.value.field == "note"
    task_review(task=unhappy, by=desk.supervisor, verdict="flagged", note="应先致歉再询问故障")
    with pytest.raises(Forbidden):
        campaign_archive(campaign=made, by=desk.other_supervisor)
    made = campaign_archive(campaign=made, by=desk.supervisor)
    assert made.state == "archived"
    assert list(made.events.values_list("code", flat=True)).count("campaign.archived") == 1
    with pytest.raises(DomainError):  # an archived campaign takes no more reviews
        task_review(task=happy, by=desk.supervisor, verdict="approved")


def test_sampling_percent_chooses_a_stable_share(desk):
    for day in range(1, 11):
        resolved_order(desk.agent, when=at(2026, 11, day, 15))
    made = campaign(desk, now=MONDAY, review_percent=100)
    for task in made.tasks.all():
        task_record_attempt(task=task, by=desk.agent, result="refused", now=MONDAY)
    assert made.tasks.filter(review=ReviewState.PENDING).count() == 10


def test_a_star_score_alone_reads_as_the_surveys_low_score_rule(desk, settings):
    settings.KEFU_SURVEY_LOW_SCORE = 2
    text = "[s] 满意度 | survey=satisfaction\n请打分\n- 三星 -> end | score=3\n- 两星 -> end | score=2\n"
    from kefu.callbacks.services import script_save

    script = script_save(by=desk.supervisor, name="只打分", text=text)
    for day, choice, expected in ((3, 0, True), (4, 1, False)):
        resolved_order(desk.agent, when=at(2026, 11, day, 15))
        made = campaign(desk, now=MONDAY, script=script, name=f"打分{day}",
                        source={"kind": "resolved_orders", "from": f"2026-11-0{day}", "to": f"2026-11-0{day}"})
        task, follow_up, _n = task_record_attempt(task=made.tasks.get(), by=desk.agent, result="reached",
                                                  choices=[choice], now=MONDAY)
        assert task.satisfied is expected and (follow_up is None) is expected

"""Quality inspection (质检) in the workspace: conversations, their inspections and findings, the
inspector's review, the agent's appeal, and the rule-pack versions they were judged by.

Other apps read these (ratings reads Inspection.score and Finding.counts; reports later): the names and
meanings of the fields documented here are a contract, change them only by adding.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    CHAT = "chat", _("在线")
    VOICE = "voice", _("电话")


class Source(models.TextChoices):
    TICKET = "ticket", _("工单")  # built from a work order's public thread
    IMPORT = "import", _("文件导入")
    API = "api", _("接口")


class InspectionState(models.TextChoices):
    QUEUED = "queued", _("待质检")  # waiting for the worker
    DONE = "done", _("已质检")
    FAILED = "failed", _("质检失败")  # the turns could not be inspected (the reason is in the history)


class Conversation(models.Model):
    """会话: one chat or call (or a work order's thread), the unit that is inspected."""

    # Unique per source system; NULL for work-order threads (those are keyed by ticket).
    external_id = models.CharField(_("外部编号"), max_length=100, unique=True, null=True, blank=True)
    # A work order's own thread (source "ticket", one per order), or a call/chat linked to the order.
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="qa_conversations", verbose_name=_("工单"))
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices, default=Channel.CHAT)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="qa_conversations", verbose_name=_("客服"))
    customer = models.ForeignKey("customers.Customer", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="qa_conversations", verbose_name=_("客户"))
    started_at = models.DateTimeField(_("开始时间"), db_index=True)
    # [{"role": "agent"|"customer"|"system", "text", "start"?, "end"?, "ts"?}] in the engine's input format
    turns = models.JSONField(_("对话"), default=list)
    digest = models.CharField(max_length=40, blank=True)  # sha1 of channel+turns: unchanged input, no re-inspection
    meta = models.JSONField(default=dict, blank=True)  # e.g. ring_seconds of a call
    inspection_state = models.CharField(_("质检状态"), max_length=10, choices=InspectionState.choices,
                                        default=InspectionState.QUEUED, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["ticket"], condition=models.Q(source="ticket"),
                                               name="qa_one_thread_per_ticket")]
        verbose_name = _("会话")
        verbose_name_plural = _("会话")

    def __str__(self) -> str:
        return self.external_id or f"#{self.pk}"


class PackState(models.TextChoices):
    DRAFT = "draft", _("草稿")  # being edited; never used for inspection
    PUBLISHED = "published", _("已发布")  # immutable; the newest one is the active pack


class PackVersion(models.Model):
    """A version of a rule pack (质检规则包) as data. Published versions never change, so an old result
    can always be read against the rules that produced it."""

    name = models.CharField(_("规则包"), max_length=60)
    version = models.CharField(_("版本"), max_length=40)
    data = models.JSONField(_("内容"))  # the engine's pack format (load_pack_data)
    state = models.CharField(_("状态"), max_length=10, choices=PackState.choices, default=PackState.DRAFT)
    # Rule codes checked live in the reply box (实时辅助).
    realtime_rules = models.JSONField(default=list, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="qa_pack_version_unique")]
        verbose_name = _("规则包版本")
        verbose_name_plural = _("规则包版本")

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class Trigger(models.TextChoices):
    IMPORT = "import", _("导入")
    REPLY = "reply", _("客服回复")
    RESOLVE = "resolve", _("工单解决")
    REINSPECT = "reinspect", _("重新质检")


class Inspection(models.Model):
    """One automatic inspection of a conversation by one pack version. Re-inspection adds a new row and
    keeps the old one (is_current=False), so results by different versions stay side by side."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="inspections")
    pack_name = models.CharField(_("规则包"), max_length=60)
    pack_version = models.CharField(_("规则包版本"), max_length=40)
    trigger = models.CharField(_("触发"), max_length=10, choices=Trigger.choices)
    is_current = models.BooleanField(default=True)
    digest = models.CharField(max_length=40, blank=True)  # the conversation's digest it judged
    auto_score = models.FloatField(_("自动评分"))  # the engine's score; never changes
    # The score that counts: auto_score, then rescored by review verdicts, manual items and appeal rulings.
    score = models.FloatField(_("得分"))
    fatal = models.BooleanField(_("致命项"), default=False)
    items = models.JSONField(default=list)  # the engine's scorecard items [{"section","code","title","status","points","hits"}]
    finding_count = models.PositiveIntegerField(default=0)
    # Copies of the conversation's fields, so that lists of 100,000 results filter without joins.
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="qa_inspections")
    team = models.ForeignKey("accounts.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    started_at = models.DateTimeField()
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["is_current", "-started_at", "-id"], name="qa_insp_current_started"),
            models.Index(fields=["agent", "is_current", "-started_at"], name="qa_insp_agent"),
            models.Index(fields=["is_current", "score"], name="qa_insp_score"),
        ]
        verbose_name = _("质检结果")
        verbose_name_plural = _("质检结果")

    def __str__(self) -> str:
        return f"{self.conversation} {self.pack_version} {self.score}"


class Verdict(models.TextChoices):
    PENDING = "pending", _("未复核")
    CONFIRMED = "confirmed", _("确认")
    REJECTED = "rejected", _("驳回")  # the rule was wrong here: a false positive


class Finding(models.Model):
    """One piece of evidence: a rule that hit a span of one turn."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    rule = models.CharField(_("规则"), max_length=32)
    category = models.CharField(_("类别"), max_length=30)
    severity = models.CharField(_("严重程度"), max_length=10)
    turn = models.PositiveIntegerField()
    start = models.PositiveIntegerField()  # half-open character range in the turn's original text
    end = models.PositiveIntegerField()
    evidence = models.CharField(_("证据"), max_length=200, blank=True)
    message = models.CharField(_("说明"), max_length=300, blank=True)
    verdict = models.CharField(_("复核结论"), max_length=10, choices=Verdict.choices, default=Verdict.PENDING)
    verdict_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    verdict_comment = models.CharField(max_length=500, blank=True)
    verdict_at = models.DateTimeField(null=True, blank=True)
    # False once a review rejected it or an appeal was accepted/partially accepted: it no longer costs points.
    counts = models.BooleanField(default=True)

    class Meta:
        ordering = ["turn", "start", "id"]
        # The few findings a person has reviewed (rule precision on the inspector's home), without
        # reading the hundreds of thousands still pending.
        indexes = [models.Index(fields=["verdict"], condition=~models.Q(verdict="pending"), name="qa_finding_reviewed"),
                   # "results with a finding of rule X" reads the index alone (rule -> inspection ids)
                   models.Index(fields=["rule", "inspection"], name="qa_finding_rule_inspection")]
        verbose_name = _("质检发现")
        verbose_name_plural = _("质检发现")

    def __str__(self) -> str:
        return f"{self.rule} @{self.turn}:{self.start}"


class ReviewState(models.TextChoices):
    QUEUED = "queued", _("待复核")  # sampled into an inspector's queue
    DONE = "done", _("已复核")


class Review(models.Model):
    """人工复核 of one inspection: why it was sampled, who reviews, the manual items and the comment."""

    inspection = models.OneToOneField(Inspection, on_delete=models.CASCADE, related_name="review")
    state = models.CharField(max_length=10, choices=ReviewState.choices, default=ReviewState.QUEUED, db_index=True)
    reason = models.CharField(max_length=20)  # "fatal", "low_score", "random", "manual"
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="qa_reviews")
    manual_scores = models.JSONField(default=dict, blank=True)  # {item code: points (<= 0)}
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("人工复核")
        verbose_name_plural = _("人工复核")

    def __str__(self) -> str:
        return f"review {self.inspection_id} {self.state}"


class AppealState(models.TextChoices):
    OPEN = "open", _("待裁定")
    ACCEPTED = "accept", _("申诉成立")
    PARTIAL = "partial", _("部分成立")
    REJECTED = "reject", _("申诉驳回")


FINAL_APPEAL_STATES = (AppealState.ACCEPTED, AppealState.PARTIAL, AppealState.REJECTED)


class Appeal(models.Model):
    """申诉: the agent disputes a finding (or the score, finding NULL); a supervisor's ruling is final."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="appeals")
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, null=True, blank=True, related_name="appeals")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="qa_appeals")
    reason = models.TextField(_("申诉理由"))
    state = models.CharField(max_length=10, choices=AppealState.choices, default=AppealState.OPEN, db_index=True)
    ruled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    ruling_comment = models.TextField(blank=True)
    created_at = models.DateTimeField()
    ruled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")

    def __str__(self) -> str:
        return f"appeal {self.pk} {self.state}"


class QaEvent(models.Model):
    """History as facts: a code and its parameters; words are produced when displayed."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    code = models.CharField(max_length=40)
    params = models.JSONField(default=dict)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.code


class ImportState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("导入中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ImportJob(models.Model):
    """An uploaded file of conversations, imported in chunks: ``position`` is the next row to read and is
    committed with the chunk it follows, so a worker that dies resumes where the last chunk ended."""

    file = models.FileField(upload_to="qa_imports/")
    filename = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)  # jsonl, csv, xlsx
    state = models.CharField(max_length=10, choices=ImportState.choices, default=ImportState.QUEUED)
    total = models.PositiveIntegerField(default=0)  # conversations (jsonl: lines) found in the file
    done = models.PositiveIntegerField(default=0)  # conversations processed (imported or reported)
    position = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)  # [{"line", "message"}]
    imported = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.filename} {self.state}"


class AgentAlias(models.Model):
    """工号: the id a call-centre or chat system uses for an agent, so imports can name agents by it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qa_aliases")
    code = models.CharField(_("工号"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("工号")
        verbose_name_plural = _("工号")

    def __str__(self) -> str:
        return self.code


class QaSettings(models.Model):
    """The one row of sampling and appeal settings (抽检规则, 申诉时限)."""

    sample_fatal = models.BooleanField(_("抽检所有致命项"), default=True)
    sample_below = models.FloatField(_("抽检低于此分数的会话"), default=60)
    sample_percent = models.FloatField(_("每位客服随机抽检比例(%)"), default=5)
    daily_cap = models.PositiveIntegerField(_("每位质检员每日上限"), default=50)
    appeal_working_days = models.PositiveSmallIntegerField(_("申诉时限(工作日)"), default=3)

    class Meta:
        verbose_name = _("质检设置")
        verbose_name_plural = _("质检设置")

    def __str__(self) -> str:
        return "QA settings"


class AssistOverride(models.Model):
    """A reply sent although the live check warned: recorded, never blocked."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    text = models.TextField()
    rules = models.JSONField(default=list)
    created_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.user_id} {self.rules}"

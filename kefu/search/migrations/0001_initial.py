from django.db import migrations, models

SQLITE_UP = [
    # External-content FTS5 over the document table; the triggers keep it in step with every ORM write.
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content='search_document', content_rowid='id',"
    " tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN"
    " INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN"
    " INSERT INTO search_fts(search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN"
    " INSERT INTO search_fts(search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);"
    " INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS search_document_au", "DROP TRIGGER IF EXISTS search_document_ad",
    "DROP TRIGGER IF EXISTS search_document_ai", "DROP TABLE IF EXISTS search_fts",
]
POSTGRES_UP = [
    # Title words weigh more than body words in the rank (A over B).
    "ALTER TABLE search_document ADD COLUMN tsv tsvector GENERATED ALWAYS AS"
    " (setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', body), 'B')) STORED",
    # One GIN index per big kind, so that a search of customers never reads the postings of a million
    # orders (and their rows, to check the kind); every other kind shares the last index.
    "CREATE INDEX search_document_tsv_ticket ON search_document USING gin (tsv) WHERE kind = 'ticket'",
    "CREATE INDEX search_document_tsv_customer ON search_document USING gin (tsv) WHERE kind = 'customer'",
    "CREATE INDEX search_document_tsv_complaint ON search_document USING gin (tsv) WHERE kind = 'complaint'",
    "CREATE INDEX search_document_tsv_other ON search_document USING gin (tsv)"
    " WHERE kind NOT IN ('ticket', 'customer', 'complaint')",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS search_document_tsv_ticket", "DROP INDEX IF EXISTS search_document_tsv_customer",
    "DROP INDEX IF EXISTS search_document_tsv_complaint", "DROP INDEX IF EXISTS search_document_tsv_other",
    "ALTER TABLE search_document DROP COLUMN tsv",
]


def _run(statements: dict):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return run


def _index_existing(apps, schema_editor):
    """An installation that upgrades has orders already: index them (as `kefu search_rebuild` would)."""
    from kefu.search.text import index_text

    Document = apps.get_model("search", "Document")
    Ticket, Message = apps.get_model("tickets", "Ticket"), apps.get_model("tickets", "Message")
    Customer, Complaint = apps.get_model("customers", "Customer"), apps.get_model("complaints", "Complaint")
    docs = []
    for ticket in Ticket.objects.only("pk", "number", "subject").iterator():
        body = " ".join(Message.objects.filter(ticket_id=ticket.pk).values_list("body", flat=True))
        docs.append(Document(kind="ticket", object_id=ticket.pk, title=index_text(f"{ticket.number} {ticket.subject}"),
                             body=index_text(body)))
    for c in Customer.objects.iterator():
        docs.append(Document(kind="customer", object_id=c.pk, title=index_text(f"{c.name} {c.company}"),
                             body=index_text(" ".join([c.region, " ".join(c.tags or []), c.notes, c.department]))))
    for c in Complaint.objects.select_related("ticket").iterator():
        body = " ".join(getattr(c, f) or "" for f in COMPLAINT_TEXT_FIELDS)
        docs.append(Document(kind="complaint", object_id=c.pk, body=index_text(body),
                             title=index_text(f"{c.ticket.number} {c.ticket.subject}")))
    Document.objects.bulk_create(docs, batch_size=1000)


# Frozen copy of kefu.search.sources.COMPLAINT_TEXT_FIELDS as it was when this migration was written.
COMPLAINT_TEXT_FIELDS = (
    "object_detail", "place", "description", "demand", "key_quotes", "cause", "solution",
    "customer_response", "implementation", "result_report", "root_cause", "improvement", "invalid_reason",
)


class Migration(migrations.Migration):
    initial = True
    dependencies = [
        ("tickets", "0002_due_warning_and_provisional"),
        ("customers", "0001_initial"),
        ("complaints", "0002_default_categories"),
    ]

    operations = [
        migrations.CreateModel(
            name="Document",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=20)),
                ("object_id", models.BigIntegerField()),
                ("title", models.TextField(blank=True)),
                ("body", models.TextField(blank=True)),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("kind", "object_id"), name="search_document_unique")],
            },
        ),
        migrations.RunPython(_run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
                             _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN})),
        migrations.RunPython(_index_existing, migrations.RunPython.noop),
    ]

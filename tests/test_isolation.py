"""Each test starts with an empty cache, as it starts with an empty database: what one test leaves in the
cache (a personal-data read remembered for ten minutes, a rate-limit count) must not change another's
outcome. On SQLite a rolled-back test's ids are handed out again, so a remembered read of user 4 and
customer 1 silently suppressed the next test's audit row for user 4 and customer 1 (tests/test_reports_pages.py's
order export failed only after other files)."""

from django.core.cache import cache

from kefu.security.audit import personal_data_read
from kefu.security.models import EventKind, SecurityEvent
from tests import factories

SEEN = {}


def test_a_read_is_remembered_within_a_test(desk):
    customer = factories.customer(desk.supervisor)
    personal_data_read(desk.supervisor, [customer.pk], where="isolation")
    SEEN.update(user=desk.supervisor.pk, customer=customer.pk)
    assert cache.get(f"pd-read:{desk.supervisor.pk}:{customer.pk}") is not None


def test_the_next_test_starts_with_an_empty_cache(desk):
    customer = factories.customer(desk.supervisor)
    assert cache.get(f"pd-read:{SEEN.get('user')}:{SEEN.get('customer')}") is None
    personal_data_read(desk.supervisor, [customer.pk], where="isolation")
    assert SecurityEvent.objects.filter(kind=EventKind.PERSONAL_DATA_READ, actor=desk.supervisor).exists()

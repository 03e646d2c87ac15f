from django.db.models import QuerySet

from kefu.core.errors import DomainError

MAX_PAGE_SIZE = 200


def paginate(qs: QuerySet, page: int, page_size: int) -> tuple[list, dict]:
    if page < 1:
        raise DomainError("page 必须大于等于 1", field="page")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise DomainError(f"page_size 必须在 1 到 {MAX_PAGE_SIZE} 之间", field="page_size")
    count = qs.count()
    start = (page - 1) * page_size
    meta = {"count": count, "page": page, "page_size": page_size}
    if start >= count:  # past the end: empty, without an OFFSET the database cannot hold (page=10**19)
        return [], meta
    return list(qs[start : start + page_size]), meta

"""What every policy module shares: the refusal every check raises."""

from kefu.core.errors import Forbidden


def require(allowed: bool, message: str = "您没有权限执行此操作") -> None:
    if not allowed:
        raise Forbidden(message)

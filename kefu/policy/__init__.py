"""Who may see and do what: every role and object check of Kefu lives in this package.

Views, API handlers and services ask `policy`; nothing else decides visibility. One module per
domain; this module re-exports them so callers write `policy.can_view_ticket(...)`. A new domain
app adds `kefu/policy/<domain>.py` and one import line below.
"""

from kefu.policy.accounts import *  # noqa: F403
from kefu.policy.base import *  # noqa: F403
from kefu.policy.callbacks import *  # noqa: F403
from kefu.policy.channels import *  # noqa: F403
from kefu.policy.complaints import *  # noqa: F403
from kefu.policy.customers import *  # noqa: F403
from kefu.policy.org import *  # noqa: F403
from kefu.policy.qa import *  # noqa: F403
from kefu.policy.ratings import *  # noqa: F403
from kefu.policy.reports import *  # noqa: F403
from kefu.policy.security import *  # noqa: F403
from kefu.policy.sla import *  # noqa: F403
from kefu.policy.surveys import *  # noqa: F403
from kefu.policy.tickets import *  # noqa: F403
from kefu.policy.workspace import *  # noqa: F403

"""``python -m kefu.qa_engine inspect|check|rules ...`` - the same as ``kefu qa ...``."""

import sys

from .cli import main

sys.exit(main(sys.argv[1:]))

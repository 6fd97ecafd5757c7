"""``python -m geo``: the GridWatch command line."""

import sys

from .cli import main

sys.exit(main())

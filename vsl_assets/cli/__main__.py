"""``python -m vsl_assets.cli``: the ``vsl`` command without its console script."""

import sys

from vsl_assets.cli import main

sys.exit(main())

"""``python -m fundmodel`` runs the command line."""

import sys

from fundmodel.cli import main

sys.exit(main())

"""`python -m incident_ops` runs the CLI."""

import sys

from incident_ops.cli import main

sys.exit(main())

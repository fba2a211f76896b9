"""The incident repository on disk: its configuration, finding and reading incident files,
the cross-file index and its cache, and spreading work over the cores."""

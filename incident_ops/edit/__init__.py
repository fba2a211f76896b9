"""Changing incident files: front-matter edits that keep every untouched byte, the
lifecycle operations (ack, escalate, update, resolve, close), new incidents, commits."""

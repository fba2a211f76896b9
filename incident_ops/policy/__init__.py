"""Policies: the model of `policies/*.yaml`, loading and cross-checking them, the `when:`
condition language, classification, working calendars and their holidays."""

"""Reports over the whole repository: the management report (Markdown) and the static site.

Everything reads the same `Record` list (`load.load_entries`): parsed once, obligations
computed once, as of one `now`.
"""

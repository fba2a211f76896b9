"""The incident domain, free of I/O: the front-matter model, the lifecycle stages,
durations and the obligations (deadlines) an incident owes under a policy."""

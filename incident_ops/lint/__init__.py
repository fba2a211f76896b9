"""Running the rules: files of a workspace → findings, with the rule levels of
`incident-ops.yaml` applied in one place."""

"""One module per subcommand; each exports `COMMANDS: dict[name, click.Command]`."""

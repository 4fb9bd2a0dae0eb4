"""The command line's parts, one module per command group: `python -m loaders`
(loaders/__main__.py) declares every command and option and calls these, which print what
the services return and decide nothing themselves."""

"""The `jobfeed` subcommands that have grown beyond a few lines: one module per command (or command group).

Each module does the work of its command; scraper/cli.py only parses arguments and dispatches.
"""

"""Help pages that show each command's whole first paragraph.

click cuts a command's description at about 45 characters in a group's list ("Delete
what interrupted exploits left: accounts at the exploits'..."); a newcomer reading
``marketplace lab --help`` should get the sentence, not its start.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup


class WholeDescriptions:
    """Mix into a click group: its command list shows whole one-line descriptions."""

    def format_commands(self, ctx, formatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            text = command.short_help or (command.help or "").strip().split("\n\n")[0]
            rows.append((name, " ".join(text.split())))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class Group(WholeDescriptions, click.Group):
    """A plain click group (``fix``, ``ctf``) with whole descriptions."""


class AppCommandGroup(WholeDescriptions, AppGroup):
    """Flask's group (commands run inside the app context, ``lab``) with whole descriptions."""

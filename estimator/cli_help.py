"""How ``envelope --help`` and each command's ``--help`` read: plain text, wrapped to the terminal.

The CLI uses click's plain help (``rich_markup_mode=None``): paragraphs are re-wrapped to the
width, nothing is read as markup, and the text is ASCII-safe on any terminal. Two things typer
adds to it read badly, and the classes here put them the way click and most tools write them:

- arguments: typer writes a required one as ``{file}`` in the usage line and gives each a type
  column (``files... <list[Path]>``); here they are ``FILE``, ``[FILE]`` and ``FILES...``;
- the command list: click cuts each command's first sentence to fit one line ("feature
  store,..."); here the sentence is whole, wrapped like option help.

Options keep click's layout; each names its value with a ``metavar`` in ``estimator.cli``.
"""

from __future__ import annotations

import sys
from typing import Any

import typer.core

__all__ = ["PlainCommand", "PlainGroup", "argument_name", "keep_note_whole"]

# Stands for a space the wrapper must not break at while help is wrapped, and is put back after:
# textwrap breaks only at ASCII whitespace, and no help text holds a NUL.
UNBROKEN_SPACE = "\x00"


def keep_note_whole(text: str) -> str:
    """Help text whose closing note (``[default: LR]``, ``[required]``) wraps as one word.

    typer ends a parameter's help with its note after two spaces; wrapped as it is, the note
    can break after ``[default:``, leaving ``LR]`` alone on the next line.

    Parameters
    ----------
    text : str
        A parameter's help as typer writes it.

    Returns
    -------
    str
        The same text with the note's spaces as ``UNBROKEN_SPACE``.

    Examples
    --------
    >>> keep_note_whole("LR or TB.  [default: LR]").replace(UNBROKEN_SPACE, "_")
    'LR or TB.  [default:_LR]'
    >>> keep_note_whole("Output format (a [b] c).")
    'Output format (a [b] c).'
    """
    head, separator, note = text.rpartition("  [")
    if not separator or not note.endswith("]"):
        return text
    return head + separator + note.replace(" ", UNBROKEN_SPACE)


def argument_name(param: typer.core.TyperArgument) -> str:
    """An argument as help shows it: its metavar (its name in capitals), ``...`` if repeated.

    Parameters
    ----------
    param : typer.core.TyperArgument
        A command's positional argument.

    Returns
    -------
    str
        ``FILE``, or ``FILES...`` for one taking any number of values.
    """
    name = param.metavar or (param.name or "").upper()
    return f"{name}..." if param.nargs != 1 else name


class PlainCommand(typer.core.TyperCommand):
    """A command whose help names arguments as ``FILE`` and ``[FILE]`` and shows no type column."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:  # one name for an argument in the usage line, the help and errors
            if isinstance(param, typer.core.TyperArgument) and param.metavar is None:
                param.metavar = (param.name or "").upper()

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """``[OPTIONS] FILE`` (an optional argument in brackets), not typer's ``[OPTIONS] {file}``."""
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, typer.core.TyperArgument):
                pieces.append(argument_name(param) if param.required else f"[{argument_name(param)}]")
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        """The Arguments section (name and help) and the Options section (click's records)."""
        arguments, options = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if isinstance(param, typer.core.TyperArgument):
                arguments.append((argument_name(param), record[1]))
            else:
                options.append(record)
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    start = len(formatter.buffer)
                    formatter.write_dl([(name, keep_note_whole(text)) for name, text in rows])
                    formatter.buffer[start:] = [part.replace(UNBROKEN_SPACE, " ") for part in formatter.buffer[start:]]


class PlainGroup(typer.core.TyperGroup):
    """The ``envelope`` group: each command listed with its whole first sentence."""

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """One row per command: its name and the first sentence of its help, wrapped, never cut."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=sys.maxsize)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

"""The `awardbot` command line: a thin layer over the core. Expected failures print one line and exit.

Each sub-command module (`chat`, `ask`, `knowledge`, `ops`, `telegram`) registers its commands here;
they share `common` and never import this package, so the CLI has no import cycle.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

from bot import __version__
from bot.cli.common import CliError, database_error


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="awardbot",
        description="Guidance assistant for the mayor quality award (市长质量奖) and GB/T 19580.",
    )
    p.add_argument("--version", action="version", version=f"awardbot {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def add(name, func, help_):
        sp = sub.add_parser(name, help=help_, description=help_)
        sp.set_defaults(func=func)
        sp.add_argument("--knowledge", metavar="DIR", help="knowledge directory (env AWARDBOT_KNOWLEDGE)")
        return sp

    from bot.cli import ask, chat, knowledge, ops, telegram, web, workbook

    for module in (knowledge, chat, ask, ops, telegram):
        module.register(add)
    workbook.register(add)  # the self-assessment report workbook (.docx)
    web.register(add)  # the web chat (bot/channels/web)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "question", None) == []:
        args.question = None
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except CliError as exc:
        print(f"awardbot: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except sqlite3.Error as exc:  # the database went bad after it opened (locked, malformed, disk full)
        from bot import config

        path = Path(args.db) if getattr(args, "db", None) else config.db_path()
        print(f"awardbot: {database_error(path, exc, 'use')}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file the user named cannot be written or read
        if not exc.filename:
            raise
        print(f"awardbot: cannot use {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2

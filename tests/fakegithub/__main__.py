"""`python -m tests.fakegithub --port 8765 [--token T] [--seed FILE.json]`: try the bot by hand."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .server import FakeGitHub


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fakegithub", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--token", help="the token clients must send (default: random)")
    parser.add_argument(
        "--seed",
        type=Path,
        help='JSON: {"tokens": [...], "repos": [...], "teams": [...]} (see State.load_seed)',
    )
    args = parser.parse_args(argv)
    server = FakeGitHub(host=args.host, port=args.port, token=args.token)
    if args.seed:
        server.load_seed(json.loads(args.seed.read_text()))
    print(f"fake GitHub API at {server.url}")
    print(f"  export GITHUB_API_URL={server.url}")
    print(
        "  export GITHUB_TOKEN=" + (args.token or "<the --token you pass; none given, so random>")
    )
    for token, user in server.state.tokens.items():
        if token != server.token:
            print(f"  also accepted: {token} ({user.type} {user.login})")
    print("Ctrl-C to stop.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        for v in server.violations:
            print(f"contract violation: {v}")
    return 1 if server.violations else 0


if __name__ == "__main__":
    raise SystemExit(main())

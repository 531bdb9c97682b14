"""Prints the API's OpenAPI document, from which the web UI's client is generated; no server starts."""

from __future__ import annotations

import json
import sys

from crewloom.app import create_app


def main() -> None:
    sys.stdout.write(json.dumps(create_app().openapi(), indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

"""Fails when requirements.lock no longer pins what pyproject.toml asks for (run `make lock`)."""

import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    locked = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if "==" in line and not line.startswith((" ", "#")):
            name, version = line.split()[0].split("==")
            locked[canonicalize_name(name)] = version
    wanted = project["dependencies"] + [text for extra in project["optional-dependencies"].values() for text in extra]
    stale = []
    for requirement in map(Requirement, wanted):
        name = canonicalize_name(requirement.name)
        if name != canonicalize_name(project["name"]) and (
            name not in locked or locked[name] not in requirement.specifier
        ):
            stale.append(requirement)
    for requirement in stale:
        print(f"requirements.lock does not pin {requirement}: run `make lock`", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())

"""Importing the third-party modules the harness needs, with a useful error.

The harness runs on Debian's /usr/bin/python3, where apt installs these
modules; another python3 earlier on a user's PATH usually lacks them, and a
bare ImportError would not say what to do about it.
"""
import importlib
import sys

DEBIAN_PACKAGE = {"yaml": "python3-yaml", "pandas": "python3-pandas", "pytest": "python3-pytest"}


class MissingModule(SystemExit):
    """Raised (and exits) when a module is missing; carries the fix as its message."""


def need(module):
    """The imported module, or exit naming the Debian package that provides it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        pkg = DEBIAN_PACKAGE.get(module, f"the package providing {module}")
        raise MissingModule(
            f"error: Python module '{module}' is missing from {sys.executable}.\n"
            f"Install it with `apt-get install {pkg}` and run the harness with Debian's "
            f"interpreter: /usr/bin/python3 -m experiments ... (or make exp E=NAME).") from None

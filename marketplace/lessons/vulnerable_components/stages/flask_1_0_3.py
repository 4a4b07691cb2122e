"""1/fix in the course: Flask 1.0.3 and its era's releases; clean then, stale now.

When the course pinned it (May 2019), Flask 1.0.3 fixed every advisory known for Flask
0.12. Advisories published since have caught up with it and with the Werkzeug and Jinja2
pip chose next to it: PYSEC-2023-62 (CVE-2023-30861, a response carrying one client's
session cookie can be cached and served to another) affects every Flask before 2.2.5.
A fix pinned once goes stale: the same audit that passed in 2019 fails today.
"""

from pathlib import Path


def requirements_file() -> Path:
    return Path(__file__).parent.parent / "requirements" / "flask-1.0.3.txt"  # VULNERABLE: stale

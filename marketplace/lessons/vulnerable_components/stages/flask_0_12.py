"""1/code: the requirement set the course starts from: Flask 0.12 and its era's releases.

Unsafe: every pin is a release with published advisories. Flask 0.12 alone has
PYSEC-2018-66 (CVE-2018-1000656, a JSON request in the wrong encoding can exhaust memory),
and its Werkzeug and Jinja2 have more (a guessable debugger PIN in containers, unlimited
multipart parts, a sandbox escape, a ReDoS).
Nothing in the app's own code is wrong; the vulnerability is in what it is built from, and
an audit against an advisory database finds it without running anything.
"""

from pathlib import Path


def requirements_file() -> Path:
    return Path(__file__).parent.parent / "requirements" / "flask-0.12.txt"  # VULNERABLE: old pins

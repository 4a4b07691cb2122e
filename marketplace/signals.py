"""Events the views announce, for whoever listens (the lessons' challenge detectors).

A view stays ignorant of the lessons' challenges: it says what happened, once, with the
data it already holds; a lesson connects a receiver for the apps where its detector runs.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent by the XML bulk upload after the xxe lesson's active stage parsed a document:
# ``document`` (the bytes received) and ``items`` (the (title, description) pairs parsed).
xml_upload_parsed = _signals.signal("xml-upload-parsed")

"""Beyond the course, first stage: the login redirects to whatever ``next`` says.

Unsafe: ``next`` comes from the link, and anyone can write the link. A phishing mail points
at the real login page (the real domain, a valid certificate) with
``?next=https://evil.example/``; the victim logs in for real, and the site itself sends them
on to the attacker's copy, which asks for the password "again" or for a card number.
"""


def after_login(next_value: str | None, fallback: str) -> str:
    return next_value or fallback  # VULNERABLE: any URL at all, another site's included

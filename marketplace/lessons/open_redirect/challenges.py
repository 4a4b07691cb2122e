"""The open-redirect challenges: make the real login send you to another site.

The detector (``detector.py``, called by the login view with the ``Location`` it answers)
reads the value as a browser would and records a solve when the host it leads to is not
the one the login was asked on.
"""

from marketplace.challenges import Challenge

CHALLENGES = (
    Challenge(
        exploit="absolute-url-redirect",
        goal="Craft a login link after which the marketplace itself sends you to another site.",
        difficulty=1,
        hints=(
            "Log out, open a page that needs a login and look at the login page's address.",
            "The next parameter says where to go after the login. Anything at all?",
            "Try /user/login?next=http://127.0.0.1:8000/ and log in.",
        ),
    ),
    Challenge(
        exploit="scheme-relative-redirect",
        goal="The login now insists that next starts with '/'. Leave the site anyway.",
        difficulty=2,
        hints=(
            "A URL does not need a scheme to name another host.",
            "How does a browser read a link to //example.com/ on an http page?",
            "Try next=//127.0.0.1:8000/ (encoded: %2F%2F127.0.0.1%3A8000%2F); later /%09/ too.",
        ),
    ),
)

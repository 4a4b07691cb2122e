"""Chapter 17 by hand: log in as someone else with a "remember me" cookie you made yourself."""

from marketplace.challenges import Challenge

CHALLENGES = (
    Challenge(
        exploit="crack-and-forge",
        goal=(
            "Starting from nothing but your own account, get into another user's account "
            "(you know their e-mail) without their password."
        ),
        difficulty=2,
        hints=(
            'Tick "remember me" when you log in, and look closely at the cookie you get.',
            "The cookie is itsdangerous' URLSafeTimedSerializer output with the salt "
            "'remember-me': base64 JSON, a timestamp and an HMAC. Its key may be a common word.",
            "Try each word of zxcvbn's password list as the key until one verifies your own "
            'cookie (flask-unsign does this), then sign {"email": "<victim>"} with it and '
            "send it as remember_me with no session cookie.",
        ),
    ),
    Challenge(
        exploit="forge-with-leaked-key",
        goal=(
            "A backup of the server has leaked (/lab/weak-secret-key/backup.json): use it to "
            "get into another user's account without their password."
        ),
        difficulty=2,
        hints=(
            "Which secrets are in the backup, and what does the app sign with them?",
            "The app's SECRET_KEY (config, or the instance folder's secret_key file) signs "
            "more than Flask's session once the remember-me cookie uses it.",
            'Sign {"email": "<victim>"} with URLSafeTimedSerializer(SECRET_KEY, '
            "salt='remember-me') and send it as the remember_me cookie with no session cookie.",
        ),
    ),
)

"""Log records without the token of a private feed address (``/nguon-tin/<token>/…``).

Django logs the path of a 404 or 500 answer, gunicorn every request line: the token, which
alone opens a reader's feed, is replaced by "…" before a record reaches a handler.
"""

import logging
import re

FEED_PATH = re.compile(r"(/nguon-tin/)[^/\s\"?#]+(?=/(?:atom\.xml|van-ban\.json))")


def without_feed_tokens(text: str) -> str:
    return FEED_PATH.sub(r"\1…", text)


class RedactFeedTokens(logging.Filter):
    """Keep every record; rewrite its message when it names a feed address."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = without_feed_tokens(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True

"""What every XML upload parser shares: its error type and limits."""

MAX_LISTINGS = 500
MAX_DOCUMENT_BYTES = 512 * 1024


class UploadError(ValueError):
    """The document cannot be turned into listings; the message says why (HTTP 400)."""

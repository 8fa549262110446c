from django.core.signals import request_finished
from django.db import close_old_connections


def read_streaming(response):
    """Read a streaming response (file download) and close it, without letting Django's
    end-of-request handler close the test's database connection (it would on PostgreSQL)."""
    body = b"".join(response.streaming_content)
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    return body

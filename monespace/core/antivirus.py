"""Scanning uploads with ClamAV (clamd), over its socket, with the INSTREAM command.

A file is clean only when clamd said so. clamd down or unreachable: the file waits (« en cours
d'analyse ») and a task scans it again later — never passed as clean (fail closed). A file
clamd cannot analyse whole (beyond its limits: ``AlertExceedsMax``, or a stream too long) is
refused like an infected one. Without a scanner configured (a developer's machine), files are
« non analysé »; production requires one (``CLAMAV_REQUIRED``, a deployment check).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger(__name__)

CLEAN, INFECTED, REFUSED, UNAVAILABLE, UNSCANNED = (
    "clean",
    "infected",
    "refused",
    "unavailable",
    "unscanned",
)


@dataclass(frozen=True)
class Verdict:
    status: str
    signature: str = ""

    @property
    def rejects(self) -> bool:
        return self.status in (INFECTED, REFUSED)


def configured() -> bool:
    return bool(settings.CLAMAV_SOCKET or settings.CLAMAV_HOST)


CHUNK = 64 * 1024  # INSTREAM chunks (clamdpy sends 1 KiB by default)


def _client():
    import socket

    from clamdpy import ClamdNetworkSocket, ClamdUnixSocket
    from clamdpy.exceptions import ConnectionError as ClamdConnectionError

    class UnixClient(ClamdUnixSocket):
        def _acquire_socket(self) -> socket.socket:
            # As clamdpy's, but the socket is closed when the connection fails.
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.settimeout(self.timeout)
                sock.connect(str(self.socket_path))
            except OSError as error:
                sock.close()
                raise ClamdConnectionError(f"clamd unreachable: {error}") from error
            return sock

    if settings.CLAMAV_SOCKET:
        return UnixClient(
            path=settings.CLAMAV_SOCKET, timeout=settings.CLAMAV_TIMEOUT, max_chunk_size=CHUNK
        )
    return ClamdNetworkSocket(
        host=settings.CLAMAV_HOST,
        port=settings.CLAMAV_PORT,
        timeout=settings.CLAMAV_TIMEOUT,
        max_chunk_size=CHUNK,
    )


def scan(stream) -> Verdict:
    """clamd's verdict on a readable binary stream (read from its start, left at its start)."""
    if not configured():
        return Verdict(UNSCANNED)
    from clamdpy.exceptions import ClamdException, ResponseError

    try:
        stream.seek(0)
        result = _client().instream(stream)
    except ResponseError as error:  # e.g. « INSTREAM size limit exceeded »
        logger.warning("antivirus could not analyse a file: %s", error)
        return Verdict(REFUSED, "limits")
    except (ClamdException, OSError) as error:
        logger.warning("antivirus unavailable: %s", error)
        return Verdict(UNAVAILABLE)
    finally:
        stream.seek(0)
    if result.status == "OK":
        return Verdict(CLEAN)
    if result.status == "FOUND":
        signature = result.reason or ""
        # Beyond clamd's limits (AlertExceedsMax): not analysed whole, so not clean.
        status = REFUSED if signature.startswith("Heuristics.Limits") else INFECTED
        logger.warning("antivirus: %s found in an upload", signature)
        return Verdict(status, signature)
    logger.warning("antivirus error on a file: %s", result.reason)
    return Verdict(REFUSED, result.reason or "")


def available() -> bool:
    if not configured():
        return False
    try:
        return _client().ping() == "PONG"
    except Exception:
        return False

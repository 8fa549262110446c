"""A tiny SMTP server for the fault tests (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; no TLS, no
authentication), run in a thread of the test process: it counts what it accepted, can be
stopped and started again on the same port (a mail server down, then back), and can hold its
answer to the end of a message (a slow server) — a message whose sender goes away meanwhile is
not delivered, as with a real server, which keeps a message only once it has said « 250 »."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
import time
from email.message import Message


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpSink:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.messages: list[Message] = []
        self.abandoned = 0  # messages whose sender went away before the « 250 »
        self.hold = threading.Event()  # set: the answer to a message waits until it is cleared
        self.holding = threading.Event()  # set while a message waits for its answer
        self.delay = 0.0  # seconds before answering a message
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._sessions: set[asyncio.Task] = set()
        self._thread: threading.Thread | None = None

    # --- Control, from the test's thread ---------------------------------------------------

    def start(self) -> SmtpSink:
        ready = threading.Event()

        async def serve() -> None:
            self._loop, self._stopping = asyncio.get_running_loop(), asyncio.Event()
            server = await asyncio.start_server(self._session, "127.0.0.1", self.port)
            ready.set()
            async with server:
                await self._stopping.wait()
                server.close()
                for session in list(self._sessions):
                    session.cancel()
                await asyncio.gather(*self._sessions, return_exceptions=True)

        self._thread = threading.Thread(target=asyncio.run, args=(serve(),), daemon=True)
        self._thread.start()
        if not ready.wait(5):
            raise RuntimeError("the SMTP sink did not start")
        return self

    def stop(self) -> None:
        """The server goes away: connections are cut, then refused until ``start`` again."""
        if self._loop is None or self._thread is None or self._stopping is None:
            return
        self.hold.clear()
        self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(5)
        self._loop = self._stopping = self._thread = None

    @property
    def delivered(self) -> list[Message]:
        with self._lock:
            return list(self.messages)

    def subjects(self) -> list[str]:
        return [str(message["Subject"]) for message in self.delivered]

    # --- The server, in its own thread -----------------------------------------------------

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        def say(line: str) -> None:
            writer.write(line.encode() + b"\r\n")

        session = asyncio.current_task()
        if session is not None:
            self._sessions.add(session)
        try:
            say("220 sink ESMTP")
            while line := await reader.readline():
                verb = line.decode(errors="replace").strip().split(" ", 1)[0].upper()
                if verb == "EHLO":
                    say("250-sink")
                    say("250-8BITMIME")
                    say("250 SMTPUTF8")
                elif verb in {"HELO", "MAIL", "RCPT", "RSET", "NOOP"}:
                    say("250 OK")
                elif verb == "DATA":
                    say("354 End data with <CR><LF>.<CR><LF>")
                    await writer.drain()
                    lines = []
                    while (part := await reader.readline()) not in (b".\r\n", b".\n", b""):
                        lines.append(part[1:] if part.startswith(b"..") else part)
                    if not await self._may_answer(reader):
                        with self._lock:
                            self.abandoned += 1
                        return
                    with self._lock:
                        self.messages.append(
                            email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                        )
                    say("250 OK: queued")
                elif verb == "QUIT":
                    say("221 Bye")
                    await writer.drain()
                    return
                else:
                    say("502 Command not implemented")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            self._sessions.discard(session)  # type: ignore[arg-type]
            writer.close()

    async def _may_answer(self, reader: asyncio.StreamReader) -> bool:
        """Wait while held (or for ``delay``); False if the sender went away meanwhile."""
        until = time.monotonic() + self.delay
        self.holding.set()
        try:
            while self.hold.is_set() or time.monotonic() < until:
                try:
                    if await asyncio.wait_for(reader.read(1), 0.05) == b"":
                        return False  # the connection was closed: the sender is gone
                except TimeoutError:
                    continue
            return True
        finally:
            self.holding.clear()

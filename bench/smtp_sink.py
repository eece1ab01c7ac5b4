"""A local SMTP server that counts and discards what it receives:
python -m bench.smtp_sink PORT [DELAY_MS] (DELAY_MS: answer each message
after that many milliseconds, as a real mail server that takes its time). Prints "ready" once listening; on SIGTERM
prints the number of messages received and stops. Listens on 127.0.0.1 only.

aiosmtpd's Controller cannot take port 0: the caller picks a free port
first (bench.common.free_port)."""
import asyncio
import signal
import sys
import threading

from aiosmtpd.controller import Controller


class Counter:
    def __init__(self, delay: float = 0.0):
        self.messages = 0
        self.bytes = 0
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        self.messages += 1
        self.bytes += len(envelope.content or b"")
        return "250 OK"


def main() -> None:
    port = int(sys.argv[1])
    handler = Counter(int(sys.argv[2]) / 1000 if len(sys.argv) > 2 else 0.0)
    controller = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=30)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print("ready", flush=True)
    stop.wait(timeout=1800)  # bounded: never outlives a run by much
    controller.stop()
    print(f"{handler.messages} {handler.bytes}", flush=True)


if __name__ == "__main__":
    main()

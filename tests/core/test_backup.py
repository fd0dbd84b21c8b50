"""The restore pipe (pg_restore into psql) with chatty commands: it must not hang."""

from __future__ import annotations

import sys

from app.backup import pipe_commands

NOISE = "import sys\nfor _ in range(20000): sys.stderr.write('NOTICE: something happened\\n')\n"


def test_a_consumer_that_writes_a_lot_to_stderr_does_not_hang_the_restore() -> None:
    # psql writes a notice per statement while pg_restore's output still flows: 500 KiB of
    # stderr is far beyond a pipe's buffer, which made the unread pipe block both processes.
    producer = [sys.executable, "-c", "import sys\nfor i in range(50000): print('SELECT 1;')"]
    consumer = [sys.executable, "-c", NOISE + "data = sys.stdin.read()\nprint(len(data))"]
    produced, producer_errors, consumed, consumer_errors = pipe_commands(
        producer, consumer, prefix=b"BEGIN;\n", suffix_if_produced=b"COMMIT;\n"
    )
    assert (produced, consumed) == (0, 0)
    assert producer_errors == b""
    assert consumer_errors.count(b"NOTICE") == 20000


def test_a_producer_that_writes_a_lot_to_stderr_then_fails_is_reported() -> None:
    producer = [sys.executable, "-c", NOISE + "print('partial'); sys.exit(3)"]
    consumer = [sys.executable, "-c", "import sys\nsys.stdout.write(sys.stdin.read())"]
    produced, producer_errors, consumed, _ = pipe_commands(producer, consumer)
    assert produced == 3 and consumed == 0
    assert producer_errors.count(b"NOTICE") == 20000

#!/usr/bin/env python3
"""Bridge a TCP serial port (Bochs's COM1 in socket-server mode) to this
terminal: bytes from the socket go to stdout, keys typed go to the socket.

    tools/serial_bridge.py --port PORT [--host 127.0.0.1] [--pid PID]

On a terminal, keys are sent as they are typed (no local echo: Fallow's
console echoes and edits the line itself); Ctrl-C or Ctrl-] quits. It
ends when the socket closes (the emulator powered off) or, with --pid,
when that process has gone.

Its exit status is Fallow's, read from the last power-off line it printed
(`fallow: power off (success)` or `(failure)`, see arch/x86_64/power.h):
0 for success, 1 for failure, 3 when the console ended without one (the
emulator died, could not be reached, or the user quit first).
"""
import argparse
import os
import re
import select
import socket
import sys
import termios
import time
import tty

QUIT_KEY = b"\x1d"  # Ctrl-]
CONNECT_TIMEOUT_S = 60
POLL_S = 0.5
DRAIN_S = 1.0

POWER_OFF = re.compile(rb"^fallow: power off \((success|failure)\)")
EXIT_SUCCESS = 0
EXIT_FAILURE = 1
EXIT_NO_STATUS = 3


class PowerOffWatch:
    """Finds Fallow's power-off line in the console stream, which arrives
    in arbitrary chunks: the last one seen decides the status."""

    def __init__(self):
        self.partial = b""
        self.outcome = None

    def feed(self, data):
        *lines, self.partial = (self.partial + data).split(b"\n")
        for line in lines:
            m = POWER_OFF.match(line.strip(b"\r"))
            if m:
                self.outcome = m.group(1).decode()

    def status(self):
        self.feed(b"\n")  # a last line without its newline counts too
        if self.outcome == "success":
            return EXIT_SUCCESS
        if self.outcome == "failure":
            return EXIT_FAILURE
        return EXIT_NO_STATUS


def alive(pid):
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def connect(host, port, pid):
    deadline = time.monotonic() + CONNECT_TIMEOUT_S
    while time.monotonic() < deadline and alive(pid):
        try:
            return socket.create_connection((host, port), timeout=1)
        except OSError:
            time.sleep(0.1)
    return None


def pump(sock, pid, watch_off):
    """Copies both ways until the socket closes, the process goes or the
    user quits."""
    stdin = sys.stdin.buffer.raw if hasattr(sys.stdin.buffer, "raw") else sys.stdin.buffer
    out = sys.stdout.buffer
    watch = [sock, stdin]

    def show(data):
        watch_off.feed(data)
        out.write(data)
        out.flush()
    while alive(pid):
        ready, _, _ = select.select(watch, [], [], POLL_S)
        if sock in ready:
            data = sock.recv(4096)
            if not data:
                return
            show(data)
        if stdin in ready:
            data = os.read(stdin.fileno(), 1024)
            if not data:
                watch = [sock]  # input ended: keep showing output
            elif QUIT_KEY in data:
                return
            else:
                sock.sendall(data)
    # The process ended: what it wrote last (the power-off line) may still
    # wait in the socket.
    sock.settimeout(DRAIN_S)
    try:
        while True:
            data = sock.recv(4096)
            if not data:
                return
            show(data)
    except OSError:
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, help="stop when this process ends")
    args = ap.parse_args()
    sock = connect(args.host, args.port, args.pid)
    if sock is None:
        print(f"serial_bridge: could not connect to {args.host}:{args.port}",
              file=sys.stderr)
        sys.exit(EXIT_NO_STATUS)
    sock.settimeout(None)
    watch_off = PowerOffWatch()
    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd) if os.isatty(fd) else None
    try:
        if saved is not None:
            tty.setcbreak(fd)  # keys at once, no local echo; Ctrl-C still works
        pump(sock, args.pid, watch_off)
    except KeyboardInterrupt:
        pass
    finally:
        if saved is not None:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        sock.close()
    sys.exit(watch_off.status())


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# procs-tty in python3, for where native/procs-tty.c was not compiled (no C compiler): the same
# arguments, channels and frames; see the header of procs-tty.c.
#
#   procs-tty.py COLS ROWS CTLFD stdio|fd FILE ARGV0 [ARG...]
import errno
import fcntl
import os
import select
import signal
import struct
import sys
import termios

QUEUE_MAX = 1 << 20


def fail(what, err):
    os.write(2, ("procs-tty: %s: %s\n" % (what, os.strerror(err))).encode())
    os._exit(127 if err == errno.ENOENT else 126)


def set_size(master, cols, rows):
    try:
        fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    except OSError:
        pass


def write_all(fd, data):
    while data:
        try:
            n = os.write(fd, data)
        except BlockingIOError:
            select.select([], [fd], [])
            continue
        except InterruptedError:
            continue
        data = data[n:]


def relay(master, ctl):
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    os.set_blocking(master, False)
    os.set_blocking(ctl, False)
    queue = b""
    frames = b""
    poller = select.poll()
    while True:
        poller.register(master, select.POLLIN | (select.POLLOUT if queue else 0))
        poller.register(ctl, select.POLLIN)
        try:
            events = dict(poller.poll())
        except InterruptedError:
            continue
        ev = events.get(master, 0)
        if ev & (select.POLLIN | select.POLLHUP | select.POLLERR):
            while True:
                try:
                    data = os.read(master, 65536)
                except BlockingIOError:
                    break
                except InterruptedError:
                    continue
                except OSError:
                    os._exit(0)  # EIO: nothing holds the terminal any more
                if not data:
                    os._exit(0)
                try:
                    write_all(1, data)
                except OSError:
                    os._exit(0)  # procs is gone
        if queue and ev & select.POLLOUT:
            try:
                n = os.write(master, queue)
                queue = queue[n:]
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                os._exit(0)
        if events.get(ctl, 0) & (select.POLLIN | select.POLLHUP | select.POLLERR):
            try:
                data = os.read(ctl, 65536)
            except (BlockingIOError, InterruptedError):
                data = None
            except OSError:
                os._exit(0)
            if data == b"":
                os._exit(0)  # procs is gone
            if data:
                frames += data
                while len(frames) >= 5:
                    kind = frames[0:1]
                    (length,) = struct.unpack(">I", frames[1:5])
                    if length > 65536:
                        os._exit(2)
                    if len(frames) < 5 + length:
                        break
                    body = frames[5 : 5 + length]
                    frames = frames[5 + length :]
                    if kind == b"d":
                        if len(queue) + len(body) <= QUEUE_MAX:
                            queue += body
                    elif kind == b"w" and length == 4:
                        cols, rows = struct.unpack(">HH", body)
                        set_size(master, cols, rows)
                    else:
                        os._exit(2)


def main():
    if len(sys.argv) < 7:
        os.write(2, b"usage: procs-tty.py COLS ROWS CTLFD stdio|fd FILE ARGV0 [ARG...]\n")
        os._exit(2)
    cols, rows, ctl = int(sys.argv[1]) or 120, int(sys.argv[2]) or 40, int(sys.argv[3])
    stdio = sys.argv[4] == "stdio"
    file, argv = sys.argv[5], sys.argv[6:]
    try:
        os.fstat(ctl)
    except OSError as e:
        fail("no control channel on fd %d" % ctl, e.errno)
    if os.getsid(0) != os.getpid():
        try:
            os.setsid()
        except OSError as e:
            fail("cannot start a session", e.errno)
    try:
        master, slave = os.openpty()
    except OSError as e:
        fail("cannot open a pseudo-terminal", e.errno)
    set_size(master, cols, rows)
    os.set_inheritable(ctl, False)
    # The relay ignores the signals a stop or the terminal's hangup sends the unit's group; they
    # are blocked over the fork, so that none reaches it before it ignores them.
    stops = {signal.SIGHUP, signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, stops)
    mid = os.fork()
    if mid == 0:
        for sig in stops:
            signal.signal(sig, signal.SIG_IGN)
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
        # Out of the unit's group before the helper goes on (a session of its own), and out of its
        # tree: the relay's parent exits at once.
        # Holding none of the unit's pipes but fd 1 (the output it copies), before the helper
        # goes on: procs looking for what holds them never finds the relay.
        os.setsid()
        os.close(slave)
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(null, 2)
        os.close(null)
        for name in os.listdir("/proc/self/fd"):
            fd = int(name)
            if fd >= 3 and fd not in (master, ctl):
                try:
                    os.close(fd)
                except OSError:
                    pass
        if os.fork() != 0:
            os._exit(0)
        try:
            relay(master, ctl)
        finally:
            os._exit(0)
    # A stop signal that came meanwhile acts on the helper now, as it would on the program.
    signal.pthread_sigmask(signal.SIG_SETMASK, old)
    os.waitpid(mid, 0)
    os.close(master)
    try:
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        if stdio:
            os.close(ctl)
            for fd in (0, 1, 2):
                os.dup2(slave, fd)
        else:
            os.dup2(slave, ctl)
    except OSError as e:
        fail("cannot take the terminal", e.errno)
    os.close(slave)
    # Python ignores these; the program gets the defaults, as from the compiled helper.
    for sig in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT):
        signal.signal(sig, signal.SIG_DFL)
    try:
        os.execvp(file, argv)
    except OSError as e:
        fail("cannot run " + file, e.errno)


main()

# procs-notify for machines without a C compiler: the same program as native/procs-notify.c
# (read its comment), in python3. Usage: python3 procs-notify.py PATH
import array
import os
import select
import signal
import socket
import struct
import sys

MAX_MESSAGE = 4096


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: procs-notify PATH\n")
        return 2
    path = sys.argv[1]
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)

    def bye(*_):
        try:
            os.unlink(path)
        except OSError:
            pass
        os._exit(0)

    signal.signal(signal.SIGTERM, bye)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    try:
        os.unlink(path)
    except OSError:
        pass
    old = os.umask(0o077)
    try:
        sock.bind(path)
    except OSError as e:
        sys.stderr.write("procs-notify: cannot bind %s: %s\n" % (path, e.strerror))
        return 1
    finally:
        os.umask(old)
    os.chmod(path, 0o600)
    out = sys.stdout.buffer
    try:
        out.write(b"bound\n")
        out.flush()
        ancillary = socket.CMSG_SPACE(12) + socket.CMSG_SPACE(32 * 4)
        while True:
            ready, _, _ = select.select([0, sock], [], [])
            if 0 in ready and not os.read(0, 256):
                bye()
            if sock not in ready:
                continue
            try:
                data, anc, flags, _ = sock.recvmsg(MAX_MESSAGE + 1, ancillary, socket.MSG_DONTWAIT)
            except OSError:
                continue
            pid = 0
            for level, kind, body in anc:
                if level != socket.SOL_SOCKET:
                    continue
                if kind == socket.SCM_CREDENTIALS and len(body) >= 12:
                    pid = struct.unpack("iII", body[:12])[0]
                elif kind == socket.SCM_RIGHTS:
                    fds = array.array("i")
                    fds.frombytes(body[: len(body) - len(body) % 4])
                    for fd in fds:
                        os.close(fd)
            if len(data) > MAX_MESSAGE or flags & socket.MSG_TRUNC or pid <= 0:
                continue
            try:
                pgid = os.getpgid(pid)
            except OSError:
                pgid = 0
            out.write(b"N %d %d %d\n" % (pid, pgid, len(data)) + data)
            out.flush()
    except (BrokenPipeError, OSError):
        bye()


if __name__ == "__main__":
    sys.exit(main())

// procs-tty: runs a program on a pseudo-terminal for procs (units with `tty: true`).
//
//   procs-tty COLS ROWS CTLFD MODE FILE ARGV0 [ARG…]
//
// procs starts it as the leader of the unit's new session and group (the spawner's child calls
// setsid, Node's `detached: true` too). It opens a pseudo-terminal of COLS×ROWS and forks a relay,
// then makes the terminal its controlling terminal and execs FILE (searched on the PATH of its
// environment) with ARGV0 and the ARGs. So the unit's pid is the program's, still the leader of
// its group: procs stops, signals and guards it as any unit.
//
//   MODE stdio  the terminal becomes fd 0, 1 and 2 (a process unit);
//   MODE fd     the terminal replaces fd CTLFD (the pipeline runner gives it to its last step).
//
// The relay leaves the unit's tree (forked twice, a session of its own) and ignores SIGINT,
// SIGTERM and SIGHUP: stopping the unit never waits for it. It copies what the program writes to
// the terminal to fd 1 (a pipe procs reads) and procs' frames from fd CTLFD to the terminal:
//
//   'd' LEN(4, big-endian) BYTES   bytes to type into the terminal (keystrokes, pasted text);
//   'w' 4 COLS(2) ROWS(2)          the window size (the program's group gets SIGWINCH).
//
// It ends once the terminal has no program left on it (reads give EIO, everything read sent on),
// when procs is gone (end-of-file on CTLFD, or fd 1 broken), or when procs sends a bad frame.
// A failure before the exec is written to fd 2 (the unit's stderr) and ends the helper with 126,
// 127 for a program not found, as a shell would.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define OUT_FD 1
#define QUEUE_MAX (1 << 20)

static void __attribute__((noreturn)) fail(const char *what, const char *name, int err) {
  dprintf(2, "procs-tty: %s%s%s: %s\n", what, name ? " " : "", name ? name : "", strerror(err));
  _exit(err == ENOENT ? 127 : 126);
}

static int write_all(int fd, const char *s, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, s, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        struct pollfd p = {fd, POLLOUT, 0};
        poll(&p, 1, -1);
        continue;
      }
      return -1;
    }
    s += n;
    len -= (size_t)n;
  }
  return 0;
}

static unsigned be(const unsigned char *p, int bytes) {
  unsigned v = 0;
  for (int i = 0; i < bytes; i++) v = v << 8 | p[i];
  return v;
}

static void set_size(int master, unsigned cols, unsigned rows) {
  struct winsize ws;
  memset(&ws, 0, sizeof ws);
  ws.ws_col = (unsigned short)cols;
  ws.ws_row = (unsigned short)rows;
  ioctl(master, TIOCSWINSZ, &ws);
}

// Bytes for the terminal, waiting for it to take them.
static char *queue;
static size_t nqueue, capqueue;

static void enqueue(const unsigned char *p, size_t len) {
  if (nqueue + len > QUEUE_MAX) return;  // a program that reads nothing: typing is dropped
  if (nqueue + len > capqueue) {
    size_t cap = capqueue ? capqueue : 4096;
    while (cap < nqueue + len) cap *= 2;
    char *q = realloc(queue, cap);
    if (q == NULL) return;
    queue = q;
    capqueue = cap;
  }
  memcpy(queue + nqueue, p, len);
  nqueue += len;
}

// Frames from procs read so far, not yet whole.
static unsigned char frames[65536 + 8];
static size_t nframes;

// Takes the whole frames read; returns -1 on a frame no procs sends.
static int take_frames(int master) {
  size_t off = 0;
  while (nframes - off >= 5) {
    unsigned char type = frames[off];
    size_t len = be(frames + off + 1, 4);
    if (len > 65536) return -1;
    if (nframes - off - 5 < len) break;
    const unsigned char *body = frames + off + 5;
    if (type == 'd') enqueue(body, len);
    else if (type == 'w' && len == 4) set_size(master, be(body, 2), be(body + 2, 2));
    else return -1;
    off += 5 + len;
  }
  memmove(frames, frames + off, nframes - off);
  nframes -= off;
  return 0;
}

// Closes every descriptor from 3 up but `a` and `b`.
static void close_others(int a, int b) {
  DIR *d = opendir("/proc/self/fd");
  if (d == NULL) {
    for (int fd = 3; fd < 1024; fd++)
      if (fd != a && fd != b) close(fd);
    return;
  }
  int fds[1024], n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < 1024) {
    int fd = atoi(e->d_name);
    if (e->d_name[0] >= '0' && e->d_name[0] <= '9' && fd >= 3 && fd != a && fd != b && fd != dirfd(d)) fds[n++] = fd;
  }
  closedir(d);
  for (int i = 0; i < n; i++) close(fds[i]);
}

static void __attribute__((noreturn)) relay(int master, int ctl) {
  signal(SIGPIPE, SIG_IGN);
  fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
  fcntl(ctl, F_SETFL, fcntl(ctl, F_GETFL) | O_NONBLOCK);
  static char buf[65536];
  for (;;) {
    struct pollfd fds[2] = {
        {master, (short)(POLLIN | (nqueue ? POLLOUT : 0)), 0},
        {ctl, POLLIN, 0},
    };
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      _exit(1);
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      for (;;) {
        ssize_t n = read(master, buf, sizeof buf);
        if (n > 0) {
          if (write_all(OUT_FD, buf, (size_t)n) != 0) _exit(0);  // procs is gone
          continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) break;
        _exit(0);  // EIO: nothing holds the terminal any more, and all it had is sent
      }
    }
    if (nqueue && (fds[0].revents & POLLOUT)) {
      ssize_t n = write(master, queue, nqueue);
      if (n > 0) {
        memmove(queue, queue + n, nqueue - (size_t)n);
        nqueue -= (size_t)n;
      }
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = read(ctl, frames + nframes, sizeof frames - nframes);
      if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) _exit(0);  // procs is gone
      if (n > 0) {
        nframes += (size_t)n;
        if (take_frames(master) != 0) _exit(2);
      }
    }
  }
}

int main(int argc, char **argv) {
  if (argc < 7) {
    dprintf(2, "usage: procs-tty COLS ROWS CTLFD stdio|fd FILE ARGV0 [ARG...]\n");
    return 2;
  }
  unsigned cols = (unsigned)strtoul(argv[1], NULL, 10), rows = (unsigned)strtoul(argv[2], NULL, 10);
  int ctl = atoi(argv[3]);
  int stdio = strcmp(argv[4], "stdio") == 0;
  const char *file = argv[5];
  if (ctl < 3 || fcntl(ctl, F_GETFD) < 0) fail("no control channel on fd", argv[3], EBADF);
  // Normally a session leader already; otherwise it becomes one, to take a controlling terminal.
  if (getsid(0) != getpid() && setsid() < 0) fail("cannot start a session", NULL, errno);
  int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) fail("cannot open a pseudo-terminal", NULL, errno);
  if (grantpt(master) != 0 || unlockpt(master) != 0) fail("cannot unlock the pseudo-terminal", NULL, errno);
  const char *name = ptsname(master);
  if (name == NULL) fail("cannot name the pseudo-terminal", NULL, errno);
  set_size(master, cols ? cols : 120, rows ? rows : 40);
  int slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0) fail("cannot open", name, errno);
  fcntl(ctl, F_SETFD, FD_CLOEXEC);
  // The relay ignores the signals a stop or the terminal's hangup sends the unit's group; they
  // are blocked over the fork, so that none reaches it before it ignores them (a program that
  // exits at once hangs up the terminal while the relay may still be in the group).
  sigset_t stops, old;
  sigemptyset(&stops);
  sigaddset(&stops, SIGHUP);
  sigaddset(&stops, SIGINT);
  sigaddset(&stops, SIGTERM);
  sigprocmask(SIG_BLOCK, &stops, &old);
  pid_t mid = fork();
  if (mid < 0) fail("cannot fork the relay", NULL, errno);
  if (mid == 0) {
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    sigprocmask(SIG_SETMASK, &old, NULL);
    // Out of the unit's group before the helper goes on (a session of its own), holding none of
    // the unit's pipes but fd 1 (the output it copies), and out of its tree: the relay's parent
    // exits at once, and the helper waits for that. Procs looking for what holds the unit's
    // pipes, once the program has exited, never finds the relay.
    setsid();
    close(slave);
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
      dup2(null, 0);
      dup2(null, 2);
      if (null > 2) close(null);
    }
    close_others(master, ctl);
    if (fork() != 0) _exit(0);
    relay(master, ctl);
  }
  // A stop signal that came meanwhile acts on the helper now, as it would on the program.
  sigprocmask(SIG_SETMASK, &old, NULL);
  while (waitpid(mid, NULL, 0) < 0 && errno == EINTR) {
  }
  close(master);
  if (ioctl(slave, TIOCSCTTY, 0) != 0) fail("cannot take the terminal", name, errno);
  if (stdio) {
    close(ctl);
    for (int fd = 0; fd < 3; fd++)
      if (dup2(slave, fd) < 0) fail("cannot use the terminal", name, errno);
  } else if (dup2(slave, ctl) < 0) {
    fail("cannot use the terminal", name, errno);
  }
  close(slave);
  execvp(file, argv + 6);
  fail("cannot run", file, errno);
}

/*
 * procs-notify: the NOTIFY_SOCKET of units with `readiness: { notify: true }` or `watchdog`
 * (src/proc/notify.ts). Node cannot bind a datagram socket of the unix family, so this does:
 *
 *   procs-notify PATH
 *
 * binds a SOCK_DGRAM socket at PATH (mode 0600), writes "bound\n" to stdout, then for each
 * datagram writes "N PID PGID LEN\n" followed by the LEN bytes of the message. PID is the
 * sender's (SO_PASSCRED, given by the kernel), PGID its process group looked up at once (0 when
 * the sender is already gone). Messages longer than 4096 bytes are dropped; file descriptors
 * sent along are closed. It ends, removing PATH, when its stdin closes (procs ended, even with
 * SIGKILL), when procs dies (PR_SET_PDEATHSIG) or on SIGTERM. Ctrl-C on procs' terminal does
 * not end it: procs does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_MESSAGE 4096

static const char *sock_path;

static void bye(int sig) {
  (void)sig;
  if (sock_path) unlink(sock_path);
  _exit(0);
}

static int write_all(const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(1, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: procs-notify PATH\n");
    return 2;
  }
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (strlen(argv[1]) >= sizeof addr.sun_path) {
    fprintf(stderr, "procs-notify: socket path too long: %s\n", argv[1]);
    return 2;
  }
  strcpy(addr.sun_path, argv[1]);
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() == 1) return 0;
  signal(SIGINT, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);
  signal(SIGTERM, bye);

  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    perror("procs-notify: socket");
    return 1;
  }
  int on = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) < 0) {
    perror("procs-notify: SO_PASSCRED");
    return 1;
  }
  unlink(argv[1]);
  mode_t old = umask(0077);
  int bound = bind(fd, (struct sockaddr *)&addr, sizeof addr);
  umask(old);
  if (bound < 0) {
    fprintf(stderr, "procs-notify: cannot bind %s: %s\n", argv[1], strerror(errno));
    return 1;
  }
  sock_path = argv[1];
  chmod(argv[1], 0600);
  if (write_all("bound\n", 6) < 0) bye(0);

  static char buf[MAX_MESSAGE + 1];
  union {
    struct cmsghdr align;
    char space[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int) * 32)];
  } control;
  struct pollfd fds[2] = {{.fd = 0, .events = POLLIN}, {.fd = fd, .events = POLLIN}};
  for (;;) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      bye(0);
    }
    if (fds[0].revents) {
      char drain[256];
      ssize_t n = read(0, drain, sizeof drain);
      if (n <= 0) bye(0); /* procs is gone */
    }
    if (!(fds[1].revents & POLLIN)) continue;
    struct iovec iov = {.iov_base = buf, .iov_len = sizeof buf};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.space, .msg_controllen = sizeof control.space};
    ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC | MSG_TRUNC);
    if (n < 0) continue;
    pid_t pid = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_SOCKET) continue;
      if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
        struct ucred cred;
        memcpy(&cred, CMSG_DATA(c), sizeof cred);
        pid = cred.pid;
      } else if (c->cmsg_type == SCM_RIGHTS) {
        size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; i++) {
          int sent;
          memcpy(&sent, CMSG_DATA(c) + i * sizeof(int), sizeof sent);
          close(sent);
        }
      }
    }
    if (n > MAX_MESSAGE || (msg.msg_flags & MSG_TRUNC) || pid <= 0) continue;
    pid_t pgid = getpgid(pid);
    char head[64];
    int h = snprintf(head, sizeof head, "N %d %d %zd\n", (int)pid, pgid < 0 ? 0 : (int)pgid, n);
    if (write_all(head, (size_t)h) < 0 || write_all(buf, (size_t)n) < 0) bye(0);
  }
}

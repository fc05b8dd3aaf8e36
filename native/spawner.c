// procs-spawner: starts procs' units for it, reaps them, and ends them if procs dies.
//
// Forking a large process is slow: fork() copies the parent's page tables, and the child's exec
// then tears them down again, so every spawn from procs' Node process costs about a millisecond
// and a half, more as its heap grows, and procs waits for the exec. This small process starts
// each child with vfork(): no page tables are copied, the child borrows the spawner's memory until
// its exec, and the spawner goes on as soon as the exec has begun (or the child has failed). On a
// loaded virtual machine that took half the time of fork() here, and of a shell's loop of `cmd &`.
// procs reads the answers through its event loop, and goes on meanwhile.
//
// It is also the guardian (see src/runtime/guardian.ts for the shell fallback): it keeps the
// read end of a pipe from procs, and when procs is gone, however it ended, read(2) gives
// end-of-file and the spawner stops every unit group it started and every descendant procs told
// it about, SIGTERM then SIGKILL after a second. Nothing polls while procs lives.
//
// Channels (all set up by procs):
//   fd 0  requests from procs, read blocking: a line `OP ARGS\n`, a spawn request followed by a
//         block of NUL-terminated strings.
//   fd 1  events to procs, written without blocking (queued while the pipe is full):
//         `x PID CODE SIGNAL\n` when a child exits (CODE -1 when killed by SIGNAL, else SIGNAL 0).
//   fd 3  replies to procs, one line per request that asks for one; procs waits for it.
//
// Requests:
//   S LEN   spawn. LEN bytes follow: file, argv0, cwd, argc, argv[1..], envc, env…, stdin, fdc,
//           a path per fd from 1 on. stdin is empty for /dev/null, else the path of a FIFO procs
//           holds open for writing (a unit with `stdin: true`), opened for reading. A path of fd 1…
//           is a FIFO procs holds open for reading, opened for writing (the child's output);
//           one written `<PATH` is a FIFO procs holds open for writing, opened for reading (the
//           control channel of a unit on a pseudo-terminal, native/procs-tty.c).
//           Reply `P PID` or `E ERRNO` (the program not found or not executable); a failure
//           after the fork comes as the event `e PID ERRNO` before the child's exit.
//           A path written `=ID` is a listening socket this process holds (below), given as it is:
//           the child then gets LISTEN_PID set to its own pid (systemd's socket activation).
//   F DIR FIRST COUNT   mkfifo DIR/FIRST … DIR/FIRST+COUNT-1, mode 0600. Reply `K` or `E ERRNO`.
//   B LEN   bind. LEN bytes follow: ID, HOST (empty: every address, IPv6 and IPv4), PORT, BACKLOG,
//           each NUL-terminated. A TCP socket bound there and listening, held under ID (one held
//           under ID before is closed first) until `C ID` or the end: connections wait in its
//           queue while no unit accepts them. Reply `K PORT` or `E ERRNO`.
//   C ID    close the socket held under ID.
//   p PID   a descendant of a unit that left its group, or a command procs runs itself in procs'
//           own group (`procs run`'s CMD on a terminal): end it, and its descendants, if procs dies.
//   g PGID  a group procs started itself (`procs run`'s CMD): end it too if procs dies.
//   u PGID  a unit's group is gone: nothing to do for it any more.
// On start it replies `R`.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REQ_FD 0
#define EVENT_FD 1
#define REPLY_FD 3
#define GRACE_MS 1000
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

// A group or a pid to end when procs is gone, with its start time (a later reuse of the number
// is a different process and is left alone); 0 for a group whose leader is a child not reaped yet.
struct tracked {
  pid_t id;
  unsigned long long start;
};

static struct tracked *groups;
static size_t ngroups, capgroups;
static struct tracked *pids;
static size_t npids, cappids;

// Listening sockets held for units (`B`), by the id procs gave them.
struct held {
  char id[128];
  int fd;
};
static struct held *helds;
static size_t nhelds, caphelds;

// Events waiting for room in the event pipe.
static char *pending;
static size_t npending, cappending;

static void *grow(void *p, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return p;
  size_t next = *cap ? *cap * 2 : 64;
  while (next < need) next *= 2;
  void *q = realloc(p, next * size);
  if (q == NULL) {
    // Out of memory: nothing sensible is left to do.
    _exit(70);
  }
  *cap = next;
  return q;
}

// Field 22 of /proc/PID/stat (start time in clock ticks since boot); 0 when unreadable.
static unsigned long long start_of(pid_t pid, char *state) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = 0;
  char *p = strrchr(buf, ')');
  if (p == NULL || p[1] == 0) return 0;
  p += 2;
  if (state) *state = *p;
  // After ") ": state is field 3; start time is field 22.
  for (int field = 3; field < 22; field++) {
    p = strchr(p, ' ');
    if (p == NULL) return 0;
    p++;
  }
  return strtoull(p, NULL, 10);
}

static void add(struct tracked **list, size_t *n, size_t *cap, pid_t id, unsigned long long start) {
  *list = grow(*list, cap, *n + 1, sizeof **list);
  (*list)[(*n)++] = (struct tracked){id, start};
}

static void drop_group(pid_t id) {
  for (size_t i = 0; i < ngroups; i++) {
    if (groups[i].id == id) {
      groups[i] = groups[--ngroups];
      return;
    }
  }
}

static void write_all(int fd, const char *s, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, s, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // procs is gone: end-of-file on fd 0 follows
    }
    s += n;
    len -= (size_t)n;
  }
}

static void reply(const char *fmt, long value) {
  char line[64];
  int len = snprintf(line, sizeof line, fmt, value);
  write_all(REPLY_FD, line, (size_t)len);
}

// Sends queued events as far as the pipe takes them.
static void flush_events(void) {
  size_t off = 0;
  while (off < npending) {
    ssize_t n = write(EVENT_FD, pending + off, npending - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN) npending = off = 0;  // procs is gone
      break;
    }
    off += (size_t)n;
  }
  memmove(pending, pending + off, npending - off);
  npending -= off;
}

static void queue_event(const char *line, size_t len) {
  pending = grow(pending, &cappending, npending + len, 1);
  memcpy(pending + npending, line, len);
  npending += len;
}

// Notes the start time of a group's leader as it dies: from then on its number may be reused.
static void note_leader_start(pid_t pid) {
  for (size_t i = 0; i < ngroups; i++) {
    if (groups[i].id == pid && groups[i].start == 0) {
      groups[i].start = start_of(pid, NULL);
      return;
    }
  }
}

// Reaps every child that has exited and queues its exit for procs.
static void reap(int report) {
  for (;;) {
    // Looked at before it is reaped: the zombie still shows its start time.
    siginfo_t info;
    info.si_pid = 0;
    if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0) break;
    note_leader_start(info.si_pid);
    int status;
    pid_t pid = waitpid(info.si_pid, &status, WNOHANG);
    if (pid <= 0) break;
    if (!report) continue;
    char line[64];
    int len;
    if (WIFSIGNALED(status)) {
      len = snprintf(line, sizeof line, "x %d -1 %d\n", (int)pid, WTERMSIG(status));
    } else {
      len = snprintf(line, sizeof line, "x %d %d 0\n", (int)pid, WEXITSTATUS(status));
    }
    queue_event(line, (size_t)len);
  }
  flush_events();
}

// Reads exactly `len` bytes of a request (blocking). Returns 0 at end-of-file.
static int read_exact(char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = read(REQ_FD, buf, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return 0;
    buf += n;
    len -= (size_t)n;
  }
  return 1;
}

// The request line reader: buffered, since spawn blocks follow their line.
static char inbuf[65536];
static size_t inlen;

static int fill(void) {
  for (;;) {
    ssize_t n = read(REQ_FD, inbuf + inlen, sizeof inbuf - inlen);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return 0;
    inlen += (size_t)n;
    return 1;
  }
}

// Takes `len` bytes from the buffer, then from the pipe.
static int take(char *dst, size_t len) {
  size_t have = inlen < len ? inlen : len;
  memcpy(dst, inbuf, have);
  memmove(inbuf, inbuf + have, inlen - have);
  inlen -= have;
  return have == len ? 1 : read_exact(dst + have, len - have);
}

// Whether `path` is a file this process could exec.
static int executable(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

// Finds `file` on the PATH of the child's environment (execvp's search), relative entries
// against the child's cwd. Returns 0 and fills `out`, or an errno.
static int search(const char *file, char *const env[], const char *cwd, char *out, size_t size) {
  if (strchr(file, '/') != NULL) {
    if (file[0] == '/') snprintf(out, size, "%s", file);
    else snprintf(out, size, "%s/%s", cwd, file);
    return 0;
  }
  const char *path = "/usr/local/bin:/usr/bin:/bin";
  for (char *const *e = env; *e != NULL; e++) {
    if (strncmp(*e, "PATH=", 5) == 0) {
      path = *e + 5;
      break;
    }
  }
  int denied = 0;
  for (const char *p = path;; p++) {
    const char *end = strchrnul(p, ':');
    size_t dirlen = (size_t)(end - p);
    int n;
    if (dirlen == 0) n = snprintf(out, size, "%s/%s", cwd, file);
    else if (*p == '/') n = snprintf(out, size, "%.*s/%s", (int)dirlen, p, file);
    else n = snprintf(out, size, "%s/%.*s/%s", cwd, (int)dirlen, p, file);
    if (n > 0 && (size_t)n < size) {
      if (executable(out)) return 0;
      if (access(out, F_OK) == 0) denied = 1;
    }
    if (*end == 0) break;
    p = end;
  }
  return denied ? EACCES : ENOENT;
}

// Splits a block of NUL-terminated strings; returns the next string or NULL past the end.
static char *next_string(char **cur, char *end) {
  if (*cur >= end) return NULL;
  char *s = *cur;
  char *z = memchr(s, 0, (size_t)(end - s));
  if (z == NULL) return NULL;
  *cur = z + 1;
  return s;
}

// In the forked child: default signal handling, its own session, stdin and fd 1… as asked, the unit's cwd, then exec. A failure after the fork is told to procs as `e PID ERRNO` on the
// event pipe (an atomic write, before the exit the spawner reports) and ends the child with the
// shell's status for it (127 not found, else 126).
// Marks every fd from `low` up close-on-exec: a unit gets its stdio and nothing else, whatever
// procs or the spawner inherited.
static void cloexec_from(int low) {
  if (syscall(SYS_close_range, (unsigned)low, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
  DIR *d = opendir("/proc/self/fd");
  if (d == NULL) return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    int fd = atoi(e->d_name);
    if (fd >= low && fd != dirfd(d)) fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  closedir(d);
}

// Room for the environment with LISTEN_PID set to the child's pid, made before the vfork: the
// child, sharing the spawner's memory, allocates nothing.
struct listen_env {
  char **env;
  char own[32];
};

// Fills `le` (in the child, before its exec) from `env`: LISTEN_PID, one given by procs replaced.
static char *const *with_listen_pid(struct listen_env *le, char *const env[]) {
  if (le->env == NULL) return env;
  snprintf(le->own, sizeof le->own, "LISTEN_PID=%d", (int)getpid());
  size_t k = 0;
  for (size_t i = 0; env[i] != NULL; i++)
    if (strncmp(env[i], "LISTEN_PID=", 11) != 0) le->env[k++] = env[i];
  le->env[k++] = le->own;
  le->env[k] = NULL;
  return le->env;
}

// Runs in the vforked child, in the spawner's memory until the exec: it changes nothing there but
// `le` (its own copy of the fds is taken first).
static void __attribute__((noreturn)) child(const char *path, char *const argv[], char *const given[], const char *cwd, const int *shared, int n, struct listen_env *le) {
  int err = 0;
  int src[65];
  memcpy(src, shared, (size_t)n * sizeof *src);
  // Default handling first (SIGTERM and SIGCHLD stay blocked until the exec: one sent meanwhile
  // waits and then acts by default), then the session: from then on a signal to the unit's group
  // reaches it. The spawner resumes, and gives procs the pid, once the exec has begun.
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; sig++) sigaction(sig, &dfl, NULL);
  if (setsid() < 0) err = errno;
  // The event pipe stays reachable for a report once fd 1 is the unit's stdout.
  int events = fcntl(EVENT_FD, F_DUPFD_CLOEXEC, n);
  // Sources first above every target fd, so that no dup2 overwrites a source still needed.
  for (int i = 0; err == 0 && i < n; i++) {
    int high = fcntl(src[i], F_DUPFD_CLOEXEC, n);
    if (high < 0) err = errno;
    else src[i] = high;
  }
  for (int i = 0; err == 0 && i < n; i++)
    if (dup2(src[i], i) < 0) err = errno;
  if (err == 0 && chdir(cwd) != 0) err = errno;
  if (err == 0) cloexec_from(n);
  char *const *env = with_listen_pid(le, given);
  if (err == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execve(path, argv, env);
    err = errno;
  }
  char line[64];
  int len = snprintf(line, sizeof line, "e %d %d\n", (int)getpid(), err);
  if (events >= 0 && write(events, line, (size_t)len) < 0) {
    // the exit status still tells
  }
  _exit(err == ENOENT ? 127 : 126);
}

// The index of the socket held under `id`, or -1.
static int find_held(const char *id) {
  for (size_t i = 0; i < nhelds; i++)
    if (strcmp(helds[i].id, id) == 0) return (int)i;
  return -1;
}

static void close_held(const char *id) {
  int i = find_held(id);
  if (i < 0) return;
  close(helds[i].fd);
  helds[i] = helds[--nhelds];
}

// A TCP socket bound to HOST:PORT and listening; -1 with errno set. An empty host is every
// address: IPv6 taking IPv4 too, or IPv4 alone where the kernel has no IPv6.
static int listen_on(const char *host, int port, int backlog) {
  struct sockaddr_in6 a6;
  struct sockaddr_in a4;
  memset(&a6, 0, sizeof a6);
  memset(&a4, 0, sizeof a4);
  a6.sin6_family = AF_INET6;
  a6.sin6_port = htons((uint16_t)port);
  a4.sin_family = AF_INET;
  a4.sin_port = htons((uint16_t)port);
  int family;
  if (host[0] == 0) {
    family = AF_INET6;
    a6.sin6_addr = in6addr_any;
  } else if (inet_pton(AF_INET, host, &a4.sin_addr) == 1) {
    family = AF_INET;
  } else if (inet_pton(AF_INET6, host, &a6.sin6_addr) == 1) {
    family = AF_INET6;
  } else {
    errno = EINVAL;
    return -1;
  }
  int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 && family == AF_INET6 && host[0] == 0 && errno == EAFNOSUPPORT) {
    family = AF_INET;
    a4.sin_addr.s_addr = htonl(INADDR_ANY);
    fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  }
  if (fd < 0) return -1;
  int one = 1, zero = 0;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (family == AF_INET6 && host[0] == 0) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
  int bound = family == AF_INET6 ? bind(fd, (struct sockaddr *)&a6, sizeof a6) : bind(fd, (struct sockaddr *)&a4, sizeof a4);
  if (bound != 0 || listen(fd, backlog) != 0) {
    int err = errno;
    close(fd);
    errno = err;
    return -1;
  }
  return fd;
}

// One bind request; returns 0 when procs went away in the middle of it.
static int do_bind(size_t len) {
  char *block = len < 4096 ? malloc(len + 1) : NULL;
  if (block == NULL) return 0;
  if (!take(block, len)) {
    free(block);
    return 0;
  }
  block[len] = 0;
  char *cur = block, *end = block + len;
  char *id = next_string(&cur, end), *host = next_string(&cur, end), *sport = next_string(&cur, end), *sbacklog = next_string(&cur, end);
  if (id == NULL || host == NULL || sport == NULL || sbacklog == NULL || strlen(id) >= sizeof helds->id) {
    reply("E %ld\n", EINVAL);
    free(block);
    return 1;
  }
  close_held(id);
  int fd = listen_on(host, atoi(sport), atoi(sbacklog));
  if (fd < 0) {
    reply("E %ld\n", errno);
  } else {
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    int port = 0;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
      port = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) : ntohs(((struct sockaddr_in *)&ss)->sin_port);
    helds = grow(helds, &caphelds, nhelds + 1, sizeof *helds);
    snprintf(helds[nhelds].id, sizeof helds->id, "%s", id);
    helds[nhelds++].fd = fd;
    reply("K %ld\n", port);
  }
  free(block);
  return 1;
}

// One spawn request; returns 0 when procs went away in the middle of it.
static int do_spawn(size_t len) {
  char *block = malloc(len + 1);
  if (block == NULL) _exit(70);
  if (!take(block, len)) {
    free(block);
    return 0;
  }
  block[len] = 0;
  char *cur = block, *end = block + len;
  char *file = next_string(&cur, end), *argv0 = next_string(&cur, end), *cwd = next_string(&cur, end);
  char *sargc = next_string(&cur, end);
  int err = EINVAL;
  char **argv = NULL, **env = NULL;
  if (file == NULL || argv0 == NULL || cwd == NULL || sargc == NULL) goto done;
  long argc = strtol(sargc, NULL, 10);
  if (argc < 0 || argc > 1 << 20) goto done;
  argv = calloc((size_t)argc + 2, sizeof *argv);
  if (argv == NULL) goto done;
  argv[0] = argv0;
  for (long i = 1; i <= argc; i++)
    if ((argv[i] = next_string(&cur, end)) == NULL) goto done;
  char *senvc = next_string(&cur, end);
  if (senvc == NULL) goto done;
  long envc = strtol(senvc, NULL, 10);
  if (envc < 0 || envc > 1 << 20) goto done;
  env = calloc((size_t)envc + 1, sizeof *env);
  if (env == NULL) goto done;
  for (long i = 0; i < envc; i++)
    if ((env[i] = next_string(&cur, end)) == NULL) goto done;
  char *sstdin = next_string(&cur, end);
  if (sstdin == NULL) goto done;
  char *sfdc = next_string(&cur, end);
  if (sfdc == NULL) goto done;
  long fdc = strtol(sfdc, NULL, 10);
  if (fdc < 0 || fdc > 64) goto done;

  char *outs[64];
  for (long i = 0; i < fdc; i++)
    if ((outs[i] = next_string(&cur, end)) == NULL) goto done;
  char path[PATH_MAX];
  err = search(file, env, cwd, path, sizeof path);
  if (err != 0) goto done;
  // The child's stdio, opened here: procs takes the FIFOs' names once it has the pid.
  int src[65];
  volatile int n = 0;
  // A FIFO procs holds open at the other end: open(2) does not wait.
  src[n] = open(sstdin[0] ? sstdin : "/dev/null", O_RDONLY | O_CLOEXEC);
  if (src[n] < 0) err = errno;
  else n++;
  volatile int listens = 0;
  for (long i = 0; err == 0 && i < fdc; i++) {
    if (outs[i][0] == '=') {
      int held = find_held(outs[i] + 1);
      src[n] = held < 0 ? (errno = EBADF, -1) : fcntl(helds[held].fd, F_DUPFD_CLOEXEC, 0);
      listens = 1;
    } else {
      src[n] = outs[i][0] == '<' ? open(outs[i] + 1, O_RDONLY | O_CLOEXEC) : open(outs[i], O_WRONLY | O_CLOEXEC);
    }
    if (src[n] < 0) err = errno;
    else n++;
  }
  struct listen_env le = {NULL, ""};
  if (err == 0 && listens && (le.env = calloc((size_t)envc + 2, sizeof *le.env)) == NULL) err = ENOMEM;
  pid_t pid = -1;
  if (err == 0) {
    // Back here once the child has exec'd or exited: by then it leads its own session.
    pid = vfork();
    if (pid < 0) err = errno;
    else if (pid == 0) child(path, argv, env, cwd, src, n, &le);
  }
  free(le.env);
  for (int i = 0; i < n; i++) close(src[i]);
  if (err != 0) goto done;
  // Its start time is read when it dies: until it is reaped, the number is this child's.
  add(&groups, &ngroups, &capgroups, pid, 0);
  reply("P %ld\n", (long)pid);
done:
  if (err != 0) reply("E %ld\n", (long)err);
  free(argv);
  free(env);
  free(block);
  return 1;
}

static void do_fifos(char *args) {
  char dir[PATH_MAX];
  long first, count;
  if (sscanf(args, "%4095s %ld %ld", dir, &first, &count) != 3 || count < 0 || count > 4096) {
    reply("E %ld\n", EINVAL);
    return;
  }
  char path[PATH_MAX + 32];
  for (long i = 0; i < count; i++) {
    snprintf(path, sizeof path, "%s/%ld", dir, first + i);
    if (mkfifo(path, 0600) != 0) {
      reply("E %ld\n", errno);
      return;
    }
  }
  reply("K\n", 0);
}

// One request. Returns 0 at end-of-file.
static int handle(void) {
  char *nl;
  while ((nl = memchr(inbuf, '\n', inlen)) == NULL) {
    if (inlen == sizeof inbuf) return 0;  // no line this long is ever sent
    if (!fill()) return 0;
  }
  *nl = 0;
  size_t linelen = (size_t)(nl - inbuf) + 1;
  char line[4200];
  if (linelen > sizeof line) return 0;
  memcpy(line, inbuf, linelen);
  memmove(inbuf, inbuf + linelen, inlen - linelen);
  inlen -= linelen;
  char *args = line + 1;
  while (*args == ' ') args++;
  switch (line[0]) {
    case 'S':
      if (!do_spawn((size_t)strtoull(args, NULL, 10))) return 0;
      break;
    case 'F':
      do_fifos(args);
      break;
    case 'B':
      if (!do_bind((size_t)strtoull(args, NULL, 10))) return 0;
      break;
    case 'C':
      close_held(args);
      break;
    case 'p': {
      pid_t pid = (pid_t)strtol(args, NULL, 10);
      unsigned long long st = start_of(pid, NULL);
      if (pid > 1 && st != 0) add(&pids, &npids, &cappids, pid, st);
      break;
    }
    case 'g': {
      // Not this process's child: its leader's start time tells a later reuse of the number.
      pid_t pgid = (pid_t)strtol(args, NULL, 10);
      unsigned long long st = start_of(pgid, NULL);
      if (pgid > 1 && st != 0) add(&groups, &ngroups, &capgroups, pgid, st);
      break;
    }
    case 'u':
      drop_group((pid_t)strtol(args, NULL, 10));
      break;
    default:
      break;
  }
  return 1;
}

struct proc {
  pid_t pid, ppid, pgid;
};

// Every process: pid, parent and group.
static struct proc *all_procs(size_t *count) {
  struct proc *list = NULL;
  size_t n = 0, cap = 0;
  DIR *d = opendir("/proc");
  if (d == NULL) {
    *count = 0;
    return NULL;
  }
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    char path[300], buf[1024];
    snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    ssize_t r = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (r <= 0) continue;
    buf[r] = 0;
    char *p = strrchr(buf, ')');
    if (p == NULL) continue;
    char state;
    int ppid, pgid;
    if (sscanf(p + 2, "%c %d %d", &state, &ppid, &pgid) != 3) continue;
    list = grow(list, &cap, n + 1, sizeof *list);
    list[n++] = (struct proc){(pid_t)atoi(e->d_name), (pid_t)ppid, (pid_t)pgid};
  }
  closedir(d);
  *count = n;
  return list;
}

static int alive(pid_t pid) {
  char state = 0;
  return start_of(pid, &state) != 0 && state != 'Z' && state != 'X';
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

// procs is gone: ends every group still registered and every descendant of them.
static void clean_up(void) {
  reap(0);
  pid_t self = getpid();
  pid_t *targets = NULL;  // groups (as -pgid) and pids to signal
  size_t nt = 0, capt = 0;
  for (size_t i = 0; i < ngroups; i++) {
    // A leader not reaped yet (start 0) is still this process's child. One reaped: a process now
    // running under its number must have the start time it had, else the number was reused.
    unsigned long long st = groups[i].start == 0 ? 0 : start_of(groups[i].id, NULL);
    if (st != 0 && st != groups[i].start) continue;
    targets = grow(targets, &capt, nt + 1, sizeof *targets);
    targets[nt++] = -groups[i].id;
  }
  for (size_t i = 0; i < npids; i++) {
    if (start_of(pids[i].id, NULL) != pids[i].start) continue;
    targets = grow(targets, &capt, nt + 1, sizeof *targets);
    targets[nt++] = pids[i].id;
  }
  if (nt == 0) return;
  size_t np;
  struct proc *ps = all_procs(&np);
  char *member = calloc(np ? np : 1, 1);
  if (member == NULL) _exit(70);
  for (size_t i = 0; i < np; i++) {
    for (size_t t = 0; t < nt; t++) {
      if ((targets[t] < 0 && ps[i].pgid == -targets[t]) || ps[i].pid == targets[t]) member[i] = 1;
    }
  }
  // Descendants: anything whose parent is a member, to a fixed point.
  for (int grew = 1, round = 0; grew && round < 64; round++) {
    grew = 0;
    for (size_t i = 0; i < np; i++) {
      if (member[i] || ps[i].pid == self) continue;
      for (size_t j = 0; j < np; j++) {
        if (member[j] && ps[j].pid == ps[i].ppid) {
          member[i] = 1;
          grew = 1;
          break;
        }
      }
    }
  }
  for (size_t t = 0; t < nt; t++) kill(targets[t], SIGTERM);
  for (size_t i = 0; i < np; i++)
    if (member[i] && ps[i].pid != self) kill(ps[i].pid, SIGTERM);
  for (long waited = 0; waited < GRACE_MS; waited += 100) {
    reap(0);
    int any = 0;
    for (size_t i = 0; i < np && !any; i++)
      if (member[i] && ps[i].pid != self && alive(ps[i].pid)) any = 1;
    if (!any) break;
    sleep_ms(100);
  }
  for (size_t t = 0; t < nt; t++) kill(targets[t], SIGKILL);
  for (size_t i = 0; i < np; i++)
    if (member[i] && ps[i].pid != self) kill(ps[i].pid, SIGKILL);
  reap(0);
}

int main(void) {
  signal(SIGINT, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGQUIT, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);
  // Children (and procs' SIGTERM to the whole lot) come through a signalfd.
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  sigaddset(&mask, SIGTERM);
  sigprocmask(SIG_BLOCK, &mask, NULL);
  int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0) return 71;
  fcntl(REQ_FD, F_SETFD, FD_CLOEXEC);
  fcntl(EVENT_FD, F_SETFD, FD_CLOEXEC);
  fcntl(REPLY_FD, F_SETFD, FD_CLOEXEC);
  fcntl(EVENT_FD, F_SETFL, fcntl(EVENT_FD, F_GETFL) | O_NONBLOCK);
  fcntl(REQ_FD, F_SETFL, fcntl(REQ_FD, F_GETFL) & ~O_NONBLOCK);
  reply("R\n", 0);
  for (;;) {
    struct pollfd fds[3] = {
        {REQ_FD, POLLIN, 0},
        {sfd, POLLIN, 0},
        {EVENT_FD, npending ? POLLOUT : 0, 0},
    };
    if (poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[1].revents & POLLIN) {
      struct signalfd_siginfo si;
      int term = 0;
      while (read(sfd, &si, sizeof si) == sizeof si)
        if (si.ssi_signo == SIGTERM) term = 1;
      reap(1);
      if (term) break;
    }
    if (fds[2].revents & (POLLOUT | POLLERR)) flush_events();
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      // Every complete request already read, then the pipe once more.
      int open = 1;
      do {
        if (inlen == 0 && !fill()) {
          open = 0;
          break;
        }
        if (!handle()) {
          open = 0;
          break;
        }
      } while (inlen > 0);
      if (!open) break;
    }
  }
  clean_up();
  return 0;
}

/* husk-monitor create: the invoking process forks an intermediate that
 * makes its own session and forks the monitor, so the monitor is never the
 * daemon's child. The intermediate relays the monitor's one-line report to
 * stdout and, when setup failed, reaps the monitor before exiting. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cgroup.h"
#include "container.h"
#include "kernel.h"
#include "json.h"
#include "monitor.h"
#include "namespaces.h"
#include "sync.h"

static void print_error(FILE *out, const mon_error *err) {
  fprintf(out, "{\"error\":{\"step\":");
  json_write_string(out, err->step);
  fprintf(out, ",\"errno\":%d,\"message\":", err->errnum);
  json_write_string(out, err->message);
  fprintf(out, "}}\n");
}

static void report_error(int fd, const mon_error *err) {
  FILE *f = fdopen(fd, "w");
  if (f == NULL) return;
  print_error(f, err);
  fclose(f);
}

static int write_proc_file(pid_t pid, const char *name, const char *data, mon_error *err) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
  cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return mon_error_set(err, errno, "user namespace", "open %s", path);
  size_t len = strlen(data);
  if (write(fd, data, len) != (ssize_t)len) return mon_error_set(err, errno, "user namespace", "write %s", path);
  return 0;
}

static int write_id_map(pid_t pid, const char *name, const id_mapping *maps, size_t n, mon_error *err) {
  char buf[1024];
  size_t len = 0;
  for (size_t i = 0; i < n && len < sizeof buf; i++)
    len += (size_t)snprintf(buf + len, sizeof buf - len, "%u %u %u\n", maps[i].container_id, maps[i].host_id, maps[i].size);
  if (len >= sizeof buf) return mon_error_set(err, E2BIG, "user namespace", "too many %s entries", name);
  return write_proc_file(pid, name, buf, err);
}

/* Drives the container process through setup; 0 once it waits for start. */
static int await_ready(monitor *m, mon_error *err) {
  spec *s = m->s;
  const ns_entry *user = spec_namespace(s, CLONE_NEWUSER);
  /* A process in a new user namespace may not write the host's cgroup files: move it from here. */
  if (ns_creates_user(s) && cgroup_join_pid(s->cgroup_dirs, m->pid, err) < 0) return -1;
  if (user && user->path == NULL &&
      (write_id_map(m->pid, "uid_map", s->uid_mappings, s->nuid_mappings, err) < 0 ||
       write_id_map(m->pid, "gid_map", s->gid_mappings, s->ngid_mappings, err) < 0))
    return -1;
  if (sync_send(m->sync, SYNC_GO, NULL, -1) < 0) return mon_error_set(err, errno, "sync", "send");
  for (;;) {
    sync_msg msg;
    int fd;
    int rc = sync_recv(m->sync, &msg, &fd);
    if (rc < 0) return mon_error_set(err, errno, "sync", "receive");
    if (rc == 0) return mon_error_set(err, 0, "setup", "the container process died during setup");
    switch (msg.type) {
    case SYNC_PTY:
      if (fd < 0) return mon_error_set(err, EPROTO, "terminal", "no terminal received");
      m->terminal_fd = m->out_fd = m->in_fd = fd;
      fcntl(fd, F_SETFL, O_NONBLOCK);
      break;
    case SYNC_READY:
      return 0;
    case SYNC_ERROR:
      *err = msg.err;
      return -1;
    default:
      return mon_error_set(err, EPROTO, "sync", "unexpected message %d", msg.type);
    }
  }
}

static int make_pipe(int fds[2], int nonblock_end, mon_error *err) {
  if (pipe2(fds, O_CLOEXEC) < 0) return mon_error_set(err, errno, "stdio", "pipe");
  fcntl(fds[nonblock_end], F_SETFL, O_NONBLOCK);
  return 0;
}

static void close_fd(int *fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

/* Runs in the monitor process; returns its exit code. */
static int monitor_main(spec *s, int report) {
  monitor mon;
  memset(&mon, 0, sizeof mon);
  monitor *m = &mon;
  m->s = s;
  m->pid = -1;
  m->sync = m->sigfd = m->listenfd = m->out_fd = m->err_fd = m->in_fd = m->terminal_fd = -1;
  m->start_client = m->stdin_owner = -1;
  m->log.fd = -1;
  for (int i = 0; i < MAX_CLIENTS; i++) m->clients[i].fd = -1;
  mon_error err = {0};
  int in_pipe[2] = {-1, -1}, out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1}, sync[2] = {-1, -1};

  char title[128];
  snprintf(title, sizeof title, "husk-monitor %s", s->id ? s->id : s->state_dir);
  set_process_title(title);
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  for (int fd = 0; fd < 3 && null >= 0; fd++) dup2(null, fd);
  if (null > 2) close(null);
  umask(022);
  if (chdir(s->state_dir) < 0) {
    mon_error_set(&err, errno, "state dir", "chdir %s", s->state_dir);
    goto fail;
  }
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  signal(SIGPIPE, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGINT, SIG_IGN);
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  m->sigfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  if (m->sigfd < 0) {
    mon_error_set(&err, errno, "monitor", "signalfd");
    goto fail;
  }
  if (log_open(&m->log, s->log_path, &err) < 0) goto fail;
  child_stdio io = {-1, -1, -1};
  if (!s->process.terminal) {
    if (s->process.stdin_open && make_pipe(in_pipe, 1, &err) < 0) goto fail;
    if (make_pipe(out_pipe, 0, &err) < 0 || make_pipe(err_pipe, 0, &err) < 0) goto fail;
    io = (child_stdio){in_pipe[0], out_pipe[1], err_pipe[1]};
  }
  if ((m->listenfd = control_listen(&err)) < 0) goto fail;
  oom_watch_init(&m->oom, s->oom_version, s->oom_memory_dir);
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync) < 0) {
    mon_error_set(&err, errno, "monitor", "socketpair");
    goto fail;
  }
  int clone_flags, joined;
  if (ns_prepare_clone(s, &clone_flags, &joined, &err) < 0) goto fail;
  /* clone(2) as fork(2), so a new user namespace owns the new pid namespace;
   * the child uses nothing of libc that caches the thread id */
  m->pid = clone_flags ? (pid_t)syscall(SYS_clone, SIGCHLD | clone_flags, 0, 0, 0, 0) : fork();
  if (m->pid < 0) {
    mon_error_set(&err, errno, "monitor", "fork");
    goto fail;
  }
  if (m->pid == 0) {
    close(sync[0]);
    close(report);
    container_main(s, sync[1], &io, joined);
  }
  close_fd(&sync[1]);
  close_fd(&in_pipe[0]);
  close_fd(&out_pipe[1]);
  close_fd(&err_pipe[1]);
  m->sync = sync[0];
  if (!s->process.terminal) {
    m->in_fd = in_pipe[1];
    m->out_fd = out_pipe[0];
    m->err_fd = err_pipe[0];
  }
  if (await_ready(m, &err) < 0) goto fail;

  char pid[16], self[16];
  snprintf(pid, sizeof pid, "%d", (int)m->pid);
  snprintf(self, sizeof self, "%d", (int)getpid());
  if (write_small_file("container.pid", pid, &err) < 0 || write_small_file("monitor.pid", self, &err) < 0) goto fail;
  char line[96];
  int n = snprintf(line, sizeof line, "{\"pid\":%d,\"monitorPid\":%d}\n", (int)m->pid, (int)getpid());
  if (write(report, line, (size_t)n) != n) { /* the invoker is gone; the daemon finds us through the pid files */
  }
  close(report);
  monitor_run(m);
  return 0;

fail:
  if (m->pid > 0) {
    kill(m->pid, SIGKILL);
    while (waitpid(m->pid, NULL, 0) < 0 && errno == EINTR) {
    }
  }
  if (m->listenfd >= 0) unlink("monitor.sock");
  report_error(report, &err);
  return 1;
}

static int read_report(int fd, char *buf, size_t size) {
  size_t len = 0;
  while (len + 1 < size) {
    ssize_t n = read(fd, buf + len, size - 1 - len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    len += (size_t)n;
    if (memchr(buf, '\n', len)) break;
  }
  buf[len] = '\0';
  return (int)len;
}

/* The intermediate: its own session, forks the monitor, relays the
 * monitor's one-line report to stdout, reaps the monitor when setup failed. */
static _Noreturn void intermediate(const char *spec_path) {
  spec s;
  mon_error err = {0};
  if (spec_load(spec_path, SPEC_CREATE, &s, &err) < 0) {
    print_error(stdout, &err);
    fflush(stdout);
    _exit(1);
  }
  setsid();
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) < 0) {
    mon_error_set(&err, errno, "monitor", "pipe");
    print_error(stdout, &err);
    fflush(stdout);
    _exit(1);
  }
  pid_t mon = fork();
  if (mon < 0) {
    mon_error_set(&err, errno, "monitor", "fork");
    print_error(stdout, &err);
    fflush(stdout);
    _exit(1);
  }
  if (mon == 0) {
    close(pipefd[0]);
    int rc = monitor_main(&s, pipefd[1]);
    _exit(rc);
  }
  close(pipefd[1]);
  char buf[1024];
  int n = read_report(pipefd[0], buf, sizeof buf);
  int ok = n > 0 && strncmp(buf, "{\"pid\"", 6) == 0;
  if (!ok) {
    while (waitpid(mon, NULL, 0) < 0 && errno == EINTR) {
    }
    if (n == 0) {
      mon_error_set(&err, 0, "monitor", "the monitor exited without reporting");
      print_error(stdout, &err);
    } else {
      fputs(buf, stdout);
    }
  } else {
    fputs(buf, stdout);
  }
  fflush(stdout);
  _exit(ok ? 0 : 1);
}

int cmd_create(const char *spec_path) {
  fflush(stdout);
  pid_t mid = fork();
  if (mid < 0) {
    mon_error err;
    mon_error_set(&err, errno, "monitor", "fork");
    print_error(stdout, &err);
    return 1;
  }
  if (mid == 0) intermediate(spec_path);
  int status;
  while (waitpid(mid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/* husk-monitor serve: a small long-lived process the daemon keeps as a child
 * so that creating a container forks this tiny process instead of the whole
 * daemon. Requests on stdin: "<id> create <spec path>"; replies on stdout:
 * "<id> <the create JSON line>". Requests run concurrently. */
#define SERVE_MAX 64

typedef struct {
  int fd; /* read end of the intermediate's stdout, -1 when free */
  char id[40];
  char buf[1024];
  size_t len;
} serve_request;

static void serve_reply(serve_request *r) {
  char line[1200];
  int n;
  if (r->len == 0) {
    n = snprintf(line, sizeof line, "%s {\"error\":{\"step\":\"monitor\",\"errno\":0,\"message\":\"the intermediate exited without reporting\"}}\n", r->id);
  } else {
    char *nl = memchr(r->buf, '\n', r->len);
    size_t len = nl ? (size_t)(nl - r->buf) : r->len;
    n = snprintf(line, sizeof line, "%s %.*s\n", r->id, (int)len, r->buf);
  }
  if (n >= (int)sizeof line) n = sizeof line - 1;
  for (int off = 0; off < n;) {
    ssize_t w = write(1, line + off, (size_t)(n - off));
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) break;
    off += (int)w;
  }
  close(r->fd);
  r->fd = -1;
  r->len = 0;
}

static void serve_start(serve_request *reqs, char *line) {
  char *sp = strchr(line, ' ');
  if (sp == NULL) return;
  *sp = '\0';
  const char *id = line;
  char *cmd = sp + 1;
  serve_request *r = NULL;
  for (int i = 0; i < SERVE_MAX && r == NULL; i++)
    if (reqs[i].fd < 0) r = &reqs[i];
  int p[2] = {-1, -1};
  if (r == NULL || strncmp(cmd, "create ", 7) != 0 || pipe2(p, O_CLOEXEC) < 0) {
    dprintf(1, "%s {\"error\":{\"step\":\"monitor\",\"errno\":%d,\"message\":\"%s\"}}\n", id, r ? EINVAL : EBUSY,
            r ? "bad request" : "too many requests");
    return;
  }
  size_t idlen = strnlen(id, sizeof r->id - 1);
  memcpy(r->id, id, idlen);
  r->id[idlen] = '\0';
  r->len = 0;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(p[1], 1);
    sys_close_range(3, ~0U, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
    intermediate(cmd + 7);
  }
  close(p[1]);
  if (pid < 0) {
    close(p[0]);
    dprintf(1, "%s {\"error\":{\"step\":\"monitor\",\"errno\":%d,\"message\":\"fork failed\"}}\n", id, errno);
    return;
  }
  r->fd = p[0];
}

int cmd_serve(void) {
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  signal(SIGPIPE, SIG_IGN);
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  int sigfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  serve_request reqs[SERVE_MAX];
  for (int i = 0; i < SERVE_MAX; i++) reqs[i].fd = -1;
  char in[8192];
  size_t inlen = 0;
  int open_in = 1;
  for (;;) {
    struct pollfd fds[2 + SERVE_MAX];
    int busy = 0;
    fds[0] = (struct pollfd){open_in ? 0 : -1, POLLIN, 0};
    fds[1] = (struct pollfd){sigfd, POLLIN, 0};
    for (int i = 0; i < SERVE_MAX; i++) {
      fds[2 + i] = (struct pollfd){reqs[i].fd, POLLIN, 0};
      if (reqs[i].fd >= 0) busy = 1;
    }
    if (!open_in && !busy) return 0;
    if (poll(fds, 2 + SERVE_MAX, -1) < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    for (int i = 0; i < SERVE_MAX; i++) {
      serve_request *r = &reqs[i];
      if (r->fd < 0 || !fds[2 + i].revents) continue;
      ssize_t n = read(r->fd, r->buf + r->len, sizeof r->buf - 1 - r->len);
      if (n > 0) r->len += (size_t)n;
      if (n <= 0 || memchr(r->buf, '\n', r->len) || r->len == sizeof r->buf - 1) serve_reply(r);
    }
    if (fds[1].revents) {
      struct signalfd_siginfo si;
      while (read(sigfd, &si, sizeof si) > 0) {
      }
      while (waitpid(-1, NULL, WNOHANG) > 0) {
      }
    }
    if (fds[0].revents) {
      ssize_t n = read(0, in + inlen, sizeof in - 1 - inlen);
      if (n <= 0) {
        open_in = 0;
        continue;
      }
      inlen += (size_t)n;
      char *nl;
      while ((nl = memchr(in, '\n', inlen)) != NULL) {
        *nl = '\0';
        serve_start(reqs, in);
        size_t used = (size_t)(nl + 1 - in);
        memmove(in, nl + 1, inlen - used);
        inlen -= used;
      }
      if (inlen == sizeof in - 1) inlen = 0; /* an over-long line: drop it */
    }
  }
}

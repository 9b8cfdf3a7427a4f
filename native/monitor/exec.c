#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>

#include "cgroup.h"
#include "container.h"
#include "json.h"
#include "namespaces.h"
#include "security.h"
#include "sync.h"
#include "terminal.h"

/* exit codes for failures before the command ran (as shells and runc use) */
#define EXIT_SETUP 125
#define EXIT_NOEXEC 126
#define EXIT_NOTFOUND 127

static int report_error(int status_fd, const mon_error *err) {
  if (status_fd >= 0) {
    FILE *f = fdopen(status_fd, "w");
    if (f) {
      fprintf(f, "{\"error\":{\"step\":");
      json_write_string(f, err->step);
      fprintf(f, ",\"errno\":%d,\"message\":", err->errnum);
      json_write_string(f, err->message);
      fprintf(f, "}}\n");
      fclose(f);
    }
  } else {
    fprintf(stderr, "husk-monitor exec: %s: %s\n", err->step, err->message);
  }
  if (strcmp(err->step, "exec lookup") == 0 || strcmp(err->step, "exec") == 0) return err->errnum == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC;
  return EXIT_SETUP;
}

static _Noreturn void child(const spec *s, int sync, struct husk_sock_fprog *filter) {
  mon_error err = {0};
  const process_spec *p = &s->process;
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  reset_signals();
  sync = keep_only_stdio_and(sync);
  if (sync < 0) _exit(EXIT_SETUP);
  sync_msg go;
  if (sync_recv(sync, &go, NULL) <= 0) _exit(EXIT_SETUP);
  if (cgroup_join_self(s->cgroup_dirs, &err) < 0) goto fail;
  int joined_user;
  if (ns_join_process(s->target_pid, &joined_user, &err) < 0) goto fail;
  if (p->terminal) {
    pty_pair pty;
    if (pty_open(p->rows, p->cols, &pty, &err) < 0) goto fail;
    if (sync_send(sync, SYNC_PTY, NULL, pty.master) < 0) {
      mon_error_set(&err, errno, "sync", "send terminal");
      goto fail;
    }
    close(pty.master);
    if (pty_become_stdio(pty.slave, &err) < 0) goto fail;
  }
  if (apply_oom_score_adj(p, &err) < 0 || apply_rlimits(p, &err) < 0) goto fail;
  if (!p->no_new_privileges && seccomp_load(filter, p->seccomp_flags, &err) < 0) goto fail;
  if (apply_user_and_caps(p, 1, &err) < 0) goto fail;
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0); /* changing credentials cleared it */
  if (chdir(p->cwd) < 0) {
    mon_error_set(&err, errno, "cwd", "chdir %s", p->cwd);
    goto fail;
  }
  char exe[PATH_MAX];
  if (find_executable(p->args[0], p->env, exe, sizeof exe, &err) < 0 || apply_no_new_privs(p, &err) < 0) goto fail;
  if (p->no_new_privileges && seccomp_load(filter, p->seccomp_flags, &err) < 0) goto fail;
  execve(exe, (char *const *)p->args, (char *const *)p->env);
  mon_error_set(&err, errno, "exec", "execve %s", exe);
fail:
  sync_send(sync, SYNC_ERROR, &err, -1);
  _exit(EXIT_SETUP);
}

static int copy(int from, int to) {
  char buf[8192];
  ssize_t n = read(from, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return 1;
  if (n <= 0) return 0;
  for (ssize_t off = 0; off < n;) {
    ssize_t w = write(to, buf + off, (size_t)(n - off));
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return 0;
    off += w;
  }
  return 1;
}

/* A line from the control fd: "resize ROWS COLS" or "signal N". */
static void control_line(const char *line, pid_t pid, int master) {
  unsigned rows, cols;
  int sig;
  if (sscanf(line, "resize %u %u", &rows, &cols) == 2 && master >= 0 && rows < 65536 && cols < 65536)
    pty_resize(master, (unsigned short)rows, (unsigned short)cols);
  else if (sscanf(line, "signal %d", &sig) == 1 && sig > 0 && sig < 65)
    kill(pid, sig);
}

/* Relays the caller's stdio to the pty (if any) and serves the control fd
 * until the command exits. */
static int relay_and_wait(pid_t pid, int master, int sigfd, int control_fd) {
  int in_open = master >= 0;
  int out_open = master >= 0;
  int status = 0;
  char ctl[256];
  size_t ctl_len = 0;
  for (;;) {
    struct pollfd fds[4] = {{sigfd, POLLIN, 0}, {in_open ? 0 : -1, POLLIN, 0}, {out_open ? master : -1, POLLIN, 0}, {control_fd, POLLIN, 0}};
    if (poll(fds, 4, -1) < 0 && errno != EINTR) break;
    if (fds[2].revents && !copy(master, 1)) out_open = 0;
    if (fds[1].revents && !copy(0, master)) in_open = 0;
    if (fds[3].revents) {
      ssize_t n = read(control_fd, ctl + ctl_len, sizeof ctl - 1 - ctl_len);
      if (n <= 0) {
        control_fd = -1; /* the caller closed it: no more requests */
      } else {
        ctl_len += (size_t)n;
        char *nl;
        while ((nl = memchr(ctl, '\n', ctl_len)) != NULL) {
          *nl = '\0';
          control_line(ctl, pid, master);
          ctl_len -= (size_t)(nl + 1 - ctl);
          memmove(ctl, nl + 1, ctl_len);
        }
        if (ctl_len == sizeof ctl - 1) ctl_len = 0;
      }
    }
    if (fds[0].revents) {
      struct signalfd_siginfo si;
      while (read(sigfd, &si, sizeof si) > 0) {
        if (si.ssi_signo == SIGCHLD) continue;
        if (si.ssi_signo == SIGWINCH && master >= 0) {
          struct winsize ws;
          if (ioctl(0, TIOCGWINSZ, &ws) == 0) ioctl(master, TIOCSWINSZ, &ws);
          continue;
        }
        kill(pid, (int)si.ssi_signo); /* pass termination requests on */
      }
      pid_t r = waitpid(pid, &status, WNOHANG);
      if (r == pid) {
        while (out_open && copy(master, 1)) {
        }
        break;
      }
    }
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int cmd_exec(const char *spec_path, int status_fd, int control_fd) {
  spec s;
  mon_error err = {0};
  if (status_fd >= 0) fcntl(status_fd, F_SETFD, FD_CLOEXEC);
  if (control_fd >= 0) fcntl(control_fd, F_SETFD, FD_CLOEXEC);
  if (spec_load(spec_path, SPEC_EXEC, &s, &err) < 0) return report_error(status_fd, &err);
  struct husk_sock_fprog filter;
  if (seccomp_read(s.process.seccomp_bpf_path, &filter, &err) < 0) return report_error(status_fd, &err);
  if (ns_join_process_pid(s.target_pid, &err) < 0) return report_error(status_fd, &err);
  int sync[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync) < 0) {
    mon_error_set(&err, errno, "exec", "socketpair");
    return report_error(status_fd, &err);
  }
  sigset_t set;
  sigemptyset(&set);
  int forwarded[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
  for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++) sigaddset(&set, forwarded[i]);
  sigprocmask(SIG_BLOCK, &set, NULL);
  int sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  pid_t pid = fork();
  if (pid < 0) {
    mon_error_set(&err, errno, "exec", "fork into the container's pid namespace");
    return report_error(status_fd, &err);
  }
  if (pid == 0) {
    close(sync[0]);
    child(&s, sync[1], &filter);
  }
  close(sync[1]);
  int master = -1;
  if (sync_send(sync[0], SYNC_GO, NULL, -1) < 0) {
    mon_error_set(&err, errno, "sync", "send");
    goto fail;
  }
  for (;;) {
    sync_msg msg;
    int fd;
    int rc = sync_recv(sync[0], &msg, &fd);
    if (rc == 0) break; /* execve closed the child's end */
    if (rc < 0) {
      mon_error_set(&err, errno, "sync", "receive");
      goto fail;
    }
    if (msg.type == SYNC_PTY) {
      master = fd;
      continue;
    }
    err = msg.err;
    goto fail;
  }
  close(sync[0]);
  if (status_fd >= 0) {
    char line[48];
    int n = snprintf(line, sizeof line, "{\"pid\":%d}\n", (int)pid);
    if (write(status_fd, line, (size_t)n) < 0) {
    }
  }
  int code = relay_and_wait(pid, master, sigfd, control_fd);
  if (status_fd >= 0) {
    char line[64];
    int n = snprintf(line, sizeof line, "{\"exitCode\":%d}\n", code);
    if (write(status_fd, line, (size_t)n) < 0) {
    }
  }
  return code;
fail:
  kill(pid, SIGKILL);
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
  }
  return report_error(status_fd, &err);
}

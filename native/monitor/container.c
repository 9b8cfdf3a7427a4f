#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include "cgroup.h"
#include "kernel.h"
#include "namespaces.h"
#include "rootfs.h"
#include "security.h"
#include "sync.h"
#include "terminal.h"

void reset_signals(void) {
  sigset_t all;
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, NULL);
  for (int sig = 1; sig < NSIG; sig++) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    signal(sig, SIG_DFL);
  }
}

int keep_only_stdio_and(int sync) {
  if (sync != 3) {
    if (dup3(sync, 3, O_CLOEXEC) < 0) return -1;
    close(sync);
  }
  if (sys_close_range(4, ~0U, 0) < 0) {
    for (int fd = 4; fd < 1024; fd++) close(fd);
  }
  return 3;
}

static _Noreturn void fail(int sync, const mon_error *err) {
  sync_send(sync, SYNC_ERROR, err, -1);
  _exit(1);
}

static int expect(int sync, int type, mon_error *err) {
  sync_msg msg;
  int rc = sync_recv(sync, &msg, NULL);
  if (rc <= 0) _exit(1); /* the monitor is gone: nobody to report to */
  if (msg.type != type) return mon_error_set(err, EPROTO, "sync", "unexpected message %d", msg.type);
  return 0;
}

static int setup_stdio(const child_stdio *io, mon_error *err) {
  int fds[3] = {io->in, io->out, io->err};
  for (int i = 0; i < 3; i++) {
    if (fds[i] < 0) continue;
    if (dup2(fds[i], i) < 0) return mon_error_set(err, errno, "stdio", "dup2 to %d", i);
  }
  return 0;
}

/* The clone made a new user namespace and the monitor wrote its id maps
 * before SYNC_GO: become root in it, with its full capabilities. */
static int become_userns_root(const spec *s, mon_error *err) {
  const ns_entry *user = spec_namespace(s, CLONE_NEWUSER);
  if (user == NULL || user->path != NULL) return 0;
  if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) return mon_error_set(err, errno, "user namespace", "become root in the user namespace");
  return 0;
}

_Noreturn void container_main(const spec *s, int sync, const child_stdio *io, int joined) {
  mon_error err = {0};
  const process_spec *p = &s->process;
  reset_signals();
  if (!p->terminal && setup_stdio(io, &err) < 0) fail(sync, &err);
  sync = keep_only_stdio_and(sync);
  if (sync < 0) _exit(1);
  if (expect(sync, SYNC_GO, &err) < 0) fail(sync, &err);
  /* before its namespaces: the cgroup namespace it may unshare is rooted where it stands */
  if (!ns_creates_user(s) && cgroup_join_self(s->cgroup_dirs, &err) < 0) fail(sync, &err);

  struct husk_sock_fprog filter;
  if (seccomp_read(p->seccomp_bpf_path, &filter, &err) < 0) fail(sync, &err);
  const ns_entry *mnt = spec_namespace(s, CLONE_NEWNS);
  if (mnt == NULL) {
    mon_error_set(&err, EINVAL, "create namespace", "a container needs a mnt namespace");
    fail(sync, &err);
  }
  if (become_userns_root(s, &err) < 0 || ns_join_paths(s, ~joined, &err) < 0 ||
      ns_unshare(s, CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP, &err) < 0)
    fail(sync, &err);

  if (mnt->path == NULL && (rootfs_prepare(s, &err) < 0 || rootfs_pivot(s, &err) < 0)) fail(sync, &err);
  pty_pair pty = {-1, -1, ""};
  if (p->terminal) {
    if (pty_open(p->rows, p->cols, &pty, &err) < 0) fail(sync, &err);
    if (mnt->path == NULL && rootfs_bind_console(pty.slave_path, &err) < 0) fail(sync, &err);
    if (sync_send(sync, SYNC_PTY, NULL, pty.master) < 0) {
      mon_error_set(&err, errno, "sync", "send terminal");
      fail(sync, &err);
    }
    close(pty.master);
  }
  if (mnt->path == NULL && rootfs_finish(s, &err) < 0) fail(sync, &err);
  if (s->hostname && s->hostname[0] && sethostname(s->hostname, strlen(s->hostname)) < 0) {
    mon_error_set(&err, errno, "hostname", "sethostname %s", s->hostname);
    fail(sync, &err);
  }
  if (p->terminal) {
    if (pty_become_stdio(pty.slave, &err) < 0) fail(sync, &err);
  } else if (setsid() < 0) {
    mon_error_set(&err, errno, "stdio", "setsid");
    fail(sync, &err);
  }
  if (apply_oom_score_adj(p, &err) < 0 || apply_rlimits(p, &err) < 0) fail(sync, &err);
  /* without no_new_privs, loading a filter needs CAP_SYS_ADMIN: load it while we have it */
  if (!p->no_new_privileges && seccomp_load(&filter, p->seccomp_flags, &err) < 0) fail(sync, &err);
  if (apply_user_and_caps(p, 1, &err) < 0) fail(sync, &err);
  if (chdir(p->cwd) < 0) {
    mon_error_set(&err, errno, "cwd", "chdir %s", p->cwd);
    fail(sync, &err);
  }
  char exe[PATH_MAX];
  if (find_executable(p->args[0], p->env, exe, sizeof exe, &err) < 0) fail(sync, &err);
  if (apply_no_new_privs(p, &err) < 0) fail(sync, &err);

  if (sync_send(sync, SYNC_READY, NULL, -1) < 0) _exit(1);
  if (expect(sync, SYNC_START, &err) < 0) fail(sync, &err);
  if (p->no_new_privileges && seccomp_load(&filter, p->seccomp_flags, &err) < 0) {
    sync_send(sync, SYNC_EXEC_ERROR, &err, -1);
    _exit(127);
  }
  execve(exe, (char *const *)p->args, (char *const *)p->env);
  mon_error_set(&err, errno, "exec", "execve %s", exe);
  sync_send(sync, SYNC_EXEC_ERROR, &err, -1);
  _exit(errno == ENOENT ? 127 : 126);
}

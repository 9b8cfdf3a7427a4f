/* The monitor's event loop: container output to the log and attach
 * clients, control commands, the start handshake, reaping, the exit record. */
#include "monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

#include "cgroup.h"
#include "sync.h"

enum { SLOT_SIG, SLOT_LISTEN, SLOT_SYNC, SLOT_OUT, SLOT_ERR, SLOT_IN, SLOT_CLIENTS };

static void close_fd(int *fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

/* 1 while data may still come, 0 at EOF (EIO on a pty whose slave closed). */
static int pump(monitor *m, int *fd, int stream) {
  char buf[8192];
  for (;;) {
    ssize_t n = read(*fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return 1;
    if (n <= 0) {
      if (*fd == m->terminal_fd) {
        m->terminal_fd = -1;
        if (m->in_fd == *fd) m->in_fd = -1;
      }
      close_fd(fd);
      return 0;
    }
    log_write(&m->log, stream, buf, (size_t)n);
    control_broadcast(m, stream == 1 ? FRAME_STDOUT : FRAME_STDERR, buf, (size_t)n);
  }
}

/* The start reply: EOF on the sync socket means execve succeeded. */
static void check_exec(monitor *m) {
  sync_msg msg;
  int rc = sync_recv(m->sync, &msg, NULL);
  if (rc < 0 && errno == EAGAIN) return;
  if (m->start_client >= 0) {
    if (rc == 1 && msg.type == SYNC_EXEC_ERROR) control_reply(m, m->start_client, msg.err.errnum ? msg.err.errnum : EIO, msg.err.message);
    else if (rc == 0) control_reply(m, m->start_client, 0, NULL);
    else control_reply(m, m->start_client, EIO, "lost the container process");
  }
  m->start_client = -1;
  close_fd(&m->sync);
}

static void reap(monitor *m) {
  struct signalfd_siginfo si;
  while (read(m->sigfd, &si, sizeof si) > 0) {
  }
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;
    if (pid == m->pid) {
      m->exited = 1;
      m->status = status;
    }
  }
}

/* A container sharing its pid namespace (the pod's or the host's) leaves its
 * background processes running when its own process exits: they go now, as
 * runc's delete does, so an exited container has nothing left running. */
static void kill_leftovers(monitor *m) {
  const ns_entry *pid_ns = spec_namespace(m->s, CLONE_NEWPID);
  if (pid_ns && !pid_ns->path) return; /* the kernel killed them with the namespace */
  cgroup_kill_all(m->s->cgroup_dirs, 100);
}

static void finish(monitor *m) {
  kill_leftovers(m);
  if (m->out_fd >= 0) pump(m, &m->out_fd, 1);
  if (m->err_fd >= 0) pump(m, &m->err_fd, 2);
  log_flush(&m->log);
  if (m->sync >= 0 && m->start_requested) {
    fcntl(m->sync, F_SETFL, O_NONBLOCK);
    check_exec(m);
  }
  if (m->start_client >= 0) control_reply(m, m->start_client, ESRCH, "the container exited before it started");
  mon_error err;
  exit_file_write(m->status, oom_watch_fired(&m->oom), &err);
  char exit_json[256] = "{}";
  FILE *f = fopen("exit.json", "re");
  if (f) {
    size_t n = fread(exit_json, 1, sizeof exit_json - 1, f);
    exit_json[n] = '\0';
    fclose(f);
  }
  control_shutdown(m, exit_json);
  log_close(&m->log);
}

void monitor_run(monitor *m) {
  struct pollfd fds[SLOT_CLIENTS + MAX_CLIENTS];
  fcntl(m->sync, F_SETFL, O_NONBLOCK);
  while (!m->exited) {
    memset(fds, 0, sizeof fds);
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) fds[i].fd = -1;
    fds[SLOT_SIG] = (struct pollfd){m->sigfd, POLLIN, 0};
    fds[SLOT_LISTEN] = (struct pollfd){m->listenfd, POLLIN, 0};
    if (m->start_requested) fds[SLOT_SYNC] = (struct pollfd){m->sync, POLLIN, 0};
    fds[SLOT_OUT] = (struct pollfd){m->out_fd, POLLIN, 0};
    fds[SLOT_ERR] = (struct pollfd){m->err_fd, POLLIN, 0};
    if (m->stdin_owner >= 0 && m->in_fd >= 0) fds[SLOT_IN] = (struct pollfd){m->in_fd, POLLOUT, 0};
    for (int i = 0; i < MAX_CLIENTS; i++) {
      client *c = &m->clients[i];
      if (c->kind == CLIENT_FREE) continue;
      short ev = c->stdin_pending ? 0 : POLLIN;
      if (c->outlen) ev |= POLLOUT;
      fds[SLOT_CLIENTS + i] = (struct pollfd){c->fd, ev, 0};
    }
    if (poll(fds, sizeof fds / sizeof fds[0], -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    /* the exec result first, so a fast exit still answers "start" with ok */
    if (fds[SLOT_SYNC].revents) check_exec(m);
    if (fds[SLOT_OUT].revents) pump(m, &m->out_fd, 1);
    if (fds[SLOT_ERR].revents) pump(m, &m->err_fd, 2);
    if (fds[SLOT_IN].revents) control_stdin_writable(m);
    for (int i = 0; i < MAX_CLIENTS; i++)
      if (fds[SLOT_CLIENTS + i].revents && m->clients[i].fd == fds[SLOT_CLIENTS + i].fd)
        control_client_event(m, i, fds[SLOT_CLIENTS + i].revents);
    if (fds[SLOT_LISTEN].revents) control_accept(m);
    if (fds[SLOT_SIG].revents) reap(m);
  }
  finish(m);
}

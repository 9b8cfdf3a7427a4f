/* The control socket <stateDir>/monitor.sock: one command line per
 * connection, one reply line; "attach" turns the connection into a framed
 * stream (PROTOCOL.md). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>

#include "monitor.h"
#include "sync.h"
#include "terminal.h"

#define SOCKET_NAME "monitor.sock"

int control_listen(mon_error *err) {
  /* bound by relative name (we run in the state dir), so long state dir
   * paths do not hit sun_path's 108-byte limit */
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return mon_error_set(err, errno, "control socket", "socket");
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  snprintf(addr.sun_path, sizeof addr.sun_path, "%s", SOCKET_NAME);
  unlink(SOCKET_NAME);
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 16) < 0) {
    int e = errno;
    close(fd);
    return mon_error_set(err, e, "control socket", "bind %s", SOCKET_NAME);
  }
  chmod(SOCKET_NAME, 0600);
  return fd;
}

void control_accept(monitor *m) {
  for (;;) {
    int fd = accept4(m->listenfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) return;
    int slot = -1;
    for (int i = 0; i < MAX_CLIENTS && slot < 0; i++)
      if (m->clients[i].kind == CLIENT_FREE) slot = i;
    if (slot < 0) {
      static const char busy[] = "error 16 too many connections\n";
      if (write(fd, busy, sizeof busy - 1) < 0) {
      }
      close(fd);
      continue;
    }
    client *c = &m->clients[slot];
    memset(c, 0, sizeof *c);
    c->fd = fd;
    c->kind = CLIENT_COMMAND;
  }
}

static void queue(client *c, const void *data, size_t n) {
  if (c->outlen + n > c->outcap) {
    size_t cap = c->outcap ? c->outcap : 4096;
    while (cap < c->outlen + n) cap *= 2;
    char *p = realloc(c->out, cap);
    if (p == NULL) return;
    c->out = p;
    c->outcap = cap;
  }
  memcpy(c->out + c->outlen, data, n);
  c->outlen += n;
}

static int flush(client *c) {
  while (c->outlen > 0) {
    ssize_t n = send(c->fd, c->out, c->outlen, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno == EAGAIN ? 0 : -1;
    }
    memmove(c->out, c->out + n, c->outlen - (size_t)n);
    c->outlen -= (size_t)n;
  }
  return 0;
}

void control_close(monitor *m, int idx) {
  client *c = &m->clients[idx];
  if (c->kind == CLIENT_FREE) return;
  if (c->kind == CLIENT_ATTACH) {
    if (m->stdin_owner == idx) m->stdin_owner = -1;
    /* stdinOnce: the end of the first attach session that gave stdin closes it */
    if (m->s->process.stdin_once && c->used_stdin && m->in_fd >= 0 && m->in_fd != m->terminal_fd) {
      close(m->in_fd);
      m->in_fd = -1;
    }
  }
  if (m->start_client == idx) m->start_client = -1;
  close(c->fd);
  free(c->out);
  free(c->frame);
  memset(c, 0, sizeof *c);
  c->fd = -1;
  c->kind = CLIENT_FREE;
}

void control_reply(monitor *m, int idx, int errnum, const char *message) {
  client *c = &m->clients[idx];
  char line[512];
  int n = errnum == 0 ? snprintf(line, sizeof line, "ok%s%s\n", message ? " " : "", message ? message : "")
                      : snprintf(line, sizeof line, "error %d %s\n", errnum, message ? message : strerror(errnum));
  if (n >= (int)sizeof line) n = sizeof line - 1;
  queue(c, line, (size_t)n);
  flush(c);
  if (c->kind == CLIENT_COMMAND) control_close(m, idx);
}

static void frame_to(client *c, int type, const char *data, size_t n) {
  unsigned char hdr[FRAME_HEADER] = {(unsigned char)type, (unsigned char)(n >> 24), (unsigned char)(n >> 16), (unsigned char)(n >> 8),
                                     (unsigned char)n};
  queue(c, hdr, sizeof hdr);
  if (n) queue(c, data, n);
}

void control_broadcast(monitor *m, int type, const char *data, size_t n) {
  for (int i = 0; i < MAX_CLIENTS; i++) {
    client *c = &m->clients[i];
    if (c->kind != CLIENT_ATTACH) continue;
    frame_to(c, type, data, n);
    /* a reader that does not keep up is dropped, never waited for */
    if (flush(c) < 0 || c->outlen > CLIENT_OUT_MAX) control_close(m, i);
  }
}

static void command(monitor *m, int idx, char *line) {
  char *arg = strchr(line, ' ');
  if (arg) *arg++ = '\0';
  char msg[256];
  if (strcmp(line, "start") == 0) {
    if (m->exited) return control_reply(m, idx, ESRCH, "the container has exited");
    if (m->start_requested) return control_reply(m, idx, EALREADY, "already started");
    if (sync_send(m->sync, SYNC_START, NULL, -1) < 0) return control_reply(m, idx, errno, "cannot reach the container process");
    m->start_requested = 1;
    m->start_client = idx; /* replied once execve succeeded or failed */
  } else if (strcmp(line, "signal") == 0) {
    int sig = arg ? atoi(arg) : 0;
    if (sig <= 0 || sig >= 65) return control_reply(m, idx, EINVAL, "bad signal number");
    if (m->exited) return control_reply(m, idx, ESRCH, "the container has exited");
    if (kill(m->pid, sig) < 0) return control_reply(m, idx, errno, NULL);
    control_reply(m, idx, 0, NULL);
  } else if (strcmp(line, "resize") == 0) {
    unsigned rows = 0, cols = 0;
    if (!arg || sscanf(arg, "%u %u", &rows, &cols) != 2 || rows > 65535 || cols > 65535)
      return control_reply(m, idx, EINVAL, "usage: resize ROWS COLS");
    if (m->terminal_fd < 0) return control_reply(m, idx, ENOTTY, "the container has no terminal");
    if (pty_resize(m->terminal_fd, (unsigned short)rows, (unsigned short)cols) < 0) return control_reply(m, idx, errno, NULL);
    control_reply(m, idx, 0, NULL);
  } else if (strcmp(line, "reopen-log") == 0) {
    mon_error err;
    if (log_reopen(&m->log, &err) < 0) return control_reply(m, idx, err.errnum, err.message);
    control_reply(m, idx, 0, NULL);
  } else if (strcmp(line, "attach") == 0) {
    if (m->exited) return control_reply(m, idx, ESRCH, "the container has exited");
    client *c = &m->clients[idx];
    c->frame = malloc(FRAME_HEADER + FRAME_MAX);
    if (c->frame == NULL) return control_reply(m, idx, ENOMEM, NULL);
    c->kind = CLIENT_ATTACH;
    control_reply(m, idx, 0, NULL);
  } else if (strcmp(line, "state") == 0) {
    snprintf(msg, sizeof msg, "%s %d", m->exited ? "exited" : m->start_requested ? "running" : "created", (int)m->pid);
    control_reply(m, idx, 0, msg);
  } else {
    control_reply(m, idx, EINVAL, "unknown command");
  }
}

static void read_command(monitor *m, int idx) {
  client *c = &m->clients[idx];
  for (;;) {
    char ch;
    ssize_t n = read(c->fd, &ch, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) return control_close(m, idx);
    if (ch == '\n') {
      c->line[c->linelen] = '\0';
      if (c->linelen > 0 && c->line[c->linelen - 1] == '\r') c->line[c->linelen - 1] = '\0';
      c->linelen = 0;
      return command(m, idx, c->line);
    }
    if (c->linelen + 1 >= sizeof c->line) return control_reply(m, idx, EINVAL, "command too long");
    c->line[c->linelen++] = ch;
  }
}

static uint32_t frame_len(const client *c) {
  return (uint32_t)c->frame[1] << 24 | (uint32_t)c->frame[2] << 16 | (uint32_t)c->frame[3] << 8 | c->frame[4];
}

/* Writes the pending stdin frame; 1 when all of it went out. */
static int push_stdin(monitor *m, int idx) {
  client *c = &m->clients[idx];
  uint32_t len = frame_len(c);
  while (c->stdin_off < len) {
    if (m->in_fd < 0) break; /* nobody reads stdin: drop it */
    ssize_t n = write(m->in_fd, c->frame + FRAME_HEADER + c->stdin_off, len - c->stdin_off);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        c->stdin_pending = 1;
        m->stdin_owner = idx;
        return 0;
      }
      if (m->in_fd != m->terminal_fd) close(m->in_fd);
      m->in_fd = -1; /* the container closed its stdin */
      break;
    }
    c->stdin_off += (size_t)n;
  }
  c->stdin_pending = 0;
  c->stdin_off = 0;
  c->framelen = 0;
  if (m->stdin_owner == idx) m->stdin_owner = -1;
  return 1;
}

static void handle_frame(monitor *m, int idx) {
  client *c = &m->clients[idx];
  uint32_t len = frame_len(c);
  const unsigned char *p = c->frame + FRAME_HEADER;
  switch (c->frame[0]) {
  case FRAME_STDIN:
    c->used_stdin = 1;
    c->stdin_off = 0;
    push_stdin(m, idx);
    return;
  case FRAME_RESIZE:
    if (len == 4 && m->terminal_fd >= 0) pty_resize(m->terminal_fd, (unsigned short)(p[0] << 8 | p[1]), (unsigned short)(p[2] << 8 | p[3]));
    break;
  case FRAME_CLOSE_STDIN:
    c->used_stdin = 1;
    if (m->s->process.stdin_once && m->in_fd >= 0 && m->in_fd != m->terminal_fd) {
      close(m->in_fd);
      m->in_fd = -1;
    }
    break;
  default:
    break;
  }
  c->framelen = 0;
}

static void read_frames(monitor *m, int idx) {
  client *c = &m->clients[idx];
  while (!c->stdin_pending) {
    size_t want = c->framelen < FRAME_HEADER ? FRAME_HEADER - c->framelen : FRAME_HEADER + frame_len(c) - c->framelen;
    if (want == 0) {
      handle_frame(m, idx);
      continue;
    }
    ssize_t n = read(c->fd, c->frame + c->framelen, want);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) return control_close(m, idx);
    c->framelen += (size_t)n;
    if (c->framelen == FRAME_HEADER && frame_len(c) > FRAME_MAX) return control_close(m, idx);
    if (c->framelen >= FRAME_HEADER && c->framelen == FRAME_HEADER + frame_len(c)) handle_frame(m, idx);
  }
}

void control_stdin_writable(monitor *m) {
  int idx = m->stdin_owner;
  if (idx < 0) return;
  if (push_stdin(m, idx)) read_frames(m, idx);
}

void control_client_event(monitor *m, int idx, short revents) {
  client *c = &m->clients[idx];
  if ((revents & POLLOUT) && flush(c) < 0) return control_close(m, idx);
  if (revents & (POLLIN | POLLHUP | POLLERR)) {
    if (c->kind == CLIENT_COMMAND) read_command(m, idx);
    else if (c->kind == CLIENT_ATTACH) read_frames(m, idx);
  }
}

void control_shutdown(monitor *m, const char *exit_json) {
  for (int i = 0; i < MAX_CLIENTS; i++) {
    client *c = &m->clients[i];
    if (c->kind == CLIENT_FREE) continue;
    if (c->kind == CLIENT_ATTACH) {
      frame_to(c, FRAME_EXIT, exit_json, strlen(exit_json));
      /* last words: give a slow reader a moment, then go */
      int flags = fcntl(c->fd, F_GETFL);
      fcntl(c->fd, F_SETFL, flags & ~O_NONBLOCK);
      struct timeval tv = {.tv_sec = 1};
      setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
      flush(c);
    }
    control_close(m, i);
  }
  if (m->listenfd >= 0) close(m->listenfd);
  m->listenfd = -1;
  unlink(SOCKET_NAME);
}

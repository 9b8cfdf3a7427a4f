#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>

static int mkdir_parents(const char *path) {
  char buf[PATH_MAX];
  if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) return -1;
  for (char *p = buf + 1; (p = strchr(p, '/')) != NULL; p++) {
    *p = '\0';
    if (mkdir(buf, 0755) < 0 && errno != EEXIST) return -1;
    *p = '/';
  }
  return 0;
}

int log_open(cri_log *log, const char *path, mon_error *err) {
  log->fd = -1;
  log->path = path;
  log->lines[0].len = log->lines[1].len = 0;
  if (path == NULL) return 0;
  mkdir_parents(path);
  log->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (log->fd < 0) return mon_error_set(err, errno, "open log", "open %s", path);
  return 0;
}

int log_reopen(cri_log *log, mon_error *err) {
  if (log->path == NULL) return 0;
  int fd = open(log->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return mon_error_set(err, errno, "reopen log", "open %s", log->path);
  if (log->fd >= 0) close(log->fd);
  log->fd = fd;
  return 0;
}

size_t rfc3339_now(char *buf, size_t size) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
  n += (size_t)snprintf(buf + n, size - n, ".%09ldZ", ts.tv_nsec);
  return n;
}

static void emit(cri_log *log, int stream, int partial) {
  log_line *line = &log->lines[stream - 1];
  if (log->fd >= 0) {
    char head[64];
    size_t n = rfc3339_now(head, sizeof head);
    n += (size_t)snprintf(head + n, sizeof head - n, " %s %c ", stream == 1 ? "stdout" : "stderr", partial ? 'P' : 'F');
    struct iovec iov[3] = {{head, n}, {line->buf, line->len}, {"\n", 1}};
    /* one writev per record so records never interleave */
    ssize_t w;
    do w = writev(log->fd, iov, 3);
    while (w < 0 && errno == EINTR);
  }
  line->len = 0;
}

void log_write(cri_log *log, int stream, const char *data, size_t n) {
  log_line *line = &log->lines[stream - 1];
  while (n > 0) {
    const char *nl = memchr(data, '\n', n);
    size_t seg = nl ? (size_t)(nl - data) : n;
    while (line->len + seg > LOG_MAX_LINE) {
      size_t take = LOG_MAX_LINE - line->len;
      memcpy(line->buf + line->len, data, take);
      line->len += take;
      emit(log, stream, 1);
      data += take;
      n -= take;
      seg -= take;
    }
    memcpy(line->buf + line->len, data, seg);
    line->len += seg;
    data += seg;
    n -= seg;
    if (nl) {
      emit(log, stream, 0);
      data++;
      n--;
    }
  }
}

void log_flush(cri_log *log) {
  for (int stream = 1; stream <= 2; stream++)
    if (log->lines[stream - 1].len > 0) emit(log, stream, 0);
}

void log_close(cri_log *log) {
  if (log->fd >= 0) close(log->fd);
  log->fd = -1;
}

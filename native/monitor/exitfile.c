#include "exitfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

static long long read_oom_kills(int version, const char *dir) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", dir, version == 1 ? "memory.oom_control" : "memory.events");
  FILE *f = fopen(path, "re");
  if (f == NULL) return -1;
  char key[64];
  long long value, found = -1;
  while (fscanf(f, "%63s %lld", key, &value) == 2)
    if (strcmp(key, "oom_kill") == 0) found = value;
  fclose(f);
  return found;
}

void oom_watch_init(oom_watch *w, int version, const char *dir) {
  w->version = version;
  w->dir = dir;
  w->base = version ? read_oom_kills(version, dir) : -1;
}

int oom_watch_fired(const oom_watch *w) {
  if (w->version == 0 || w->base < 0) return 0;
  return read_oom_kills(w->version, w->dir) > w->base;
}

/* durable: fsync the file and the directory (the exit record must survive a
 * crash of everything above us); otherwise only rename-atomic */
static int write_atomic(const char *name, const char *data, size_t len, int durable, mon_error *err) {
  char tmp[128];
  snprintf(tmp, sizeof tmp, ".%s.tmp", name);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return mon_error_set(err, errno, "write state", "open %s", tmp);
  if (write(fd, data, len) != (ssize_t)len || (durable && fsync(fd) < 0)) {
    int e = errno;
    close(fd);
    unlink(tmp);
    return mon_error_set(err, e, "write state", "write %s", tmp);
  }
  close(fd);
  if (rename(tmp, name) < 0) {
    int e = errno;
    unlink(tmp);
    return mon_error_set(err, e, "write state", "rename %s", name);
  }
  int dir = durable ? open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
  if (dir >= 0) {
    fsync(dir);
    close(dir);
  }
  return 0;
}

int exit_file_write(int wait_status, int oom_killed, mon_error *err) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  int code = 0, sig = 0;
  if (WIFSIGNALED(wait_status)) {
    sig = WTERMSIG(wait_status);
    code = 128 + sig;
  } else if (WIFEXITED(wait_status)) {
    code = WEXITSTATUS(wait_status);
  }
  char buf[256];
  int n = snprintf(buf, sizeof buf, "{\"exitCode\":%d,\"signal\":%d,\"finishedAt\":\"%lld%09ld\",\"oomKilled\":%s}\n", code, sig,
                   (long long)ts.tv_sec, ts.tv_nsec, oom_killed ? "true" : "false");
  return write_atomic("exit.json", buf, (size_t)n, 1, err);
}

int write_small_file(const char *name, const char *value, mon_error *err) {
  char buf[64];
  int n = snprintf(buf, sizeof buf, "%s\n", value);
  return write_atomic(name, buf, (size_t)n, 0, err);
}

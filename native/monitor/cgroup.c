#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int write_member(const char *dir, const char *file, const char *value, mon_error *err) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return mon_error_set(err, errno, "join cgroup", "open %s", path);
  ssize_t len = (ssize_t)strlen(value);
  if (write(fd, value, (size_t)len) != len) return mon_error_set(err, errno, "join cgroup", "write %s", path);
  return 0;
}

int cgroup_join_pid(const char *const *dirs, pid_t pid, mon_error *err) {
  char buf[16];
  snprintf(buf, sizeof buf, "%d", (int)pid);
  for (const char *const *dir = dirs; dir && *dir; dir++)
    if (write_member(*dir, "cgroup.procs", buf, err) < 0) return -1;
  return 0;
}

/* Writing a pid to cgroup.procs write-locks the kernel's global threadgroup
 * rwsem, which first waits out an RCU grace period: 7-15 ms per container
 * on an idle host. A thread moving itself ("0") through v1's `tasks` file
 * skips that lock, and for a single-threaded process that moves the whole
 * process. v2 has no such file for domain cgroups: cgroup.procs it is. */
int cgroup_join_self(const char *const *dirs, mon_error *err) {
  for (const char *const *dir = dirs; dir && *dir; dir++) {
    char tasks[PATH_MAX];
    snprintf(tasks, sizeof tasks, "%s/tasks", *dir);
    const char *file = access(tasks, F_OK) == 0 ? "tasks" : "cgroup.procs";
    if (write_member(*dir, file, "0", err) < 0) return -1;
  }
  return 0;
}

#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

/* pids this pass has already killed: a dying task stays listed until reaped */
typedef struct {
  pid_t *pids;
  size_t n, cap;
} pid_set;

static int pid_set_add(pid_set *set, pid_t pid) {
  for (size_t i = 0; i < set->n; i++)
    if (set->pids[i] == pid) return 0;
  if (set->n == set->cap) {
    size_t cap = set->cap ? set->cap * 2 : 64;
    pid_t *grown = realloc(set->pids, cap * sizeof *grown);
    if (!grown) return 1; /* kill it anyway, just do not remember it */
    set->pids = grown;
    set->cap = cap;
  }
  set->pids[set->n++] = pid;
  return 1;
}

/* Kills the listed pids not killed before; how many those were (-1: unreadable). */
static int kill_new(const char *procs, pid_set *killed) {
  FILE *f = fopen(procs, "re");
  if (!f) return -1;
  int fresh = 0;
  long pid;
  while (fscanf(f, "%ld", &pid) == 1) {
    if (pid <= 0 || !pid_set_add(killed, (pid_t)pid)) continue;
    fresh++;
    kill((pid_t)pid, SIGKILL);
  }
  fclose(f);
  return fresh;
}

int cgroup_kill_all(const char *const *dirs, int max_rounds) {
  if (!dirs || !*dirs) return 0;
  char path[PATH_MAX];
  /* v2 (5.14+) kills the whole cgroup, forks in flight included, in one write */
  snprintf(path, sizeof path, "%s/cgroup.kill", dirs[0]);
  cleanup_close int killfd = open(path, O_WRONLY | O_CLOEXEC);
  if (killfd >= 0 && write(killfd, "1", 1) != 1) { /* the pid loop below still runs */ }
  snprintf(path, sizeof path, "%s/cgroup.procs", dirs[0]);
  pid_set killed = {0};
  int fresh = 0;
  /* until a pass finds nobody new: a child forked before its parent died shows up in the next pass */
  for (int round = 0; round < max_rounds; round++)
    if ((fresh = kill_new(path, &killed)) <= 0) break;
  free(killed.pids);
  return fresh < 0 ? 0 : fresh;
}

#include "namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "kernel.h"

int ns_new_flags(const spec *s) {
  int flags = 0;
  for (size_t i = 0; i < s->nnamespaces; i++)
    if (s->namespaces[i].path == NULL) flags |= s->namespaces[i].flag;
  return flags;
}

static int join_path(const char *path, int flag, mon_error *err) {
  cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return mon_error_set(err, errno, "join namespace", "open %s", path);
  if (setns(fd, flag) < 0) return mon_error_set(err, errno, "join namespace", "setns %s", path);
  return 0;
}

/* setns order: a user namespace first (it grants the rights for the rest),
 * the mount namespace last (the other paths are host paths). */
static const int join_order[] = {CLONE_NEWUSER, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWNET, CLONE_NEWCGROUP, CLONE_NEWNS};
#define NJOIN (sizeof join_order / sizeof join_order[0])

int ns_join_paths(const spec *s, int mask, mon_error *err) {
  int fds[NJOIN];
  int rc = 0;
  for (size_t i = 0; i < NJOIN; i++) fds[i] = -1;
  for (size_t i = 0; i < NJOIN && rc == 0; i++) {
    const ns_entry *e = spec_namespace(s, join_order[i]);
    if (e == NULL || e->path == NULL || !(join_order[i] & mask)) continue;
    fds[i] = open(e->path, O_RDONLY | O_CLOEXEC);
    if (fds[i] < 0) rc = mon_error_set(err, errno, "join namespace", "open %s", e->path);
  }
  for (size_t i = 0; i < NJOIN && rc == 0; i++) {
    if (fds[i] >= 0 && setns(fds[i], join_order[i]) < 0)
      rc = mon_error_set(err, errno, "join namespace", "setns %s", spec_namespace(s, join_order[i])->path);
  }
  for (size_t i = 0; i < NJOIN; i++)
    if (fds[i] >= 0) close(fds[i]);
  return rc;
}

int ns_prepare_clone(const spec *s, int *clone_flags, int *joined, mon_error *err) {
  int fresh = ns_new_flags(s);
  *clone_flags = fresh & CLONE_NEWPID;
  *joined = 0;
  const ns_entry *pid = spec_namespace(s, CLONE_NEWPID);
  if (pid && pid->path && join_path(pid->path, CLONE_NEWPID, err) < 0) return -1;
  if (fresh & CLONE_NEWUSER) {
    *joined = CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET | CLONE_NEWCGROUP;
    if (ns_join_paths(s, *joined, err) < 0) return -1;
    *clone_flags |= CLONE_NEWUSER;
  }
  return 0;
}

static const char *ns_file(int flag) {
  switch (flag) {
  case CLONE_NEWUSER: return "user";
  case CLONE_NEWIPC: return "ipc";
  case CLONE_NEWUTS: return "uts";
  case CLONE_NEWNET: return "net";
  case CLONE_NEWCGROUP: return "cgroup";
  case CLONE_NEWNS: return "mnt";
  case CLONE_NEWPID: return "pid";
  default: return "?";
  }
}

/* Opens /proc/<pid>/ns/<kind>; -2 when it is the namespace we are already in. */
static int open_other_ns(int pid, int flag, mon_error *err) {
  char path[64], self[64];
  struct stat a, b;
  snprintf(path, sizeof path, "/proc/%d/ns/%s", pid, ns_file(flag));
  snprintf(self, sizeof self, "/proc/self/ns/%s", ns_file(flag));
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT && flag == CLONE_NEWCGROUP) return -2;
    return mon_error_set(err, errno, "join namespace", "open %s", path);
  }
  if (fstat(fd, &a) == 0 && stat(self, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
    close(fd);
    return -2;
  }
  return fd;
}

int ns_join_process_pid(int pid, mon_error *err) {
  int fd = open_other_ns(pid, CLONE_NEWPID, err);
  if (fd == -1) return -1;
  if (fd == -2) return 0;
  int rc = setns(fd, CLONE_NEWPID) < 0 ? mon_error_set(err, errno, "join namespace", "setns pid of %d", pid) : 0;
  close(fd);
  return rc;
}

int ns_join_process(int pid, int *joined_user, mon_error *err) {
  int fds[NJOIN];
  int rc = 0;
  *joined_user = 0;
  for (size_t i = 0; i < NJOIN; i++) fds[i] = -1;
  for (size_t i = 0; i < NJOIN && rc == 0; i++) {
    fds[i] = open_other_ns(pid, join_order[i], err);
    if (fds[i] == -1) rc = -1;
  }
  for (size_t i = 0; i < NJOIN && rc == 0; i++) {
    if (fds[i] < 0) continue;
    if (setns(fds[i], join_order[i]) < 0) rc = mon_error_set(err, errno, "join namespace", "setns %s of %d", ns_file(join_order[i]), pid);
    else if (join_order[i] == CLONE_NEWUSER) *joined_user = 1;
  }
  for (size_t i = 0; i < NJOIN; i++)
    if (fds[i] >= 0) close(fds[i]);
  return rc;
}

int ns_unshare(const spec *s, int mask, mon_error *err) {
  int flags = ns_new_flags(s) & mask;
  if (flags == 0) return 0;
  if (unshare(flags) < 0) return mon_error_set(err, errno, "create namespace", "unshare 0x%x", (unsigned)flags);
  return 0;
}

int ns_creates_user(const spec *s) {
  const ns_entry *user = spec_namespace(s, CLONE_NEWUSER);
  return user != NULL && user->path == NULL;
}

#include "namespaces.h"

#include "thread.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

static const husk_ns_kind kinds[] = {
    {CLONE_NEWNET, "net", "net"},
    {CLONE_NEWIPC, "ipc", "ipc"},
    {CLONE_NEWUTS, "uts", "uts"},
    {CLONE_NEWPID, "pid", "pid"},
    {CLONE_NEWNS, "mnt", "mnt"},
    {CLONE_NEWCGROUP, "cgroup", "cgroup"},
};
#define KIND_COUNT (sizeof kinds / sizeof kinds[0])

const husk_ns_kind *husk_ns_kind_by_name(const char *name) {
  for (size_t i = 0; i < KIND_COUNT; i++)
    if (strcmp(kinds[i].name, name) == 0) return &kinds[i];
  return NULL;
}

/* The unsharing thread: it unshares, reports its tid, and stays alive (so
 * its /proc entries exist) until the caller has bind-mounted them. */
struct holder {
  int flags;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int unshared; /* set by the holder once it has unshared (or failed) */
  int release;  /* set by the caller when the holder may exit */
  pid_t tid;
  int errnum;
};

static void *holder_main(void *p) {
  struct holder *h = p;
  int rc = unshare(h->flags);
  pthread_mutex_lock(&h->mu);
  h->errnum = rc < 0 ? errno : 0;
  h->tid = gettid();
  h->unshared = 1;
  pthread_cond_broadcast(&h->cv);
  while (!h->release) pthread_cond_wait(&h->cv, &h->mu);
  pthread_mutex_unlock(&h->mu);
  return NULL;
}

static int bind_ns_file(const char *source, const husk_ns_kind *k, const char *target, husk_error *err) {
  int fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0400);
  if (fd < 0) return husk_fail(err, errno, "create namespace pin file", "open", "%s", target);
  close(fd);
  if (mount(source, target, NULL, MS_BIND, NULL) < 0) {
    int saved = errno;
    unlink(target);
    /* A mount namespace may not be pinned where the pin would propagate into itself. */
    const char *hint = (k->flag == CLONE_NEWNS && saved == EINVAL) ? " (the pin directory must be on a mount with private propagation)" : "";
    return husk_fail(err, saved, "pin namespace", "mount", "%s namespace (%s) onto %s%s", k->name, source, target, hint);
  }
  return 0;
}

static int pin_one(const husk_ns_kind *k, const char *dir, pid_t tid, husk_error *err) {
  char target[PATH_MAX], source[64];
  if (snprintf(target, sizeof target, "%s/%s", dir, k->name) >= (int)sizeof target)
    return husk_fail(err, ENAMETOOLONG, "pin namespace", NULL, "%s/%s", dir, k->name);
  snprintf(source, sizeof source, "/proc/%d/task/%d/ns/%s", getpid(), tid, k->proc_entry);
  return bind_ns_file(source, k, target, err);
}

int husk_pin_process_namespace(pid_t pid, const husk_ns_kind *kind, const char *target, husk_error *err) {
  char source[64];
  snprintf(source, sizeof source, "/proc/%d/ns/%s", (int)pid, kind->proc_entry);
  return bind_ns_file(source, kind, target, err);
}

int husk_pin_namespaces(const char *dir, int flags, husk_error *err) {
  if (flags & CLONE_NEWPID)
    return husk_fail(err, EINVAL, "create namespaces", NULL, "%s",
                     "a pid namespace has no file until its init runs: pin it from a live process instead");
  struct holder h;
  memset(&h, 0, sizeof h);
  h.flags = flags;
  pthread_mutex_init(&h.mu, NULL);
  pthread_cond_init(&h.cv, NULL);
  pthread_t thread;
  int rc = pthread_create(&thread, NULL, holder_main, &h);
  if (rc != 0) {
    pthread_cond_destroy(&h.cv);
    pthread_mutex_destroy(&h.mu);
    return husk_fail(err, rc, "start namespace holder thread", "pthread_create", "%s", "");
  }
  pthread_mutex_lock(&h.mu);
  while (!h.unshared) pthread_cond_wait(&h.cv, &h.mu);
  pthread_mutex_unlock(&h.mu);

  int ret = 0;
  size_t pinned = 0;
  if (h.errnum != 0) {
    ret = husk_fail(err, h.errnum, "create namespaces", "unshare", "flags 0x%x", (unsigned)flags);
  } else {
    for (; pinned < KIND_COUNT; pinned++) {
      if (!(flags & kinds[pinned].flag)) continue;
      ret = pin_one(&kinds[pinned], dir, h.tid, err);
      if (ret < 0) break;
    }
  }
  if (ret < 0) {
    /* Undo the pins made before the failure. */
    husk_error ignored;
    for (size_t i = 0; i < pinned; i++) {
      if (!(flags & kinds[i].flag)) continue;
      char target[PATH_MAX];
      snprintf(target, sizeof target, "%s/%s", dir, kinds[i].name);
      husk_unpin_namespace(target, &ignored);
    }
  }

  pthread_mutex_lock(&h.mu);
  h.release = 1;
  pthread_cond_broadcast(&h.cv);
  pthread_mutex_unlock(&h.mu);
  pthread_join(thread, NULL);
  pthread_cond_destroy(&h.cv);
  pthread_mutex_destroy(&h.mu);
  return ret;
}

int husk_unpin_namespace(const char *path, husk_error *err) {
  if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL && errno != ENOENT)
    return husk_fail(err, errno, "unpin namespace", "umount2", "%s", path);
  if (unlink(path) < 0 && errno != ENOENT) return husk_fail(err, errno, "remove namespace pin file", "unlink", "%s", path);
  return 0;
}

struct sysctl_job {
  const char *path;
  const char *value;
};

static int write_sysctl(void *p, husk_error *err) {
  struct sysctl_job *job = p;
  char full[PATH_MAX];
  if (snprintf(full, sizeof full, "/proc/sys/%s", job->path) >= (int)sizeof full)
    return husk_fail(err, ENAMETOOLONG, "write sysctl", NULL, "%s", job->path);
  cleanup_close int fd = open(full, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return husk_fail(err, errno, "open sysctl", "open", "%s", full);
  size_t len = strlen(job->value);
  ssize_t n = write(fd, job->value, len);
  if (n < 0) return husk_fail(err, errno, "write sysctl", "write", "%s = %s", full, job->value);
  if ((size_t)n != len) return husk_fail(err, EIO, "write sysctl", "write", "%s: short write", full);
  return 0;
}

int husk_write_sysctl_in_namespaces(const char *net, const char *ipc, const char *uts, const char *path, const char *value,
                                    husk_error *err) {
  const char *paths[3];
  int types[3];
  size_t n = 0;
  if (net) paths[n] = net, types[n++] = CLONE_NEWNET;
  if (ipc) paths[n] = ipc, types[n++] = CLONE_NEWIPC;
  if (uts) paths[n] = uts, types[n++] = CLONE_NEWUTS;
  struct sysctl_job job = {path, value};
  return husk_run_in_namespaces(paths, types, n, 0, write_sysctl, &job, err);
}

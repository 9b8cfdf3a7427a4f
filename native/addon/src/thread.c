#include "thread.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>

struct thread_job {
  const char *const *paths;
  const int *types;
  size_t n;
  int private_fs;
  husk_thread_fn fn;
  void *arg;
  husk_error err;
  int ret;
};

static int enter(struct thread_job *job) {
  int joins_mnt = 0;
  for (size_t i = 0; i < job->n; i++) joins_mnt |= job->types[i] == CLONE_NEWNS;
  /* setns into a mount namespace needs a private cwd/root (fs_struct). */
  if (job->private_fs || joins_mnt) {
    if (unshare(CLONE_FS) < 0) return husk_fail(&job->err, errno, "give the worker thread its own cwd", "unshare", "CLONE_FS");
  }
  for (size_t i = 0; i < job->n; i++) {
    cleanup_close int fd = open(job->paths[i], O_RDONLY | O_CLOEXEC);
    if (fd < 0) return husk_fail(&job->err, errno, "open namespace file", "open", "%s", job->paths[i]);
    if (setns(fd, job->types[i]) < 0) return husk_fail(&job->err, errno, "join namespace", "setns", "%s", job->paths[i]);
  }
  return 0;
}

static void *thread_main(void *p) {
  struct thread_job *job = p;
  job->ret = enter(job);
  if (job->ret == 0) job->ret = job->fn(job->arg, &job->err);
  return NULL;
}

int husk_run_in_namespaces(const char *const *paths, const int *types, size_t n, int private_fs, husk_thread_fn fn, void *arg,
                           husk_error *err) {
  struct thread_job job;
  memset(&job, 0, sizeof job);
  job.paths = paths;
  job.types = types;
  job.n = n;
  job.private_fs = private_fs;
  job.fn = fn;
  job.arg = arg;
  pthread_t tid;
  int rc = pthread_create(&tid, NULL, thread_main, &job);
  if (rc != 0) return husk_fail(err, rc, "start worker thread", "pthread_create", "%s", "");
  pthread_join(tid, NULL);
  if (job.ret < 0) *err = job.err;
  return job.ret;
}

int husk_run_in_thread(const char *ns_path, int nstype, int private_fs, husk_thread_fn fn, void *arg, husk_error *err) {
  const char *paths[1] = {ns_path};
  int types[1] = {nstype};
  return husk_run_in_namespaces(paths, types, ns_path ? 1 : 0, private_fs, fn, arg, err);
}

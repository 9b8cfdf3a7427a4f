/* The exit record (<stateDir>/exit.json, written atomically) and OOM-kill
 * detection from the memory cgroup's kill counter (v1 memory.oom_control,
 * v2 memory.events), read before start and after exit. */
#ifndef HUSK_MONITOR_EXITFILE_H
#define HUSK_MONITOR_EXITFILE_H

#include "error.h"

typedef struct {
  int version; /* 0: not watched */
  const char *dir;
  long long base;
} oom_watch;

void oom_watch_init(oom_watch *w, int version, const char *dir);
int oom_watch_fired(const oom_watch *w);

/* In the current directory (the monitor runs in the state dir). */
int exit_file_write(int wait_status, int oom_killed, mon_error *err);

/* Writes "<value>\n" to name atomically (rename, no fsync) in the current directory. */
int write_small_file(const char *name, const char *value, mon_error *err);

#endif

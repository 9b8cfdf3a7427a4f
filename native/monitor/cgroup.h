/* Putting a process into its container's cgroups (one directory per v1
 * hierarchy, or the one v2 directory). */
#ifndef HUSK_MONITOR_CGROUP_H
#define HUSK_MONITOR_CGROUP_H

#include <sys/types.h>

#include "error.h"

/* Moves process `pid` (all its threads) into every directory of `dirs`. */
int cgroup_join_pid(const char *const *dirs, pid_t pid, mon_error *err);

/* Moves the calling process, which must be single-threaded, into every
 * directory of `dirs`. Much cheaper than cgroup_join_pid on v1: see cgroup.c. */
int cgroup_join_self(const char *const *dirs, mon_error *err);

/* SIGKILLs every process left in the cgroup (dirs[0] lists them all: a
 * container process joins every directory), pass after pass until one
 * finds nobody new, at most max_rounds passes. For a container without a
 * pid namespace of its own, whose leftovers the kernel does not kill when
 * its process exits. Does not wait for them to be reaped. Returns how many
 * the last pass newly found (0: none escaped). */
int cgroup_kill_all(const char *const *dirs, int max_rounds);

#endif

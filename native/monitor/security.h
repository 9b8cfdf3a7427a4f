/* The process part: rlimits, oom_score_adj, user and groups, the five
 * capability sets, no_new_privs, seccomp, and finding the executable. */
#ifndef HUSK_MONITOR_SECURITY_H
#define HUSK_MONITOR_SECURITY_H

#include <stddef.h>

#include "error.h"
#include "kernel.h"
#include "spec.h"

int apply_rlimits(const process_spec *p, mon_error *err);
int apply_oom_score_adj(const process_spec *p, mon_error *err);
/* groups, gid, uid, then the capability sets (bounding dropped first). */
int apply_user_and_caps(const process_spec *p, int setgroups_allowed, mon_error *err);
int apply_no_new_privs(const process_spec *p, mon_error *err);

/* Reads the raw struct sock_filter program at path (host side, before pivot). */
int seccomp_read(const char *path, struct husk_sock_fprog *prog, mon_error *err);
int seccomp_load(struct husk_sock_fprog *prog, unsigned flags, mon_error *err);

/* Resolves args[0] through PATH from env (as execvp would). */
int find_executable(const char *name, const char *const *env, char *out, size_t outlen, mon_error *err);

#endif

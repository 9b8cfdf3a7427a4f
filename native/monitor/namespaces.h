/* Joining namespaces by path (setns) and making new ones (unshare). */
#ifndef HUSK_MONITOR_NAMESPACES_H
#define HUSK_MONITOR_NAMESPACES_H

#include "error.h"
#include "spec.h"

/* In the monitor, before forking the container: a pid namespace only
 * applies to children, so it is joined or made here. */
int ns_prepare_pid(const spec *s, mon_error *err);

/* In the container process: joins every namespace the spec gives a path
 * for (user first, mnt last), except pid. */
int ns_join_paths(const spec *s, mon_error *err);

/* Joins the namespaces of a running process that differ from ours, except
 * pid (done by the caller before forking). */
int ns_join_process(int pid, int *joined_user, mon_error *err);
int ns_join_process_pid(int pid, mon_error *err);

/* unshare() of the spec's new namespaces in `mask` (CLONE_NEW* bits). */
int ns_unshare(const spec *s, int mask, mon_error *err);

/* CLONE_NEW* bits of the namespaces the spec creates (no path). */
int ns_new_flags(const spec *s);

#endif

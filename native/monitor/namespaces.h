/* Joining namespaces by path (setns) and making new ones (unshare). */
#ifndef HUSK_MONITOR_NAMESPACES_H
#define HUSK_MONITOR_NAMESPACES_H

#include "error.h"
#include "spec.h"

/* In the monitor, before forking the container. A pid namespace only
 * applies to children, so a path is joined here. A new user namespace is
 * made by the clone itself, together with a new pid namespace (so the
 * user namespace owns it); the other namespaces given by path are joined
 * here first, while the monitor still has the host's rights over them.
 * Returns the CLONE_NEW* flags for clone(); *joined gets what was joined. */
int ns_prepare_clone(const spec *s, int *clone_flags, int *joined, mon_error *err);

/* Joins the namespaces in mask that the spec gives a path for (user first,
 * mnt last), never pid. */
int ns_join_paths(const spec *s, int mask, mon_error *err);

/* Joins the namespaces of a running process that differ from ours, except
 * pid (done by the caller before forking). */
int ns_join_process(int pid, int *joined_user, mon_error *err);
int ns_join_process_pid(int pid, mon_error *err);

/* unshare() of the spec's new namespaces in `mask` (CLONE_NEW* bits). */
int ns_unshare(const spec *s, int mask, mon_error *err);

/* CLONE_NEW* bits of the namespaces the spec creates (no path). */
int ns_new_flags(const spec *s);

/* Does the container get a user namespace of its own (made by the clone)? */
int ns_creates_user(const spec *s);

#endif

/* The container's root: overlay (or bind) at rootfs.path, the spec's mounts,
 * /dev nodes and links, pivot_root, masked and read-only paths, sysctls. */
#ifndef HUSK_MONITOR_ROOTFS_H
#define HUSK_MONITOR_ROOTFS_H

#include "error.h"
#include "spec.h"

/* Everything before pivot_root, in the new mount namespace. */
int rootfs_prepare(const spec *s, mon_error *err);
/* pivot_root into rootfs.path and detach the old root. */
int rootfs_pivot(const spec *s, mon_error *err);
/* After pivot_root: sysctls, masked and read-only paths, read-only root. */
int rootfs_finish(const spec *s, mon_error *err);
/* Bind-mounts the terminal at pts_path over /dev/console (after pivot). */
int rootfs_bind_console(const char *pts_path, mon_error *err);

#endif

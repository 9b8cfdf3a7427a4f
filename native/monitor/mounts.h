/* The spec's mounts, in OCI option vocabulary, made under the rootfs with
 * every destination resolved inside it (symlinks cannot lead out). */
#ifndef HUSK_MONITOR_MOUNTS_H
#define HUSK_MONITOR_MOUNTS_H

#include "error.h"
#include "spec.h"

typedef struct {
  unsigned long flags;       /* MS_* to set */
  unsigned long clear;       /* MS_* the options explicitly clear (rw, suid, ...) */
  unsigned long propagation; /* MS_PRIVATE/MS_SLAVE/MS_SHARED/MS_UNBINDABLE [| MS_REC] */
  int bind, recursive, recursive_ro;
  char data[1024]; /* options the kernel interprets per filesystem (mode=, size=...) */
} mount_opts;

int mount_opts_parse(const char *const *options, mount_opts *o, mon_error *err);

typedef enum { CREATE_NONE, CREATE_DIR, CREATE_FILE } create_kind;

/* An O_PATH fd for path inside the tree at rootfd, creating missing
 * directories (and the last component as `create` says). */
int open_in_root(int rootfd, const char *path, create_kind create, mon_error *err);

/* Makes one mount of the spec under the rootfs (rootfd). */
int mount_entry_apply(int rootfd, const mount_entry *m, mon_error *err);

/* MS_RDONLY etc. of the mount holding path, to keep across a bind remount. */
unsigned long mount_flags_of(const char *path);

/* "/proc/self/fd/N" for fd. */
void fd_path(int fd, char buf[static 32]);

#endif

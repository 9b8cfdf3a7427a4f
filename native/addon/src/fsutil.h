/* File-system calls Node does not offer: mknod, l*xattr, statfs with
 * flags, and mkdir with an exact mode (no umask). */
#ifndef HUSK_ADDON_FSUTIL_H
#define HUSK_ADDON_FSUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* kind: 'c' char device, 'b' block device, 'p' fifo. */
int husk_mknod(const char *path, char kind, mode_t perm, unsigned major, unsigned minor, husk_error *err);
int husk_mkdir_exact(const char *path, mode_t mode, husk_error *err);
int husk_lsetxattr(const char *path, const char *name, const void *value, size_t len, int flags, husk_error *err);
/* Returns the value's length (0 and *value NULL if absent: ENODATA), -1 on
 * error; *value is malloc'd. */
ssize_t husk_lgetxattr(const char *path, const char *name, void **value, husk_error *err);

typedef struct {
  int64_t type;
  int64_t bsize;
  uint64_t blocks;
  uint64_t bfree;
  uint64_t bavail;
  uint64_t files;
  uint64_t ffree;
  int64_t namelen;
  int64_t frsize;
  int64_t flags;
} husk_statfs_result;

int husk_statfs(const char *path, husk_statfs_result *out, husk_error *err);

#ifdef __cplusplus
}
#endif

#endif

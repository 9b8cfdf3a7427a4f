/* File-system calls Node does not offer: mknod, l*xattr, statfs with
 * flags, mkdir with an exact mode (no umask), a durable file replace and a
 * recursive remove, each in one call. */
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

/* Replaces dir/name so that a crash of the process at any point leaves the
 * old content or the new: temp file, rename. With `sync`, also fdatasync
 * before the rename and fsync of dir after: the new content then survives
 * power loss once this returns. One call, so one trip to a pool thread. */
int husk_write_file_atomic(const char *dir, const char *name, const void *data, size_t len, mode_t mode, int sync, husk_error *err);

/* fdatasync of each dir/name that still exists, then fsync of dir: makes
 * earlier unsynced writes, renames and unlinks in dir durable. */
int husk_sync_files(const char *dir, const char *const *names, size_t n, husk_error *err);

/* mkdir -p: missing parents get 0755, path itself `mode` (both less the
 * umask, as with mkdir(2)); an existing directory is fine. */
int husk_mkdir_all(const char *path, mode_t mode, husk_error *err);

/* rm -rf that neither follows symlinks nor descends into a mount point
 * (such a tree fails with EBUSY, its mounted content untouched). A missing
 * path is fine. */
int husk_remove_tree(const char *path, husk_error *err);

/* rmdir of a tree of empty directories (a cgroup and its children), leaf
 * first. Sets *busy and stops when one is in use (EBUSY, ENOTEMPTY); a
 * missing path is fine. */
int husk_rmdir_tree(const char *path, int *busy, husk_error *err);

#ifdef __cplusplus
}
#endif

#endif

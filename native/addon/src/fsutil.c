#include "fsutil.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

int husk_mknod(const char *path, char kind, mode_t perm, unsigned major, unsigned minor, husk_error *err) {
  mode_t type;
  switch (kind) {
  case 'c': type = S_IFCHR; break;
  case 'b': type = S_IFBLK; break;
  case 'p': type = S_IFIFO; break;
  default: return husk_fail(err, EINVAL, "make device node", NULL, "unknown node kind '%c' for %s", kind, path);
  }
  if (mknod(path, type | (perm & 07777), makedev(major, minor)) < 0)
    return husk_fail(err, errno, "make device node", "mknod", "%s", path);
  /* mknod honours the umask; the node must carry exactly perm. */
  if (chmod(path, perm & 07777) < 0) return husk_fail(err, errno, "set device node mode", "chmod", "%s", path);
  return 0;
}

int husk_mkdir_exact(const char *path, mode_t mode, husk_error *err) {
  if (mkdir(path, mode & 07777) < 0) return husk_fail(err, errno, "make directory", "mkdir", "%s", path);
  if (chmod(path, mode & 07777) < 0) return husk_fail(err, errno, "set directory mode", "chmod", "%s", path);
  return 0;
}

int husk_lsetxattr(const char *path, const char *name, const void *value, size_t len, int flags, husk_error *err) {
  if (lsetxattr(path, name, value, len, flags) < 0) return husk_fail(err, errno, "set extended attribute", "lsetxattr", "%s on %s", name, path);
  return 0;
}

ssize_t husk_lgetxattr(const char *path, const char *name, void **value, husk_error *err) {
  *value = NULL;
  for (;;) {
    ssize_t size = lgetxattr(path, name, NULL, 0);
    if (size < 0) {
      if (errno == ENODATA) return 0;
      return husk_fail(err, errno, "read extended attribute", "lgetxattr", "%s on %s", name, path);
    }
    char *buf = malloc(size ? (size_t)size : 1);
    if (buf == NULL) return husk_fail(err, ENOMEM, "read extended attribute", NULL, "%s on %s", name, path);
    ssize_t got = lgetxattr(path, name, buf, (size_t)size);
    if (got >= 0) {
      *value = buf;
      return got;
    }
    int saved = errno;
    free(buf);
    if (saved == ERANGE) continue; /* it grew between the two calls */
    if (saved == ENODATA) return 0;
    return husk_fail(err, saved, "read extended attribute", "lgetxattr", "%s on %s", name, path);
  }
}

int husk_statfs(const char *path, husk_statfs_result *out, husk_error *err) {
  struct statfs st;
  if (statfs(path, &st) < 0) return husk_fail(err, errno, "stat file system", "statfs", "%s", path);
  out->type = (int64_t)st.f_type;
  out->bsize = (int64_t)st.f_bsize;
  out->blocks = st.f_blocks;
  out->bfree = st.f_bfree;
  out->bavail = st.f_bavail;
  out->files = st.f_files;
  out->ffree = st.f_ffree;
  out->namelen = (int64_t)st.f_namelen;
  out->frsize = (int64_t)st.f_frsize;
  out->flags = (int64_t)st.f_flags;
  return 0;
}

#include "fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

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

static int write_all(int fd, const char *data, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, data, len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    data += n;
    len -= (size_t)n;
  }
  return 0;
}

int husk_write_file_atomic(const char *dir, const char *name, const void *data, size_t len, mode_t mode, int sync, husk_error *err) {
  unsigned char rnd[6];
  if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) return husk_fail(err, errno, "write file", "getrandom", "%s/%s", dir, name);
  char tmp[NAME_MAX + 1];
  if (snprintf(tmp, sizeof tmp, ".%s.%02x%02x%02x%02x%02x%02x.tmp", name, rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5]) >= (int)sizeof tmp)
    return husk_fail(err, ENAMETOOLONG, "write file", NULL, "%s/%s", dir, name);
  cleanup_close int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0) return husk_fail(err, errno, "write file", "open", "%s", dir);
  int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 07777);
  if (fd < 0) return husk_fail(err, errno, "write file", "open", "%s/%s", dir, tmp);
  const char *syscall = write_all(fd, data, len) < 0 ? "write" : sync && fdatasync(fd) < 0 ? "fdatasync" : NULL;
  int saved = errno;
  if (close(fd) < 0 && !syscall) {
    syscall = "close";
    saved = errno;
  }
  if (!syscall && renameat(dirfd, tmp, dirfd, name) < 0) {
    syscall = "rename";
    saved = errno;
  }
  if (syscall) {
    unlinkat(dirfd, tmp, 0);
    return husk_fail(err, saved, "write file", syscall, "%s/%s", dir, name);
  }
  if (sync && fsync(dirfd) < 0) return husk_fail(err, errno, "write file", "fsync", "%s", dir);
  return 0;
}

int husk_sync_files(const char *dir, const char *const *names, size_t n, husk_error *err) {
  cleanup_close int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0) return husk_fail(err, errno, "sync files", "open", "%s", dir);
  for (size_t i = 0; i < n; i++) {
    cleanup_close int fd = openat(dirfd, names[i], O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) continue; /* renamed or removed since: the dir sync covers that */
      return husk_fail(err, errno, "sync files", "open", "%s/%s", dir, names[i]);
    }
    if (fdatasync(fd) < 0) return husk_fail(err, errno, "sync files", "fdatasync", "%s/%s", dir, names[i]);
  }
  if (fsync(dirfd) < 0) return husk_fail(err, errno, "sync files", "fsync", "%s", dir);
  return 0;
}

/* Opens parent/name as a directory stream without following a symlink: 0
 * with *out NULL when it is gone, -1 (err set, naming `step`) on failure. */
static int open_dir_at(int parent, const char *name, const char *step, const char *root, DIR **out, husk_error *err) {
  *out = NULL;
  int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT ? 0 : husk_fail(err, errno, step, "open", "%s under %s", name, root);
  *out = fdopendir(fd);
  if (*out) return 0;
  close(fd);
  return husk_fail(err, errno, step, "fdopendir", "%s under %s", name, root);
}

/* parent/name is a directory: empties it, then removes it. */
static int remove_dir_at(int parent, const char *name, const char *root, husk_error *err) {
  struct statx stx;
  if (statx(parent, name, AT_SYMLINK_NOFOLLOW, STATX_TYPE, &stx) < 0) {
    if (errno == ENOENT) return 0;
    return husk_fail(err, errno, "remove tree", "statx", "%s under %s", name, root);
  }
  if ((stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) && (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
    return husk_fail(err, EBUSY, "remove tree", NULL, "%s under %s is a mount point", name, root);
  DIR *dir;
  if (open_dir_at(parent, name, "remove tree", root, &dir, err) < 0) return -1;
  if (!dir) return 0;
  int fd = dirfd(dir);
  int rc = 0;
  for (struct dirent *e; rc == 0 && (errno = 0, e = readdir(dir)) != NULL;) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    if (unlinkat(fd, e->d_name, 0) == 0 || errno == ENOENT) continue;
    if (errno != EISDIR) rc = husk_fail(err, errno, "remove tree", "unlink", "%s/%s under %s", name, e->d_name, root);
    else rc = remove_dir_at(fd, e->d_name, root, err);
  }
  if (rc == 0 && errno != 0) rc = husk_fail(err, errno, "remove tree", "readdir", "%s under %s", name, root);
  closedir(dir);
  if (rc == 0 && unlinkat(parent, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
    rc = husk_fail(err, errno, "remove tree", "rmdir", "%s under %s", name, root);
  return rc;
}

int husk_remove_tree(const char *path, husk_error *err) {
  if (unlink(path) == 0 || errno == ENOENT) return 0;
  if (errno != EISDIR) return husk_fail(err, errno, "remove tree", "unlink", "%s", path);
  return remove_dir_at(AT_FDCWD, path, path, err);
}

static int is_dir_entry(int dirfd, const struct dirent *e) {
  if (e->d_type != DT_UNKNOWN) return e->d_type == DT_DIR;
  struct stat st;
  return fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

static int rmdir_tree_at(int parent, const char *name, const char *root, int *busy, husk_error *err) {
  DIR *dir;
  if (open_dir_at(parent, name, "remove directory tree", root, &dir, err) < 0) return -1;
  if (!dir) return 0;
  int fd = dirfd(dir);
  int rc = 0;
  for (struct dirent *e; rc == 0 && !*busy && (e = readdir(dir)) != NULL;) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 || !is_dir_entry(fd, e)) continue;
    rc = rmdir_tree_at(fd, e->d_name, root, busy, err);
  }
  closedir(dir);
  if (rc < 0 || *busy) return rc;
  if (unlinkat(parent, name, AT_REMOVEDIR) == 0 || errno == ENOENT) return 0;
  if (errno == EBUSY || errno == ENOTEMPTY) {
    *busy = 1;
    return 0;
  }
  return husk_fail(err, errno, "remove directory tree", "rmdir", "%s under %s", name, root);
}

int husk_rmdir_tree(const char *path, int *busy, husk_error *err) {
  *busy = 0;
  return rmdir_tree_at(AT_FDCWD, path, path, busy, err);
}

int husk_mkdir_all(const char *path, mode_t mode, husk_error *err) {
  if (mkdir(path, mode & 07777) == 0) return 0;
  if (errno == EEXIST) {
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return 0;
    return husk_fail(err, ENOTDIR, "make directory", "mkdir", "%s exists and is not a directory", path);
  }
  if (errno != ENOENT) return husk_fail(err, errno, "make directory", "mkdir", "%s", path);
  char parent[PATH_MAX];
  size_t len = strlen(path);
  if (len >= sizeof parent) return husk_fail(err, ENAMETOOLONG, "make directory", NULL, "%s", path);
  memcpy(parent, path, len + 1);
  char *slash = strrchr(parent, '/');
  while (slash && slash > parent && slash[1] == '\0') { /* trailing slashes */
    *slash = '\0';
    slash = strrchr(parent, '/');
  }
  if (!slash || slash == parent) return husk_fail(err, ENOENT, "make directory", "mkdir", "%s", path);
  *slash = '\0';
  if (husk_mkdir_all(parent, 0755, err) < 0) return -1;
  if (mkdir(path, mode & 07777) == 0 || errno == EEXIST) return 0;
  return husk_fail(err, errno, "make directory", "mkdir", "%s", path);
}

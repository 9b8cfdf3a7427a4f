#include "entry.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "safe-path.h"

#define OPAQUE_MARKER ".wh..wh..opq"
#define WHITEOUT_PREFIX ".wh."
#define AUFS_META_PREFIX ".wh..wh."
#define OVERLAY_XATTR_PREFIX "trusted.overlay."

static void entry_times(struct archive_entry *e, struct timespec times[2]) {
  times[1].tv_sec = archive_entry_mtime(e);
  times[1].tv_nsec = archive_entry_mtime_nsec(e);
  if (archive_entry_atime_is_set(e)) {
    times[0].tv_sec = archive_entry_atime(e);
    times[0].tv_nsec = archive_entry_atime_nsec(e);
  } else {
    times[0] = times[1];
  }
}

/* Removes what an entry is about to replace. Returns 1 when `keep_dir` and a
 * directory is already there (a directory entry then only updates it). */
static int remove_existing(int dirfd, const char *name, int keep_dir, const char *entry, unpack_error *err) {
  struct stat st;
  if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
    if (errno == ENOENT) return 0;
    return set_error(err, ERR_SYSTEM, errno, entry, "stat of existing \"%s\"", name);
  }
  if (S_ISDIR(st.st_mode)) {
    if (keep_dir) return 1;
    if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0)
      return set_error(err, ERR_SYSTEM, errno, entry, "replacing directory \"%s\"", name);
    return 0;
  }
  if (unlinkat(dirfd, name, 0) < 0) return set_error(err, ERR_SYSTEM, errno, entry, "replacing \"%s\"", name);
  return 0;
}

static int xattr_error_is_ignorable(int errnum, int is_link) {
  /* ENOTSUP: the filesystem has no such namespace; EPERM: user.* on a symlink */
  return errnum == ENOTSUP || (is_link && errnum == EPERM);
}

/* Sets the entry's xattrs on fd, or (fd < 0) on `name` in dirfd without
 * following it. trusted.overlay.* from a layer is dropped: it could forge
 * whiteouts or redirects that only the unpacker may make. */
static int set_xattrs(int fd, int dirfd, const char *name, int is_link, struct archive_entry *e, const char *entry,
                      unpack_error *err) {
  const char *key;
  const void *value;
  size_t size;
  if (archive_entry_xattr_reset(e) == 0) return 0;
  if (fd < 0 && fchdir(dirfd) < 0) return set_error(err, ERR_SYSTEM, errno, entry, "fchdir for xattrs");
  while (archive_entry_xattr_next(e, &key, &value, &size) == ARCHIVE_OK) {
    if (strncmp(key, OVERLAY_XATTR_PREFIX, strlen(OVERLAY_XATTR_PREFIX)) == 0) continue;
    int r = fd >= 0 ? fsetxattr(fd, key, value, size, 0) : lsetxattr(name, key, value, size, 0);
    if (r < 0 && !xattr_error_is_ignorable(errno, is_link))
      return set_error(err, ERR_SYSTEM, errno, entry, "setting xattr %s", key);
  }
  return 0;
}

/* Owner before mode: chown clears setuid/setgid bits. */
static int set_owner_mode_fd(int fd, struct archive_entry *e, const char *entry, unpack_error *err) {
  if (fchown(fd, (uid_t)archive_entry_uid(e), (gid_t)archive_entry_gid(e)) < 0)
    return set_error(err, ERR_SYSTEM, errno, entry, "chown");
  if (fchmod(fd, archive_entry_perm(e)) < 0) return set_error(err, ERR_SYSTEM, errno, entry, "chmod");
  return 0;
}

static int defer_dir_times(unpacker *u, const char *path, struct archive_entry *e, const char *entry, unpack_error *err) {
  if (u->n_dir_times == u->cap_dir_times) {
    size_t cap = u->cap_dir_times ? u->cap_dir_times * 2 : 64;
    dir_time *grown = realloc(u->dir_times, cap * sizeof *grown);
    if (!grown) return set_error(err, ERR_SYSTEM, ENOMEM, entry, "recording directory times");
    u->dir_times = grown;
    u->cap_dir_times = cap;
  }
  dir_time *d = &u->dir_times[u->n_dir_times];
  d->path = strdup(path);
  if (!d->path) return set_error(err, ERR_SYSTEM, ENOMEM, entry, "recording directory times");
  entry_times(e, d->times);
  u->n_dir_times++;
  return 0;
}

static int make_dir(unpacker *u, int dirfd, const clean_name *n, struct archive_entry *e, const char *entry,
                    unpack_error *err) {
  cleanup_close int fd = -1;
  if (n->base[0] == '\0') {
    fd = dup(u->rootfd);
    if (fd < 0) return set_error(err, ERR_SYSTEM, errno, entry, "dup of the layer root");
  } else {
    int exists = remove_existing(dirfd, n->base, 1, entry, err);
    if (exists < 0) return -1;
    if (!exists && mkdirat(dirfd, n->base, 0700) < 0) return set_error(err, ERR_SYSTEM, errno, entry, "mkdir");
    fd = openat(dirfd, n->base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return set_error(err, ERR_SYSTEM, errno, entry, "opening the new directory");
  }
  if (set_owner_mode_fd(fd, e, entry, err) < 0) return -1;
  if (set_xattrs(fd, -1, NULL, 0, e, entry, err) < 0) return -1;
  return defer_dir_times(u, n->path, e, entry, err);
}

static int write_all_at(int fd, const char *buf, size_t size, off_t offset) {
  while (size > 0) {
    ssize_t w = pwrite(fd, buf, size, offset);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    buf += w;
    size -= (size_t)w;
    offset += w;
  }
  return 0;
}

static int make_file(unpacker *u, int dirfd, const char *name, struct archive_entry *e, const char *entry,
                     unpack_error *err) {
  const void *buf;
  size_t size;
  la_int64_t offset;
  int r;
  struct timespec times[2];
  if (remove_existing(dirfd, name, 0, entry, err) < 0) return -1;
  /* O_EXCL | O_NOFOLLOW: never write through whatever was at this name */
  cleanup_close int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return set_error(err, ERR_SYSTEM, errno, entry, "creating file");
  while ((r = archive_read_data_block(u->tar, &buf, &size, &offset)) == ARCHIVE_OK) {
    if (write_all_at(fd, buf, size, (off_t)offset) < 0) return set_error(err, ERR_SYSTEM, errno, entry, "writing file data");
  }
  if (r != ARCHIVE_EOF)
    return set_error(err, ERR_INVALID, 0, entry, "reading file data: %s", archive_error_string(u->tar));
  /* sparse files can end in a hole */
  if (archive_entry_size_is_set(e) && ftruncate(fd, archive_entry_size(e)) < 0)
    return set_error(err, ERR_SYSTEM, errno, entry, "setting file size");
  if (set_owner_mode_fd(fd, e, entry, err) < 0) return -1;
  if (set_xattrs(fd, -1, NULL, 0, e, entry, err) < 0) return -1;
  entry_times(e, times);
  if (futimens(fd, times) < 0) return set_error(err, ERR_SYSTEM, errno, entry, "setting times");
  return 0;
}

/* Owner, xattrs and times of something that must not be opened (a symlink, a
 * device node, a fifo), by name in dirfd without following it. */
static int finish_node_at(int dirfd, const char *name, int is_link, struct archive_entry *e, const char *entry,
                          unpack_error *err) {
  struct timespec times[2];
  if (fchownat(dirfd, name, (uid_t)archive_entry_uid(e), (gid_t)archive_entry_gid(e), AT_SYMLINK_NOFOLLOW) < 0)
    return set_error(err, ERR_SYSTEM, errno, entry, "chown");
  if (!is_link && fchmodat(dirfd, name, archive_entry_perm(e), 0) < 0)
    return set_error(err, ERR_SYSTEM, errno, entry, "chmod");
  if (set_xattrs(-1, dirfd, name, is_link, e, entry, err) < 0) return -1;
  entry_times(e, times);
  if (utimensat(dirfd, name, times, AT_SYMLINK_NOFOLLOW) < 0) return set_error(err, ERR_SYSTEM, errno, entry, "setting times");
  return 0;
}

static int make_symlink(int dirfd, const char *name, struct archive_entry *e, const char *entry, unpack_error *err) {
  const char *target = archive_entry_symlink(e);
  if (!target) target = archive_entry_symlink_utf8(e);
  if (!target || !*target) return set_error(err, ERR_INVALID, 0, entry, "symlink without a target");
  if (remove_existing(dirfd, name, 0, entry, err) < 0) return -1;
  /* The link itself may point anywhere: it is never followed while unpacking. */
  if (symlinkat(target, dirfd, name) < 0) return set_error(err, ERR_SYSTEM, errno, entry, "creating symlink");
  return finish_node_at(dirfd, name, 1, e, entry, err);
}

static int make_node(int dirfd, const char *name, struct archive_entry *e, const char *entry, unpack_error *err) {
  mode_t type = archive_entry_filetype(e);
  dev_t dev = type == AE_IFIFO ? 0 : makedev(archive_entry_rdevmajor(e), archive_entry_rdevminor(e));
  if (remove_existing(dirfd, name, 0, entry, err) < 0) return -1;
  if (mknodat(dirfd, name, type | archive_entry_perm(e), dev) < 0)
    return set_error(err, ERR_SYSTEM, errno, entry, "creating %s", type == AE_IFIFO ? "fifo" : "device node");
  return finish_node_at(dirfd, name, 0, e, entry, err);
}

static int make_hardlink(unpacker *u, int dirfd, const clean_name *n, const char *raw_target, const char *entry,
                         unpack_error *err) {
  clean_name t;
  struct stat st;
  if (clean_entry_name(raw_target, entry, &t, err) < 0) {
    snprintf(err->message, sizeof err->message, "hardlink target \"%s\" is outside the layer directory", raw_target);
    return -1;
  }
  int r = -1;
  cleanup_close int tdirfd = -1;
  if (t.base[0] == '\0') {
    set_error(err, ERR_INVALID, 0, entry, "hardlink to the layer root");
    goto out;
  }
  if (strcmp(t.path, n->path) == 0) { /* a link to itself: nothing to do */
    r = 0;
    goto out;
  }
  tdirfd = open_dir_beneath(u->rootfd, t.parent, false, entry, err);
  if (tdirfd < 0) {
    if (err->kind == ERR_ESCAPE)
      snprintf(err->message, sizeof err->message, "hardlink target \"%s\" is outside the layer directory", raw_target);
    else if (err->errnum == ENOENT)
      set_error(err, ERR_INVALID, 0, entry, "hardlink target \"%s\" does not exist in the layer", raw_target);
    goto out;
  }
  if (fstatat(tdirfd, t.base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
    if (errno == ENOENT) set_error(err, ERR_INVALID, 0, entry, "hardlink target \"%s\" does not exist in the layer", raw_target);
    else set_error(err, ERR_SYSTEM, errno, entry, "stat of hardlink target \"%s\"", raw_target);
    goto out;
  }
  if (remove_existing(dirfd, n->base, 0, entry, err) < 0) goto out;
  /* flags 0: a symlink target is linked itself, never followed */
  if (linkat(tdirfd, t.base, dirfd, n->base, 0) < 0) {
    set_error(err, ERR_SYSTEM, errno, entry, "linking to \"%s\"", raw_target);
    goto out;
  }
  r = 0;
out:
  clean_name_free(&t);
  return r;
}

static int make_whiteout(unpacker *u, const clean_name *n, struct archive_entry *e, const char *entry, unpack_error *err) {
  cleanup_close int dirfd = open_dir_beneath(u->rootfd, n->parent, true, entry, err);
  if (dirfd < 0) return -1;
  if (strcmp(n->base, OPAQUE_MARKER) == 0) {
    if (fsetxattr(dirfd, "trusted.overlay.opaque", "y", 1, 0) < 0)
      return set_error(err, ERR_SYSTEM, errno, entry, "marking the directory opaque");
    return 0;
  }
  if (strncmp(n->base, AUFS_META_PREFIX, strlen(AUFS_META_PREFIX)) == 0) return 0; /* aufs bookkeeping */
  const char *name = n->base + strlen(WHITEOUT_PREFIX);
  if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
    return set_error(err, ERR_INVALID, 0, entry, "whiteout without a valid name");
  if (remove_existing(dirfd, name, 0, entry, err) < 0) return -1;
  /* overlayfs whiteout: a 0:0 character device */
  if (mknodat(dirfd, name, S_IFCHR | 0, makedev(0, 0)) < 0) return set_error(err, ERR_SYSTEM, errno, entry, "creating whiteout");
  if (fchownat(dirfd, name, (uid_t)archive_entry_uid(e), (gid_t)archive_entry_gid(e), AT_SYMLINK_NOFOLLOW) < 0)
    return set_error(err, ERR_SYSTEM, errno, entry, "chown of whiteout");
  return 0;
}

static int write_entry(unpacker *u, const clean_name *n, struct archive_entry *e, const char *entry, unpack_error *err) {
  if (strncmp(n->base, WHITEOUT_PREFIX, strlen(WHITEOUT_PREFIX)) == 0) return make_whiteout(u, n, e, entry, err);

  mode_t type = archive_entry_filetype(e);
  const char *hardlink = archive_entry_hardlink(e);
  if (!hardlink) hardlink = archive_entry_hardlink_utf8(e);
  if (n->base[0] == '\0' && (type != AE_IFDIR || hardlink))
    return set_error(err, ERR_INVALID, 0, entry, "only a directory entry may name the layer root");

  cleanup_close int dirfd = open_dir_beneath(u->rootfd, n->parent, true, entry, err);
  if (dirfd < 0) return -1;
  if (hardlink) return make_hardlink(u, dirfd, n, hardlink, entry, err);
  switch (type) {
  case AE_IFDIR: return make_dir(u, dirfd, n, e, entry, err);
  case AE_IFREG: return make_file(u, dirfd, n->base, e, entry, err);
  case AE_IFLNK: return make_symlink(dirfd, n->base, e, entry, err);
  case AE_IFCHR:
  case AE_IFBLK:
  case AE_IFIFO: return make_node(dirfd, n->base, e, entry, err);
  default: return set_error(err, ERR_INVALID, 0, entry, "unsupported entry type 0%o", (unsigned)type);
  }
}

int unpack_entry(unpacker *u, struct archive_entry *e, unpack_error *err) {
  const char *raw = archive_entry_pathname(e);
  if (!raw) raw = archive_entry_pathname_utf8(e);
  if (!raw || !*raw) return set_error(err, ERR_INVALID, 0, NULL, "tar entry without a name");
  clean_name n;
  if (clean_entry_name(raw, raw, &n, err) < 0) return -1;
  int r = write_entry(u, &n, e, raw, err);
  clean_name_free(&n);
  u->entries++;
  return r;
}

int unpacker_finish(unpacker *u, unpack_error *err) {
  for (size_t i = 0; i < u->n_dir_times; i++) {
    const dir_time *d = &u->dir_times[i];
    cleanup_close int fd = open_dir_beneath(u->rootfd, d->path, false, d->path, err);
    /* a later entry may have replaced the directory; its times are its own */
    if (fd < 0) continue;
    if (futimens(fd, d->times) < 0) return set_error(err, ERR_SYSTEM, errno, d->path, "setting directory times");
  }
  return 0;
}

void unpacker_free(unpacker *u) {
  for (size_t i = 0; i < u->n_dir_times; i++) free(u->dir_times[i].path);
  free(u->dir_times);
  u->dir_times = NULL;
  u->n_dir_times = u->cap_dir_times = 0;
}

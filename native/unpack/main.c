/* husk-unpack: unpacks one OCI/Docker image layer (gzip, zstd or plain tar)
 * into an empty directory, safely, and prints one JSON line:
 *   {"diffId":"sha256:...","size":N,"entries":N}   (exit 0)
 *   {"error":{"kind":"escape|invalid|system|usage","entry":"...","message":"...","errno":N}}   (exit 1)
 * Usage: husk-unpack [--compression auto|gzip|zstd|none] [--input FILE] [--no-chroot] [--sync] DEST
 * The layer is read from stdin unless --input is given. --sync flushes the
 * filesystem before reporting success. On failure the caller removes DEST. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "entry.h"
#include "error.h"
#include "json.h"
#include "tar-stream.h"

typedef struct {
  compression compression;
  const char *input;
  const char *dest;
  int chroot;
  int sync;
} options;

static int parse_options(int argc, char **argv, options *o, unpack_error *err) {
  static const struct option longopts[] = {
      {"compression", required_argument, NULL, 'c'},
      {"input", required_argument, NULL, 'i'},
      {"no-chroot", no_argument, NULL, 'n'},
      {"sync", no_argument, NULL, 's'},
      {NULL, 0, NULL, 0},
  };
  int c;
  o->compression = COMPRESSION_AUTO;
  o->input = NULL;
  o->chroot = 1;
  o->sync = 0;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
    switch (c) {
    case 'c':
      if (parse_compression(optarg, &o->compression) < 0)
        return set_error(err, ERR_USAGE, 0, NULL, "unknown compression \"%s\" (auto, gzip, zstd, none)", optarg);
      break;
    case 'i': o->input = optarg; break;
    case 'n': o->chroot = 0; break;
    case 's': o->sync = 1; break;
    default:
      return set_error(err, ERR_USAGE, 0, NULL,
                       "usage: husk-unpack [--compression auto|gzip|zstd|none] [--input FILE] [--no-chroot] [--sync] DEST");
    }
  }
  if (optind != argc - 1)
    return set_error(err, ERR_USAGE, 0, NULL,
                     "usage: husk-unpack [--compression auto|gzip|zstd|none] [--input FILE] [--no-chroot] [--sync] DEST");
  o->dest = argv[optind];
  return 0;
}

static int open_empty_dir(const char *path, unpack_error *err) {
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return set_error(err, ERR_SYSTEM, errno, NULL, "opening destination %s", path);
  int scan = dup(fd);
  DIR *d = scan >= 0 ? fdopendir(scan) : NULL;
  if (!d) {
    int saved = errno;
    if (scan >= 0) close(scan);
    close(fd);
    return set_error(err, ERR_SYSTEM, saved, NULL, "reading destination %s", path);
  }
  struct dirent *de;
  int empty = 1;
  while ((de = readdir(d)) != NULL) {
    if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
      empty = 0;
      break;
    }
  }
  closedir(d);
  if (!empty) {
    close(fd);
    return set_error(err, ERR_USAGE, 0, NULL, "destination %s is not empty", path);
  }
  return fd;
}

/* Defence in depth: with the layer dir as the root, even a path bug could
 * only land inside it. Needs CAP_SYS_CHROOT; without it openat2 still holds. */
static int confine(int rootfd, unpack_error *err) {
  if (fchdir(rootfd) < 0) return set_error(err, ERR_SYSTEM, errno, NULL, "fchdir to the layer directory");
  if (chroot(".") < 0 && errno != EPERM) return set_error(err, ERR_SYSTEM, errno, NULL, "chroot to the layer directory");
  return 0;
}

static int run(const options *o, unpack_error *err) {
  static layer_stream stream; /* big buffer: keep it off the stack */
  unpacker u = {.rootfd = -1};
  struct archive_entry *e;
  char diff_id[80];
  cleanup_close int infd = 0;
  int r = -1;

  if (o->input) {
    infd = open(o->input, O_RDONLY | O_CLOEXEC);
    if (infd < 0) return set_error(err, ERR_SYSTEM, errno, NULL, "opening %s", o->input);
  }
  u.rootfd = open_empty_dir(o->dest, err);
  if (u.rootfd < 0) return -1;
  /* everything that may load files (libarchive filters, OpenSSL) is set up before the chroot */
  if (layer_stream_open(&stream, infd, o->compression, err) < 0) goto out;
  u.tar = stream.inner;
  if (o->chroot && geteuid() == 0 && confine(u.rootfd, err) < 0) goto out;

  for (;;) {
    int h = archive_read_next_header(stream.inner, &e);
    if (h == ARCHIVE_EOF) break;
    if (h < ARCHIVE_WARN) {
      set_error(err, ERR_INVALID, archive_errno(stream.inner) > 0 ? archive_errno(stream.inner) : 0, NULL,
                "reading the tar stream after %llu entries: %s", (unsigned long long)u.entries,
                archive_error_string(stream.inner));
      goto out;
    }
    if (unpack_entry(&u, e, err) < 0) goto out;
  }
  if (unpacker_finish(&u, err) < 0) goto out;
  if (layer_stream_finish(&stream, diff_id, err) < 0) goto out;
  if (o->sync && syncfs(u.rootfd) < 0) {
    set_error(err, ERR_SYSTEM, errno, NULL, "syncfs");
    goto out;
  }
  print_result(stdout, diff_id, stream.size, u.entries);
  r = 0;
out:
  layer_stream_close(&stream);
  unpacker_free(&u);
  close(u.rootfd);
  return r;
}

int main(int argc, char **argv) {
  options o;
  unpack_error err = {0};
  /* names stay UTF-8 bytes, with no conversion (and no iconv modules to load) */
  setlocale(LC_ALL, "C.UTF-8");
  umask(0);
  if (parse_options(argc, argv, &o, &err) < 0) {
    print_error(stdout, &err);
    return 2;
  }
  if (run(&o, &err) < 0) {
    print_error(stdout, &err);
    return 1;
  }
  return 0;
}

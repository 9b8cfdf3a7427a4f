/* Writes tar entries into the layer directory: files, directories, links,
 * device nodes and fifos with their owner, mode, xattrs and times, and OCI
 * whiteouts as overlay whiteouts. */
#ifndef HUSK_UNPACK_ENTRY_H
#define HUSK_UNPACK_ENTRY_H

#include <archive.h>
#include <archive_entry.h>
#include <stdint.h>
#include <time.h>

#include "error.h"

typedef struct {
  char *path;
  struct timespec times[2];
} dir_time;

typedef struct {
  int rootfd;
  struct archive *tar;
  /* Directory times are set last: writing children would change them. */
  dir_time *dir_times;
  size_t n_dir_times, cap_dir_times;
  uint64_t entries;
} unpacker;

int unpack_entry(unpacker *u, struct archive_entry *e, unpack_error *err);

/* Sets the deferred directory times. */
int unpacker_finish(unpacker *u, unpack_error *err);

void unpacker_free(unpacker *u);

#endif

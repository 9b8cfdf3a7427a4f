/* Errors carry the errno, the tar entry being written and what went wrong,
 * crun style: functions return int (-1 on failure) and fill an unpack_error. */
#ifndef HUSK_UNPACK_ERROR_H
#define HUSK_UNPACK_ERROR_H

#include "husk-cleanup.h"

#include <stdlib.h>
#include <unistd.h>

typedef enum {
  ERR_SYSTEM,  /* an I/O or syscall failure */
  ERR_ESCAPE,  /* an entry tried to leave the layer directory */
  ERR_INVALID, /* the layer is malformed or of an unsupported kind */
  ERR_USAGE,   /* bad command line */
} unpack_error_kind;

typedef struct {
  unpack_error_kind kind;
  int errnum; /* 0 when no errno applies */
  char entry[4096];
  char message[1024];
} unpack_error;

/* Fills err (message printf-style, with strerror(errnum) appended when
 * errnum != 0) and returns -1. entry may be NULL. */
int set_error(unpack_error *err, unpack_error_kind kind, int errnum, const char *entry, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif

#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int set_error(unpack_error *err, unpack_error_kind kind, int errnum, const char *entry, const char *fmt, ...) {
  va_list ap;
  err->kind = kind;
  err->errnum = errnum;
  snprintf(err->entry, sizeof err->entry, "%s", entry ? entry : "");
  va_start(ap, fmt);
  int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  if (errnum != 0 && n >= 0 && (size_t)n < sizeof err->message)
    snprintf(err->message + n, sizeof err->message - n, ": %s", strerror(errnum));
  return -1;
}

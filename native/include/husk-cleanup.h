/* Scope-bound cleanup shared by every native part (crun style):
 *   cleanup_close int fd = open(...);   closed when fd goes out of scope
 *   cleanup_free char *buf = malloc(...);   freed likewise */
#ifndef HUSK_CLEANUP_H
#define HUSK_CLEANUP_H

#include <stdlib.h>
#include <unistd.h>

static inline void husk_close_fdp(int *fd) {
  if (*fd >= 0) close(*fd);
}
static inline void husk_free_ptrp(void *p) { free(*(void **)p); }

#define cleanup_close __attribute__((cleanup(husk_close_fdp)))
#define cleanup_free __attribute__((cleanup(husk_free_ptrp)))

#endif

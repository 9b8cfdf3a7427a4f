/* A pty made inside the container (its own devpts), so the terminal the
 * process sees belongs to the container. */
#ifndef HUSK_MONITOR_TERMINAL_H
#define HUSK_MONITOR_TERMINAL_H

#include "error.h"

typedef struct {
  int master, slave;
  char slave_path[64];
} pty_pair;

int pty_open(unsigned short rows, unsigned short cols, pty_pair *pty, mon_error *err);
/* setsid, make the slave the controlling terminal, and put it on 0, 1, 2. */
int pty_become_stdio(int slave, mon_error *err);
int pty_resize(int master, unsigned short rows, unsigned short cols);

#endif

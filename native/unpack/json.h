/* The one JSON line husk-unpack prints on stdout. */
#ifndef HUSK_UNPACK_JSON_H
#define HUSK_UNPACK_JSON_H

#include <stdint.h>
#include <stdio.h>

#include "error.h"

void print_result(FILE *out, const char *diff_id, uint64_t size, uint64_t entries);
void print_error(FILE *out, const unpack_error *err);

#endif

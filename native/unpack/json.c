#include "json.h"

#include <inttypes.h>

static void json_string(FILE *out, const char *s) {
  fputc('"', out);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
    case '"': fputs("\\\"", out); break;
    case '\\': fputs("\\\\", out); break;
    case '\n': fputs("\\n", out); break;
    case '\t': fputs("\\t", out); break;
    default:
      if (*p < 0x20 || *p == 0x7f)
        fprintf(out, "\\u%04x", *p);
      else
        fputc(*p, out); /* UTF-8 passes through; the reader decodes it */
    }
  }
  fputc('"', out);
}

void print_result(FILE *out, const char *diff_id, uint64_t size, uint64_t entries) {
  fprintf(out, "{\"diffId\":\"%s\",\"size\":%" PRIu64 ",\"entries\":%" PRIu64 "}\n", diff_id, size, entries);
  fflush(out);
}

static const char *kind_name(unpack_error_kind kind) {
  switch (kind) {
  case ERR_ESCAPE: return "escape";
  case ERR_INVALID: return "invalid";
  case ERR_USAGE: return "usage";
  case ERR_SYSTEM: break;
  }
  return "system";
}

void print_error(FILE *out, const unpack_error *err) {
  fputs("{\"error\":{\"kind\":", out);
  json_string(out, kind_name(err->kind));
  fputs(",\"entry\":", out);
  json_string(out, err->entry);
  fputs(",\"message\":", out);
  json_string(out, err->message);
  fprintf(out, ",\"errno\":%d}}\n", err->errnum);
  fflush(out);
}

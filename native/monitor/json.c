#include "json.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_VALUES 128
#define MAX_DEPTH 64

struct json_block {
  struct json_block *next;
  size_t used;
  json_value values[BLOCK_VALUES];
};

typedef struct {
  char *p;
  json_doc *doc;
  mon_error *err;
  int depth;
} parser;

static json_value *new_value(parser *ps, json_type type) {
  json_block *b = ps->doc->blocks;
  if (b == NULL || b->used == BLOCK_VALUES) {
    b = calloc(1, sizeof *b);
    if (b == NULL) {
      mon_error_set(ps->err, ENOMEM, "parse spec", "out of memory");
      return NULL;
    }
    b->next = ps->doc->blocks;
    ps->doc->blocks = b;
  }
  json_value *v = &b->values[b->used++];
  v->type = type;
  return v;
}

static int fail(parser *ps, const char *what) {
  return mon_error_set(ps->err, EINVAL, "parse spec", "invalid JSON near \"%.16s\": %s", ps->p, what);
}

static void skip_ws(parser *ps) {
  while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r') ps->p++;
}

static int hex4(const char *s, unsigned *out) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = s[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else return -1;
  }
  *out = v;
  return 0;
}

static char *put_utf8(char *o, unsigned cp) {
  if (cp < 0x80) {
    *o++ = (char)cp;
  } else if (cp < 0x800) {
    *o++ = (char)(0xC0 | (cp >> 6));
    *o++ = (char)(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *o++ = (char)(0xE0 | (cp >> 12));
    *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
    *o++ = (char)(0x80 | (cp & 0x3F));
  } else {
    *o++ = (char)(0xF0 | (cp >> 18));
    *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
    *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
    *o++ = (char)(0x80 | (cp & 0x3F));
  }
  return o;
}

/* ps->p is at the opening quote; the unescaped string is written over the
 * input from the first character on (it is never longer). */
static int parse_string(parser *ps, const char **out) {
  char *in = ++ps->p;
  char *o = in;
  *out = o;
  for (;;) {
    unsigned char c = (unsigned char)*in;
    if (c == '"') break;
    if (c == '\0') return fail(ps, "unterminated string");
    if (c < 0x20) return fail(ps, "control character in string");
    if (c != '\\') {
      *o++ = (char)c;
      in++;
      continue;
    }
    in++;
    switch (*in) {
    case '"': *o++ = '"'; break;
    case '\\': *o++ = '\\'; break;
    case '/': *o++ = '/'; break;
    case 'b': *o++ = '\b'; break;
    case 'f': *o++ = '\f'; break;
    case 'n': *o++ = '\n'; break;
    case 'r': *o++ = '\r'; break;
    case 't': *o++ = '\t'; break;
    case 'u': {
      unsigned cp;
      if (hex4(in + 1, &cp) < 0) return fail(ps, "bad \\u escape");
      in += 4;
      if (cp >= 0xD800 && cp < 0xDC00) {
        unsigned lo;
        if (in[1] != '\\' || in[2] != 'u' || hex4(in + 3, &lo) < 0 || lo < 0xDC00 || lo > 0xDFFF)
          return fail(ps, "unpaired surrogate");
        in += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
      }
      if (cp == 0) return fail(ps, "NUL in string");
      o = put_utf8(o, cp);
      break;
    }
    default:
      return fail(ps, "bad escape");
    }
    in++;
  }
  ps->p = in + 1;
  *o = '\0';
  return 0;
}

static int parse_value(parser *ps, json_value **out);

static int parse_number(parser *ps, json_value *v) {
  char *start = ps->p;
  char *end;
  errno = 0;
  v->num = strtod(start, &end);
  if (end == start) return fail(ps, "bad number");
  int integral = 1;
  for (char *c = start; c < end; c++)
    if (*c == '.' || *c == 'e' || *c == 'E') integral = 0;
  if (integral) {
    errno = 0;
    v->ival = strtoll(start, NULL, 10); /* saturates on overflow */
  } else if (v->num >= 9.2e18) {
    v->ival = INT64_MAX;
  } else if (v->num <= -9.2e18) {
    v->ival = INT64_MIN;
  } else {
    v->ival = (long long)v->num;
  }
  ps->p = end;
  return 0;
}

static int parse_container(parser *ps, json_value *v, char close) {
  if (++ps->depth > MAX_DEPTH) return fail(ps, "nesting too deep");
  ps->p++;
  json_value **tail = &v->child;
  skip_ws(ps);
  if (*ps->p == close) {
    ps->p++;
    ps->depth--;
    return 0;
  }
  for (;;) {
    const char *key = NULL;
    skip_ws(ps);
    if (close == '}') {
      if (*ps->p != '"') return fail(ps, "expected member name");
      if (parse_string(ps, &key) < 0) return -1;
      skip_ws(ps);
      if (*ps->p != ':') return fail(ps, "expected ':'");
      ps->p++;
    }
    json_value *item;
    if (parse_value(ps, &item) < 0) return -1;
    item->key = key;
    *tail = item;
    tail = &item->next;
    skip_ws(ps);
    if (*ps->p == ',') {
      ps->p++;
      continue;
    }
    if (*ps->p == close) {
      ps->p++;
      ps->depth--;
      return 0;
    }
    return fail(ps, "expected ',' or end of container");
  }
}

static int literal(parser *ps, const char *word) {
  size_t n = strlen(word);
  if (strncmp(ps->p, word, n) != 0) return fail(ps, "unexpected token");
  ps->p += n;
  return 0;
}

static int parse_value(parser *ps, json_value **out) {
  skip_ws(ps);
  json_value *v;
  switch (*ps->p) {
  case '{':
    if ((v = new_value(ps, JSON_OBJECT)) == NULL || parse_container(ps, v, '}') < 0) return -1;
    break;
  case '[':
    if ((v = new_value(ps, JSON_ARRAY)) == NULL || parse_container(ps, v, ']') < 0) return -1;
    break;
  case '"':
    if ((v = new_value(ps, JSON_STRING)) == NULL || parse_string(ps, &v->str) < 0) return -1;
    break;
  case 't':
    if ((v = new_value(ps, JSON_BOOL)) == NULL || literal(ps, "true") < 0) return -1;
    v->boolean = 1;
    break;
  case 'f':
    if ((v = new_value(ps, JSON_BOOL)) == NULL || literal(ps, "false") < 0) return -1;
    break;
  case 'n':
    if ((v = new_value(ps, JSON_NULL)) == NULL || literal(ps, "null") < 0) return -1;
    break;
  default:
    if ((v = new_value(ps, JSON_NUMBER)) == NULL || parse_number(ps, v) < 0) return -1;
  }
  *out = v;
  return 0;
}

int json_parse(char *text, json_doc *doc, mon_error *err) {
  parser ps = {.p = text, .doc = doc, .err = err, .depth = 0};
  doc->root = NULL;
  doc->blocks = NULL;
  if (parse_value(&ps, &doc->root) < 0) {
    json_free(doc);
    return -1;
  }
  skip_ws(&ps);
  if (*ps.p != '\0') {
    json_free(doc);
    return fail(&ps, "trailing characters");
  }
  return 0;
}

void json_free(json_doc *doc) {
  json_block *b = doc->blocks;
  while (b != NULL) {
    json_block *next = b->next;
    free(b);
    b = next;
  }
  doc->blocks = NULL;
  doc->root = NULL;
}

const json_value *json_get(const json_value *obj, const char *key) {
  if (obj == NULL || obj->type != JSON_OBJECT) return NULL;
  for (const json_value *m = obj->child; m != NULL; m = m->next)
    if (strcmp(m->key, key) == 0) return m;
  return NULL;
}

size_t json_count(const json_value *arr) {
  size_t n = 0;
  if (arr == NULL) return 0;
  for (const json_value *m = arr->child; m != NULL; m = m->next) n++;
  return n;
}

void json_write_string(FILE *out, const char *s) {
  fputc('"', out);
  for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
    if (*c == '"' || *c == '\\') fprintf(out, "\\%c", *c);
    else if (*c < 0x20) fprintf(out, "\\u%04x", *c);
    else fputc(*c, out);
  }
  fputc('"', out);
}

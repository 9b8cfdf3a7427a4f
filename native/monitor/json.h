/* A small JSON reader for the spec file: parses a mutable buffer in place
 * (strings are unescaped where they lie) into a tree of values. */
#ifndef HUSK_MONITOR_JSON_H
#define HUSK_MONITOR_JSON_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"

typedef enum { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_type;

typedef struct json_value {
  json_type type;
  const char *key;          /* member name, when inside an object */
  struct json_value *next;  /* next element or member */
  struct json_value *child; /* first element or member */
  const char *str;          /* JSON_STRING: NUL-terminated */
  double num;               /* JSON_NUMBER */
  long long ival;           /* JSON_NUMBER, saturated to the long long range */
  int boolean;              /* JSON_BOOL */
} json_value;

typedef struct json_block json_block;

typedef struct {
  json_value *root;
  json_block *blocks;
} json_doc;

/* Parses text (NUL-terminated, modified in place; must outlive doc). */
int json_parse(char *text, json_doc *doc, mon_error *err);
void json_free(json_doc *doc);

/* The member named key of an object, or NULL. */
const json_value *json_get(const json_value *obj, const char *key);
size_t json_count(const json_value *arr);

/* Writes s as a JSON string literal (quotes included). */
void json_write_string(FILE *out, const char *s);

#endif

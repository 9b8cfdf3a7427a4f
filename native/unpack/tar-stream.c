#include "tar-stream.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

int parse_compression(const char *name, compression *out) {
  if (strcmp(name, "auto") == 0) *out = COMPRESSION_AUTO;
  else if (strcmp(name, "gzip") == 0) *out = COMPRESSION_GZIP;
  else if (strcmp(name, "zstd") == 0) *out = COMPRESSION_ZSTD;
  else if (strcmp(name, "none") == 0) *out = COMPRESSION_NONE;
  else return -1;
  return 0;
}

static la_ssize_t hash_and_pass(struct archive *inner, void *data, const void **buf) {
  layer_stream *s = data;
  la_ssize_t n = archive_read_data(s->outer, s->buf, sizeof s->buf);
  if (n < 0) {
    archive_set_error(inner, archive_errno(s->outer) > 0 ? archive_errno(s->outer) : EIO, "decompressing the layer: %s",
                      archive_error_string(s->outer));
    return -1;
  }
  if (n > 0 && EVP_DigestUpdate(s->md, s->buf, (size_t)n) != 1) {
    archive_set_error(inner, EIO, "hashing the layer failed");
    return -1;
  }
  s->size += (uint64_t)n;
  *buf = s->buf;
  return n;
}

static const char *compression_name(compression c) {
  switch (c) {
  case COMPRESSION_GZIP: return "gzip";
  case COMPRESSION_ZSTD: return "zstd";
  case COMPRESSION_NONE: return "uncompressed";
  case COMPRESSION_AUTO: break;
  }
  return "auto";
}

static int check_compression(layer_stream *s, compression want, unpack_error *err) {
  int code = archive_filter_code(s->outer, 0);
  compression got = code == ARCHIVE_FILTER_GZIP ? COMPRESSION_GZIP
                    : code == ARCHIVE_FILTER_ZSTD ? COMPRESSION_ZSTD
                    : code == ARCHIVE_FILTER_NONE ? COMPRESSION_NONE
                                                  : COMPRESSION_AUTO;
  if (got == COMPRESSION_AUTO)
    return set_error(err, ERR_INVALID, 0, NULL, "unsupported layer compression %s", archive_filter_name(s->outer, 0));
  if (want != COMPRESSION_AUTO && got != want)
    return set_error(err, ERR_INVALID, 0, NULL, "layer data is %s but its media type says %s", compression_name(got),
                     compression_name(want));
  return 0;
}

int layer_stream_open(layer_stream *s, int fd, compression want, unpack_error *err) {
  struct archive_entry *raw_entry;
  memset(s, 0, offsetof(layer_stream, buf));
  s->md = EVP_MD_CTX_new();
  if (!s->md || EVP_DigestInit_ex(s->md, EVP_sha256(), NULL) != 1)
    return set_error(err, ERR_SYSTEM, ENOMEM, NULL, "initialising sha256");

  s->outer = archive_read_new();
  if (!s->outer) return set_error(err, ERR_SYSTEM, ENOMEM, NULL, "archive_read_new");
  if (want == COMPRESSION_AUTO || want == COMPRESSION_GZIP) archive_read_support_filter_gzip(s->outer);
  if (want == COMPRESSION_AUTO || want == COMPRESSION_ZSTD) archive_read_support_filter_zstd(s->outer);
  archive_read_support_format_raw(s->outer);
  if (archive_read_open_fd(s->outer, fd, sizeof s->buf) != ARCHIVE_OK)
    return set_error(err, ERR_INVALID, 0, NULL, "reading the layer: %s", archive_error_string(s->outer));
  if (archive_read_next_header(s->outer, &raw_entry) != ARCHIVE_OK)
    return set_error(err, ERR_INVALID, 0, NULL, "reading the layer: %s", archive_error_string(s->outer));
  if (check_compression(s, want, err) < 0) return -1;

  s->inner = archive_read_new();
  if (!s->inner) return set_error(err, ERR_SYSTEM, ENOMEM, NULL, "archive_read_new");
  archive_read_support_format_tar(s->inner);
  if (archive_read_open(s->inner, s, NULL, hash_and_pass, NULL) != ARCHIVE_OK)
    return set_error(err, ERR_INVALID, 0, NULL, "reading the layer as tar: %s", archive_error_string(s->inner));
  return 0;
}

int layer_stream_finish(layer_stream *s, char *diff_id, unpack_error *err) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  for (;;) {
    la_ssize_t n = archive_read_data(s->outer, s->buf, sizeof s->buf);
    if (n < 0) return set_error(err, ERR_INVALID, 0, NULL, "decompressing the layer: %s", archive_error_string(s->outer));
    if (n == 0) break;
    if (EVP_DigestUpdate(s->md, s->buf, (size_t)n) != 1) return set_error(err, ERR_SYSTEM, 0, NULL, "hashing the layer failed");
    s->size += (uint64_t)n;
  }
  if (EVP_DigestFinal_ex(s->md, digest, &len) != 1) return set_error(err, ERR_SYSTEM, 0, NULL, "hashing the layer failed");
  strcpy(diff_id, "sha256:");
  for (unsigned int i = 0; i < len; i++) sprintf(diff_id + 7 + 2 * i, "%02x", digest[i]);
  return 0;
}

void layer_stream_close(layer_stream *s) {
  if (s->inner) archive_read_free(s->inner);
  if (s->outer) archive_read_free(s->outer);
  if (s->md) EVP_MD_CTX_free(s->md);
  s->inner = s->outer = NULL;
  s->md = NULL;
}

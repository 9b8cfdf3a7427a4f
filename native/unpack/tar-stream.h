/* The layer as two stacked libarchive readers: `outer` only decompresses
 * (raw format), and every uncompressed byte it yields is hashed on its way
 * into `inner`, the tar parser. So the diffId is the sha256 of exactly the
 * tar stream that was unpacked, trailing padding included. */
#ifndef HUSK_UNPACK_TAR_STREAM_H
#define HUSK_UNPACK_TAR_STREAM_H

#include <archive.h>
#include <stdint.h>
#include <openssl/evp.h>

#include "error.h"

typedef enum { COMPRESSION_AUTO, COMPRESSION_GZIP, COMPRESSION_ZSTD, COMPRESSION_NONE } compression;

typedef struct {
  struct archive *outer;
  struct archive *inner;
  EVP_MD_CTX *md;
  uint64_t size;
  char buf[1 << 17];
} layer_stream;

int parse_compression(const char *name, compression *out);

/* Opens both readers over fd; checks the data matches `want`. */
int layer_stream_open(layer_stream *s, int fd, compression want, unpack_error *err);

/* Reads what the tar parser left (end blocks, padding) into the hash and
 * writes "sha256:<hex>" into diff_id (at least 72 bytes). */
int layer_stream_finish(layer_stream *s, char *diff_id, unpack_error *err);

void layer_stream_close(layer_stream *s);

#endif

/*
 * A tiny stdin/stdout server around FreeRDP's MPPC codec (libfreerdp2, RDP 4.0 bulk
 * compression = RFC 2118 with the 8192-byte history), used by freerdp-cross-check.test.ts as an
 * independent implementation to check @pptpkit/mppc against. Written for this test; it links
 * the installed shared library and declares the few prototypes it needs itself (FreeRDP's
 * public API, include/freerdp/codec/mppc.h), so no -dev package is required.
 *
 * One compressor and one decompressor context, both at compression level 0 (RDP4, 8 KB
 * history), live as long as the process.
 *
 * Request:  op (1 byte) | arg (u32 LE) | length (u32 LE) | length bytes
 * Response: status (i32 LE) | flags (u32 LE) | length (u32 LE) | length bytes
 *
 *   'C' compress the bytes (at least 1: FreeRDP 2.11's mppc_compress crashes on an empty
 *       packet, so this program refuses those); arg unused. flags = FreeRDP's packet flags,
 *       bytes = payload.
 *   'D' decompress the bytes with flags = arg. bytes = the packet.
 *   'R' reset the compressor, arg = flush (1: the next packet carries A). No bytes.
 *   'r' reset the decompressor, arg = flush. No bytes.
 *   'Q' quit.
 *
 * status is FreeRDP's return value (1 = success, negative = its error code), or -1000 for a
 * request this program refuses (unknown op, a length over MAX_REQUEST); the bytes of a refused
 * request are read and discarded so the framing stays intact.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct mppc_context MPPC_CONTEXT;

extern MPPC_CONTEXT* mppc_context_new(uint32_t level, int32_t compressor);
extern void mppc_context_free(MPPC_CONTEXT* ctx);
extern void mppc_context_reset(MPPC_CONTEXT* ctx, int32_t flush);
extern int mppc_compress(MPPC_CONTEXT* ctx, uint8_t* src, uint32_t srcSize, uint8_t** dst,
                         uint32_t* dstSize, uint32_t* flags);
extern int mppc_decompress(MPPC_CONTEXT* ctx, uint8_t* src, uint32_t srcSize, uint8_t** dst,
                           uint32_t* dstSize, uint32_t flags);

/* Packets are at most the 8192-byte history; a payload to decompress may be longer (a
 * literal of 0x80-0xFF takes 9 bits), at most 8192 * 9 / 8 = 9216 bytes from a sane encoder. */
#define MAX_REQUEST 16384u
#define REFUSED (-1000)

static uint8_t in[MAX_REQUEST];
static uint8_t out[MAX_REQUEST];

/* mppc_decompress returns a pointer into its history (or to the input when C is clear). */

static int read_exact(uint8_t* p, size_t n) {
  return fread(p, 1, n, stdin) == n;
}

static uint32_t get_u32(const uint8_t* p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_u32(uint8_t* p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

static int respond(int32_t status, uint32_t flags, const uint8_t* data, uint32_t length) {
  uint8_t head[12];
  put_u32(head, (uint32_t)status);
  put_u32(head + 4, flags);
  put_u32(head + 8, length);
  if (fwrite(head, 1, sizeof head, stdout) != sizeof head) return 0;
  if (length > 0 && fwrite(data, 1, length, stdout) != length) return 0;
  return fflush(stdout) == 0;
}

static int discard(uint32_t length) {
  while (length > 0) {
    uint32_t n = length < MAX_REQUEST ? length : MAX_REQUEST;
    if (!read_exact(in, n)) return 0;
    length -= n;
  }
  return 1;
}

int main(void) {
  MPPC_CONTEXT* tx = mppc_context_new(0, 1);
  MPPC_CONTEXT* rx = mppc_context_new(0, 0);
  if (tx == NULL || rx == NULL) {
    fputs("freerdp-mppc: mppc_context_new failed\n", stderr);
    return 2;
  }
  int ok = 1;
  while (ok) {
    uint8_t head[9];
    if (!read_exact(head, sizeof head)) break; /* EOF: the test is done */
    uint8_t op = head[0];
    uint32_t arg = get_u32(head + 1);
    uint32_t length = get_u32(head + 5);
    if (length > MAX_REQUEST || (length > 0 && op != 'C' && op != 'D') ||
        (length == 0 && op == 'C')) {
      ok = discard(length) && respond(REFUSED, 0, NULL, 0);
      continue;
    }
    if (length > 0 && !read_exact(in, length)) break;
    if (op == 'C') {
      uint8_t* dst = out;
      uint32_t dstSize = sizeof out;
      uint32_t flags = 0;
      int status = mppc_compress(tx, in, length, &dst, &dstSize, &flags);
      ok = respond(status, flags, status >= 0 ? dst : NULL, status >= 0 ? dstSize : 0);
    } else if (op == 'D') {
      uint8_t* dst = NULL;
      uint32_t dstSize = 0;
      int status = mppc_decompress(rx, in, length, &dst, &dstSize, arg);
      int good = status >= 0 && dstSize <= sizeof out;
      ok = respond(good ? status : (status >= 0 ? REFUSED : status), 0, good ? dst : NULL,
                   good ? dstSize : 0);
    } else if (op == 'R' || op == 'r') {
      mppc_context_reset(op == 'R' ? tx : rx, arg != 0);
      ok = respond(1, 0, NULL, 0);
    } else if (op == 'Q') {
      break;
    } else {
      ok = respond(REFUSED, 0, NULL, 0);
    }
  }
  mppc_context_free(tx);
  mppc_context_free(rx);
  return 0;
}

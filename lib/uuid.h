/* 128-bit UUIDs as written on command lines: 32 hex digits, dashes
 * between digits ignored. The hypervisor (shared= grants) and the guest
 * runtime (the pools it asks for) must read them the same way. */
#ifndef FALLOW_LIB_UUID_H
#define FALLOW_LIB_UUID_H

#include <stddef.h>
#include <stdint.h>

#define UUID_HEX_DIGITS 32

/* The first 16 digits go to *hi, the last 16 to *lo: the pair a guest
 * passes to FALLOW_HC_TMEM_NEW_POOL as (uuid_lo, uuid_hi). Returns 0, or
 * -ERR_INVAL (nothing written) for any other character, a dash at either
 * end, or a digit count other than 32. */
int uuid_parse(const char *s, size_t len, uint64_t *lo, uint64_t *hi);

#endif

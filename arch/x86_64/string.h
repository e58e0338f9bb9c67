/* The C memory and string functions for the freestanding build: gcc may
 * emit calls to memcpy, memmove, memset and memcmp on its own (structure
 * copies, zeroing), so these exact names must exist. The guest runtime links the same file:
 * guests are x86_64 freestanding code too. */
#ifndef FALLOW_ARCH_STRING_H
#define FALLOW_ARCH_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif

/* Counted checks for the guests that attack the ABI (hostile,
 * hostile_tmem, hostile_disk): each compares a call's result with the one
 * the ABI documents, and a mismatch prints a `WHO: FAIL` line naming both
 * results and their error names. */
#ifndef FALLOW_GUEST_RT_CHECK_H
#define FALLOW_GUEST_RT_CHECK_H

#include <stdbool.h>
#include <stdint.h>

/* Names the program in every line; call once before the first check. */
void rt_check_begin(const char *who);
void rt_expect(const char *what, int64_t got, int64_t want);
void rt_expect_true(const char *what, bool ok);
/* Prints `WHO: all N checks passed` or `WHO: F of N checks FAILED`;
 * returns the exit status (0 only when every check passed). */
int rt_check_end(void);

#endif

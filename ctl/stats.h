/* `stats:` lines during the guest phase: one machine-wide line, then one
 * per running guest, every stats_interval= seconds, on the console's
 * `stats` and at the end. Values are pages or counts, as key=value, so
 * tools can parse them; every machine line carries free + freeable +
 * owned == total. */
#ifndef FALLOW_CTL_STATS_H
#define FALLOW_CTL_STATS_H

#include <stdint.h>
#include "guest/guest.h"

/* interval_s 0: no periodic lines. */
void stats_init(uint64_t interval_s);

/* Prints the lines when the interval has passed by now_ms (the same
 * reading launch_poll got, so a guest started at that time is in them). */
void stats_poll(uint64_t now_ms);

/* Prints the machine line and a line per running guest; `at` says why
 * (interval, console, final). */
void stats_print(const char *at);

/* The `stats: guest=NAME ...` line of one guest: modules with per-guest
 * figures append their keys here. */
void stats_guest_line(const struct guest *g);

/* ` cpu_ms=N` and then every device's counters (dev/dev.h; today the
 * disk's: ` disk_read=N disk_written=N disk_read_calls=N
 * disk_write_calls=N disk_wait_ms=N disk_frames=N`: sectors, calls, ms,
 * overlay frames), no newline: the guest's stats line and its summary
 * line carry them. */
void stats_guest_time_disk(const struct guest *g);

#endif

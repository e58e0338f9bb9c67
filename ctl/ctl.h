/* The console control plane: lines typed on COM1 become commands. The
 * commands are one table (ctl.c) of name, usage, help and handler, so a
 * module adds a command with one table line and a handler. Every handler
 * prints its outcome; a refusal is one line starting `ctl: `. */
#ifndef FALLOW_CTL_CTL_H
#define FALLOW_CTL_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "guest/guest.h"

#define CTL_LINE_MAX 128 /* characters of one typed line */
#define CTL_WORDS_MAX 4  /* command name and up to three arguments */

struct ctl_word {
	const char *s; /* into the typed line, not NUL-terminated */
	size_t len;
};

/* w[0] is the command's name, w[1..n) its arguments. */
struct ctl_args {
	unsigned n;
	struct ctl_word w[CTL_WORDS_MAX];
};

struct ctl_cmd {
	const char *name;
	const char *usage; /* "target NAME SIZE": also gives the argument count */
	const char *help;  /* one line for `help` */
	void (*run)(const struct ctl_args *a);
};

/* Reads what was typed (non-blocking, a bounded number of bytes), echoes
 * it, edits the line (backspace) and runs it at Enter. */
void ctl_poll(void);

/* Runs one command line. */
void ctl_exec(const char *line, size_t len);

/* For handlers: each prints the one-line refusal itself and returns
 * false / NULL when the word is not what was asked for. */
void ctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
struct guest *ctl_guest(const struct ctl_word *w);
bool ctl_size(const struct ctl_word *w, uint64_t *bytes);
bool ctl_uint(const struct ctl_word *w, uint64_t min, uint64_t max,
	      const char *what, uint64_t *out);

/* The handlers of the table (ctl/cmds.c). */
void ctl_cmd_stats(const struct ctl_args *a);
void ctl_cmd_guests(const struct ctl_args *a);
void ctl_cmd_target(const struct ctl_args *a);
void ctl_cmd_weight(const struct ctl_args *a);
void ctl_cmd_cap(const struct ctl_args *a);
void ctl_cmd_freeze(const struct ctl_args *a);
void ctl_cmd_thaw(const struct ctl_args *a);
void ctl_cmd_start(const struct ctl_args *a);
void ctl_cmd_kill(const struct ctl_args *a);

/* The keyboard attached to a guest (ctl/attach.c). ctl_attach_take
 * consumes a typed byte when a guest holds the keyboard; ctl_attach_poll
 * shows the attached guest's partial line (its prompt). */
void ctl_cmd_attach(const struct ctl_args *a);
bool ctl_attach_take(char c);
void ctl_attach_poll(void);

#endif

/* Port I/O exits (dev/io.c): COM1 and the ports where nothing is. */
#ifndef FALLOW_DEV_IO_H
#define FALLOW_DEV_IO_H

#include "guest/guest.h"
#include "vmx/exit.h"

/* An IN or OUT the I/O bitmaps sent here; e->qual is the exit's. */
enum exit_action exit_io(struct guest *g, const struct exit_info *e);

#endif

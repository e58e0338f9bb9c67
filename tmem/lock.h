/* The platform lock around every tmem entry point. */
#ifndef FALLOW_TMEM_LOCK_H
#define FALLOW_TMEM_LOCK_H

#include "tmem/tmem.h"

static inline void tmem_lock(struct tmem *t)
{
	if (t->plat.lock)
		t->plat.lock(t->plat.ctx);
}

static inline void tmem_unlock(struct tmem *t)
{
	if (t->plat.unlock)
		t->plat.unlock(t->plat.ctx);
}

#endif

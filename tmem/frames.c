#include "tmem/frames.h"

#include <stddef.h>

#include "tmem/mem.h"

void frames_init(struct tmem_frames *f, const struct tmem_platform *plat)
{
	mem_zero(f, sizeof(*f));
	f->plat = plat;
}

void *frames_get(struct tmem_frames *f, enum frame_class c)
{
	void *frame;

	if (f->spare) {
		frame = f->spare;
		f->spare = f->spare->next;
		f->count[FRAME_SPARE]--;
	} else {
		frame = f->plat->frame_alloc(f->plat->ctx);
		if (!frame)
			return NULL;
	}
	f->count[c]++;
	return frame;
}

void frames_put(struct tmem_frames *f, void *frame, enum frame_class c)
{
	f->count[c]--;
	if (f->count[FRAME_SPARE] < FRAMES_SPARE_MAX) {
		struct spare_frame *s = frame;

		s->next = f->spare;
		f->spare = s;
		f->count[FRAME_SPARE]++;
		return;
	}
	mem_zero(frame, TMEM_PAGE_SIZE);
	f->plat->frame_free(f->plat->ctx, frame);
}

uint64_t frames_release_spares(struct tmem_frames *f, uint64_t n)
{
	uint64_t done = 0;

	while (done < n && f->spare) {
		struct spare_frame *s = f->spare;

		f->spare = s->next;
		f->count[FRAME_SPARE]--;
		mem_zero(s, TMEM_PAGE_SIZE);
		f->plat->frame_free(f->plat->ctx, s);
		done++;
	}
	return done;
}

/* See memcheck.h. Cheap enough for every hypercall: the frame counters
 * are kept by the allocator and there are at most GUEST_MAX guests. */
#include "guest/memcheck.h"
#include "mm/frame.h"
#include "dev/disk/store.h"
#include "guest/guest.h"
#include "vmx/hv.h"
#include "guest/tmem_client.h"

static uint64_t baseline;
static bool begun;

void memcheck_begin(void)
{
	struct frame_stats st;

	frame_get_stats(&st);
	baseline = st.allocated;
	begun = true;
}

uint64_t memcheck_uncharged_frames(void)
{
	return tmem_glue_uncharged_frames();
}

static uint64_t guests_owned(void)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < GUEST_MAX; i++)
		if (guests[i].state == GUEST_RUNNABLE)
			sum += guests[i].pages_owned;
	return sum;
}

void memcheck_now(const char *after)
{
	struct frame_stats st;

	frame_get_stats(&st);
	if (st.free + st.freeable + st.owned != st.total)
		panic("memcheck after %s: free %llu + freeable %llu + owned %llu != total %llu",
		      after, (unsigned long long)st.free, (unsigned long long)st.freeable,
		      (unsigned long long)st.owned, (unsigned long long)st.total);
	if (!begun)
		return;
	/* Store frames are in the baseline and, once lent, in an owner's
	 * pages_owned too. */
	uint64_t expect = baseline + guests_owned() + memcheck_uncharged_frames() -
			  disk_store_lent();

	if (st.allocated != expect)
		panic("memcheck after %s: %llu frames allocated, but baseline %llu + guests %llu + uncharged %llu = %llu",
		      after, (unsigned long long)st.allocated, (unsigned long long)baseline,
		      (unsigned long long)guests_owned(),
		      (unsigned long long)memcheck_uncharged_frames(),
		      (unsigned long long)expect);
}

/* Page allocator over the guest's free RAM: a bump pointer for pages
 * never handed out, then a free list threaded through freed pages. When
 * both are empty it asks the balloon for pages first (ballooning up on
 * demand), so a guest that ballooned down still gets memory when it needs
 * it. Pages the balloon released are on neither list: nothing here ever
 * touches them. */
#include "guest-abi/rt/rt.h"
#include "guest-abi/rt/pages.h"

struct free_page {
	struct free_page *next;
};

static uint64_t bump, limit;
static struct free_page *free_list;
static uint64_t nfree, nused;

void pages_init(uint64_t start, uint64_t end)
{
	bump = start;
	limit = end & ~(uint64_t)(FALLOW_PAGE_SIZE - 1);
	nfree = limit > bump ? (limit - bump) / FALLOW_PAGE_SIZE : 0;
}

void *page_take(void)
{
	if (free_list) {
		struct free_page *p = free_list;

		free_list = p->next;
		nfree--;
		return p;
	}
	if (bump >= limit)
		return 0;
	void *p = (void *)(uintptr_t)bump;

	bump += FALLOW_PAGE_SIZE;
	nfree--;
	return p;
}

void page_give(void *page)
{
	struct free_page *p = page;

	p->next = free_list;
	free_list = p;
	nfree++;
}

void *page_alloc(void)
{
	void *p = page_take();

	if (!p && balloon_refill())
		p = page_take();
	if (p)
		nused++;
	return p;
}

void page_free(void *page)
{
	page_give(page);
	nused--;
}

uint64_t page_free_count(void)
{
	return nfree;
}

uint64_t page_used_count(void)
{
	return nused;
}

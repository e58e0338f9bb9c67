#include "arch/x86_64/paging.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/string.h"
#include "lib/err.h"

#define PTE_PRESENT 0x1ull
#define PTE_WRITE 0x2ull
#define PTE_LARGE 0x80ull /* 2 MiB in a PD entry, 1 GiB in a PDPT entry */
#define ENTRIES_PER_TABLE 512u
#define TABLE_SIZE FRAME_SIZE

#define SIZE_2M (1ull << 21)
#define SIZE_1G (1ull << 30)
#define SIZE_PML4E (SIZE_1G * ENTRIES_PER_TABLE) /* 512 GiB per PML4 entry */
#define LOW_RESERVED_END (1ull << 20)
#define BOOT_MAPPED_END (4ull << 30) /* what boot/entry.S maps */
/* The lower canonical half is 128 TiB; stay well inside it. */
#define PAGING_MAX_MAPPED (64ull << 40)

/* Built by boot/entry.S: PML4[0] -> boot_pdpt, which maps 0..4 GiB. */
extern uint64_t boot_pml4[ENTRIES_PER_TABLE];
extern uint64_t boot_pdpt[ENTRIES_PER_TABLE];

static paddr_t mapped_limit = BOOT_MAPPED_END;

void *phys_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)pa;
}

paddr_t paging_mapped_limit(void)
{
	return mapped_limit;
}

bool paging_uses_1g_pages(void)
{
	if (cpuid(CPUID_LEAF_EXT_MAX, 0).eax < CPUID_LEAF_EXT_FEATURES)
		return false;
	return cpuid(CPUID_LEAF_EXT_FEATURES, 0).edx & CPUID_EXT_EDX_PDPE1GB;
}

static bool is_ram(uint32_t type)
{
	return type == MEM_USABLE || type == MEM_ACPI_RECLAIMABLE ||
	       type == MEM_ACPI_NVS;
}

/* End of the highest RAM region, rounded up to a whole GiB. */
static paddr_t ram_end(const struct boot_info *bi)
{
	paddr_t end = 0;

	for (unsigned i = 0; i < bi->nregions; i++) {
		const struct mem_region *r = &bi->regions[i];

		if (is_ram(r->type) && r->len <= UINT64_MAX - r->base &&
		    r->base + r->len > end)
			end = r->base + r->len;
	}
	return end > UINT64_MAX - SIZE_1G ? UINT64_MAX : (end + SIZE_1G - 1) & ~(SIZE_1G - 1);
}

static bool overlaps_reserved(paddr_t start, paddr_t end, const struct phys_range *res,
			      unsigned nres, paddr_t *below)
{
	for (unsigned i = 0; i < nres; i++) {
		if (start < res[i].end && res[i].start < end) {
			*below = res[i].start;
			return true;
		}
	}
	return false;
}

/* `bytes` of page-aligned usable RAM in [1 MiB, 4 GiB) clear of every
 * reserved range, taken from the top of a region. 0 when there is none. */
static paddr_t carve_low(const struct boot_info *bi, uint64_t bytes,
			 const struct phys_range *res, unsigned nres)
{
	for (unsigned i = 0; i < bi->nregions; i++) {
		const struct mem_region *r = &bi->regions[i];

		if (r->type != MEM_USABLE || r->len > UINT64_MAX - r->base)
			continue;
		paddr_t lo = r->base < LOW_RESERVED_END ? LOW_RESERVED_END : r->base;
		paddr_t hi = r->base + r->len < BOOT_MAPPED_END ? r->base + r->len
								 : BOOT_MAPPED_END;

		lo = (lo + FRAME_MASK) & ~FRAME_MASK;
		hi &= ~FRAME_MASK;
		/* Slide down below each reserved range in the way; each step
		 * passes one, so this ends after at most nres + 1 tries. */
		while (hi > lo && hi - lo >= bytes) {
			paddr_t start = hi - bytes;
			paddr_t below;

			if (!overlaps_reserved(start, hi, res, nres, &below))
				return start;
			hi = below & ~FRAME_MASK;
		}
	}
	return 0;
}

struct table_pool {
	paddr_t next, end;
};

static uint64_t *pool_take(struct table_pool *p)
{
	uint64_t *t = phys_to_virt(p->next);

	p->next += TABLE_SIZE;
	memset(t, 0, TABLE_SIZE);
	return t;
}

static uint64_t *pdpt_for(paddr_t pa, struct table_pool *pool)
{
	unsigned i = (unsigned)(pa / SIZE_PML4E);

	if (!(boot_pml4[i] & PTE_PRESENT)) {
		uint64_t *t = pool_take(pool);

		boot_pml4[i] = (uint64_t)(uintptr_t)t | PTE_PRESENT | PTE_WRITE;
	}
	return phys_to_virt(boot_pml4[i] & ~FRAME_MASK);
}

static void map_gib(paddr_t pa, bool use_1g, struct table_pool *pool)
{
	uint64_t *pdpt = pdpt_for(pa, pool);
	unsigned i = (unsigned)(pa / SIZE_1G % ENTRIES_PER_TABLE);

	if (use_1g) {
		pdpt[i] = pa | PTE_PRESENT | PTE_WRITE | PTE_LARGE;
		return;
	}
	uint64_t *pd = pool_take(pool);

	for (unsigned k = 0; k < ENTRIES_PER_TABLE; k++)
		pd[k] = (pa + k * SIZE_2M) | PTE_PRESENT | PTE_WRITE | PTE_LARGE;
	pdpt[i] = (uint64_t)(uintptr_t)pd | PTE_PRESENT | PTE_WRITE;
}

int paging_map_ram(const struct boot_info *bi, const struct phys_range *reserved,
		   unsigned nreserved, struct phys_range *tables)
{
	paddr_t end = ram_end(bi);
	bool use_1g = paging_uses_1g_pages();
	struct table_pool pool = { 0 };

	*tables = (struct phys_range){ 0, 0 };
	if (end <= mapped_limit)
		return 0;
	if (end > PAGING_MAX_MAPPED)
		return -ERR_RANGE;
	/* One PDPT per further 512 GiB, and without 1 GiB pages one page
	 * directory per GiB above what is mapped. */
	uint64_t ntables = (end - 1) / SIZE_PML4E;

	if (!use_1g)
		ntables += (end - mapped_limit) / SIZE_1G;
	if (ntables) {
		pool.next = carve_low(bi, ntables * TABLE_SIZE, reserved, nreserved);
		if (!pool.next)
			return -ERR_NOMEM;
		pool.end = pool.next + ntables * TABLE_SIZE;
		*tables = (struct phys_range){ pool.next, pool.end };
	}
	for (paddr_t pa = mapped_limit; pa < end; pa += SIZE_1G)
		map_gib(pa, use_1g, &pool);
	write_cr3(read_cr3()); /* new entries only, but be plain about it */
	mapped_limit = end;
	return 0;
}

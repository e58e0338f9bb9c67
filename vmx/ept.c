/* EPT construction and teardown (SDM vol. 3, 28.2 "The Extended Page
 * Table Mechanism"). Tables are 4 KiB frames of 512 entries; bits 2:0 of
 * an entry are read/write/execute, bits 5:3 of a leaf its memory type. */
#include "vmx/ept.h"
#include "lib/err.h"
#include "mm/frame.h"
#include "vmx/hv.h"

#define EPT_READ 0x1ull
#define EPT_WRITE 0x2ull
#define EPT_EXEC 0x4ull
#define EPT_RWX (EPT_READ | EPT_WRITE | EPT_EXEC)
#define EPT_MEMTYPE_WB 6ull
#define EPT_MEMTYPE_SHIFT 3
#define EPT_ADDR_MASK 0x000ffffffffff000ull
#define EPT_ENTRIES 512u
#define EPT_LEVELS 4
#define EPT_GPA_BITS 48
#define EPTP_WALK_LENGTH_SHIFT 3 /* bits 5:3 hold levels - 1 */

static unsigned level_index(uint64_t gpa, int level)
{
	/* level 3 = PML4, 0 = PT */
	return (unsigned)(gpa >> (FRAME_SHIFT + 9 * level)) & (EPT_ENTRIES - 1);
}

static uint64_t *table_of(paddr_t pa)
{
	return phys_to_virt(pa);
}

static paddr_t alloc_zeroed(void)
{
	paddr_t pa = frame_alloc();

	if (pa != FRAME_NONE)
		vmx_bzero(phys_to_virt(pa), FRAME_SIZE);
	return pa;
}

void ept_scrub_free(paddr_t pa)
{
	vmx_bzero(phys_to_virt(pa), FRAME_SIZE);
	int err = frame_free(pa);

	if (err)
		panic("vmx: frame 0x%llx refused by the allocator (%s)",
		      (unsigned long long)pa, err_name(err));
}

int ept_init(struct ept *e, uint64_t ram_end)
{
	*e = (struct ept){ .pml4 = alloc_zeroed(), .ram_end = ram_end };
	if (e->pml4 == FRAME_NONE)
		return -ERR_NOMEM;
	e->table_pages = 1;
	return 0;
}

int ept_map(struct ept *e, uint64_t gpa, paddr_t hpa)
{
	if ((gpa | hpa) & FRAME_MASK || gpa >> EPT_GPA_BITS)
		return -ERR_INVAL;
	uint64_t *t = table_of(e->pml4);

	for (int level = EPT_LEVELS - 1; level > 0; level--) {
		uint64_t *ent = &t[level_index(gpa, level)];

		if (!(*ent & EPT_RWX)) {
			paddr_t next = alloc_zeroed();

			if (next == FRAME_NONE)
				return -ERR_NOMEM;
			e->table_pages++;
			*ent = next | EPT_RWX;
		}
		t = table_of(*ent & EPT_ADDR_MASK);
	}
	uint64_t *leaf = &t[level_index(gpa, 0)];

	if (*leaf & EPT_RWX)
		return -ERR_EXIST;
	*leaf = hpa | EPT_RWX | (EPT_MEMTYPE_WB << EPT_MEMTYPE_SHIFT);
	e->ram_pages++;
	return 0;
}

/* The leaf entry for `gpa`, or NULL when a table on the way is absent. */
static uint64_t *leaf_of(const struct ept *e, uint64_t gpa)
{
	if (e->pml4 == FRAME_NONE || gpa >> EPT_GPA_BITS)
		return 0;
	uint64_t *t = table_of(e->pml4);

	for (int level = EPT_LEVELS - 1; level > 0; level--) {
		uint64_t ent = t[level_index(gpa, level)];

		if (!(ent & EPT_RWX))
			return 0;
		t = table_of(ent & EPT_ADDR_MASK);
	}
	return &t[level_index(gpa, 0)];
}

paddr_t ept_lookup(const struct ept *e, uint64_t gpa)
{
	const uint64_t *leaf = leaf_of(e, gpa);

	return leaf && (*leaf & EPT_RWX) ? *leaf & EPT_ADDR_MASK : FRAME_NONE;
}

paddr_t ept_unmap(struct ept *e, uint64_t gpa)
{
	uint64_t *leaf = gpa & FRAME_MASK ? 0 : leaf_of(e, gpa);

	if (!leaf || !(*leaf & EPT_RWX))
		return FRAME_NONE;
	paddr_t pa = *leaf & EPT_ADDR_MASK;

	*leaf = 0;
	e->ram_pages--;
	return pa;
}

uint64_t ept_pointer(const struct ept *e)
{
	return e->pml4 | ((uint64_t)(EPT_LEVELS - 1) << EPTP_WALK_LENGTH_SHIFT) |
	       EPT_MEMTYPE_WB;
}

/* Frees the subtree below a table entry at `level` (0 = leaf entry). */
static void free_subtree(struct ept *e, uint64_t ent, int level)
{
	paddr_t pa = ent & EPT_ADDR_MASK;

	if (level > 0) {
		uint64_t *t = table_of(pa);

		for (unsigned i = 0; i < EPT_ENTRIES; i++)
			if (t[i] & EPT_RWX)
				free_subtree(e, t[i], level - 1);
		e->table_pages--;
	} else {
		e->ram_pages--;
	}
	ept_scrub_free(pa);
}

void ept_destroy(struct ept *e)
{
	if (e->pml4 == FRAME_NONE)
		return;
	free_subtree(e, e->pml4 | EPT_RWX, EPT_LEVELS);
	e->pml4 = FRAME_NONE;
}

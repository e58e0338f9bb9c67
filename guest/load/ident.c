/* Identity page tables with 2 MiB pages (every x86-64 CPU has them; 1 GiB
 * pages are optional and QEMU's default CPU lacks them) and the boot GDT. */
#include "guest/load/ident.h"

/* Page-table entry bits (SDM vol. 3, 4.5). */
#define PTE_PRESENT 0x1ull
#define PTE_WRITE 0x2ull
#define PTE_LARGE 0x80ull /* in a PD: a 2 MiB page */
#define PT_ENTRIES 512
#define PAGE_2M (1ull << 21)
#define PAGE_1G (1ull << 30)

/* Segment descriptor fields (SDM vol. 3, 3.4.5): base 0, limit 0xfffff
 * in 4 KiB units (granularity) so both span 4 GiB as boot.rst asks. */
#define DESC_LIMIT_FLAT 0x000f00000000ffffull
#define DESC_TYPE_CODE_RX (0xaull << 40)
#define DESC_TYPE_DATA_RW (0x2ull << 40)
#define DESC_S (1ull << 44)       /* code or data, not system */
#define DESC_P (1ull << 47)
#define DESC_L (1ull << 53)       /* 64-bit code */
#define DESC_DB (1ull << 54)      /* 32-bit data (must be 0 with L) */
#define DESC_G (1ull << 55)
#define GDT_CODE64 (DESC_LIMIT_FLAT | DESC_TYPE_CODE_RX | DESC_S | DESC_P | DESC_L | DESC_G)
#define GDT_DATA (DESC_LIMIT_FLAT | DESC_TYPE_DATA_RW | DESC_S | DESC_P | DESC_DB | DESC_G)

/* One table at a time; loading is never concurrent. */
static uint64_t table[PT_ENTRIES];

uint64_t ident_mapped(uint64_t ram)
{
	return (ram + PAGE_2M - 1) & ~(PAGE_2M - 1);
}

static uint64_t pd_count(uint64_t ram)
{
	return (ident_mapped(ram) + PAGE_1G - 1) / PAGE_1G;
}

uint64_t ident_tables_size(uint64_t ram)
{
	return (2 + pd_count(ram)) * LOAD_PAGE_SIZE;
}

static int put_table(const struct load_target *t, uint64_t gpa)
{
	return t->write(t->ctx, gpa, table, sizeof(table));
}

static void clear_table(void)
{
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		table[i] = 0;
}

int ident_write(const struct load_target *t, uint64_t base, uint64_t ram)
{
	uint64_t pdpt = base + LOAD_PAGE_SIZE, pd0 = pdpt + LOAD_PAGE_SIZE;
	uint64_t npd = pd_count(ram), mapped = ident_mapped(ram);
	int err;

	clear_table();
	table[0] = pdpt | PTE_PRESENT | PTE_WRITE;
	err = put_table(t, base);
	clear_table();
	for (uint64_t i = 0; i < npd; i++)
		table[i] = (pd0 + i * LOAD_PAGE_SIZE) | PTE_PRESENT | PTE_WRITE;
	if (!err)
		err = put_table(t, pdpt);
	for (uint64_t i = 0; !err && i < npd; i++) {
		uint64_t gib = i * PAGE_1G;

		clear_table();
		for (uint64_t e = 0; e < PT_ENTRIES && gib + e * PAGE_2M < mapped; e++)
			table[e] = (gib + e * PAGE_2M) | PTE_PRESENT | PTE_WRITE | PTE_LARGE;
		err = put_table(t, pd0 + i * LOAD_PAGE_SIZE);
	}
	return err;
}

int ident_write_gdt(const struct load_target *t, uint64_t base)
{
	uint64_t gdt[IDENT_GDT_ENTRIES] = {
		[LOAD_BOOT_CS / 8] = GDT_CODE64,
		[LOAD_BOOT_DS / 8] = GDT_DATA,
	};

	return t->write(t->ctx, base, gdt, sizeof(gdt));
}

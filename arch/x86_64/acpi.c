#include "arch/x86_64/acpi.h"

#include <stdint.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/string.h"

/* ACPI 6.x specification, chapter 5: RSDP, system description table
 * header, FADT field offsets, PM1 control register bits. */
#define RSDP_SIGNATURE "RSD PTR "
#define RSDP_SIG_LEN 8
#define RSDP_V1_LEN 20
#define RSDP_REVISION 15
#define RSDP_RSDT 16
#define RSDP_LENGTH 20
#define RSDP_XSDT 24
#define RSDP_V2_LEN 36

#define SDT_HEADER_LEN 36
#define SDT_LENGTH 4
#define SDT_MAX_LEN (16u << 20) /* sanity bound: real DSDTs are < 1 MiB */

#define FADT_DSDT 40
#define FADT_SMI_CMD 48
#define FADT_ACPI_ENABLE 52
#define FADT_PM1A_CNT 64
#define FADT_PM1B_CNT 68
#define FADT_X_DSDT 140
#define FADT_X_PM1A_CNT 172 /* generic address structures, 12 bytes */
#define FADT_X_PM1B_CNT 184
#define GAS_SPACE_SYSTEM_IO 1
#define GAS_ADDRESS 4
#define GAS_LEN 12

#define PM1_CNT_SCI_EN 0x0001
#define PM1_CNT_SLP_TYP_SHIFT 10
#define PM1_CNT_SLP_TYP_MASK (7u << PM1_CNT_SLP_TYP_SHIFT)
#define PM1_CNT_SLP_EN (1u << 13)

/* AML opcodes met on the way to \_S5's SLP_TYP values. */
#define AML_NAME_OP 0x08
#define AML_ROOT_CHAR '\\'
#define AML_PACKAGE_OP 0x12
#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01
#define AML_BYTE_PREFIX 0x0a
#define AML_WORD_PREFIX 0x0b
#define AML_DWORD_PREFIX 0x0c

/* The BIOS areas where the RSDP may hide (16-byte aligned). */
#define BDA_EBDA_SEGMENT 0x40e
#define EBDA_SEARCH_LEN 1024
#define BIOS_ROM_START 0xe0000
#define BIOS_ROM_END 0x100000
#define RSDP_ALIGN 16

/* Polls of SCI_EN after asking firmware to switch to ACPI mode. */
#define ACPI_ENABLE_SPINS 1000000

struct acpi_s5 {
	bool probed;
	bool ok;
	uint16_t pm1a_cnt, pm1b_cnt;
	uint16_t slp_typa, slp_typb;
	uint32_t smi_cmd;
	uint8_t acpi_enable;
};

static struct acpi_s5 s5;

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static bool checksum_ok(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += p[i];
	return sum == 0;
}

/* The table at `pa` if it is mapped, sane in length, checksummed and
 * (when sig is not NULL) has that signature. */
static const uint8_t *sdt_at(uint64_t pa, const char *sig, uint32_t *len)
{
	if (!pa || !paging_is_mapped(pa, SDT_HEADER_LEN))
		return NULL;
	const uint8_t *t = phys_to_virt(pa);
	uint32_t n = le32(t + SDT_LENGTH);

	if (n < SDT_HEADER_LEN || n > SDT_MAX_LEN || !paging_is_mapped(pa, n))
		return NULL;
	if ((sig && memcmp(t, sig, 4) != 0) || !checksum_ok(t, n))
		return NULL;
	*len = n;
	return t;
}

static bool rsdp_valid(const uint8_t *p, size_t avail)
{
	if (avail < RSDP_V1_LEN || memcmp(p, RSDP_SIGNATURE, RSDP_SIG_LEN) != 0 ||
	    !checksum_ok(p, RSDP_V1_LEN))
		return false;
	if (p[RSDP_REVISION] < 2)
		return true;
	uint32_t len = le32(p + RSDP_LENGTH);

	return len >= RSDP_V2_LEN && len <= avail && checksum_ok(p, len);
}

static const uint8_t *rsdp_scan(uint64_t start, uint64_t end)
{
	for (uint64_t pa = start; pa + RSDP_V2_LEN <= end; pa += RSDP_ALIGN) {
		const uint8_t *p = phys_to_virt(pa);

		if (rsdp_valid(p, end - pa))
			return p;
	}
	return NULL;
}

static const uint8_t *rsdp_find_bios(void)
{
	const uint8_t *bda = phys_to_virt(BDA_EBDA_SEGMENT);
	uint64_t ebda = (uint64_t)(bda[0] | bda[1] << 8) << 4;
	const uint8_t *p = NULL;

	if (ebda >= 0x400 && ebda < BIOS_ROM_START)
		p = rsdp_scan(ebda, ebda + EBDA_SEARCH_LEN);
	return p ? p : rsdp_scan(BIOS_ROM_START, BIOS_ROM_END);
}

/* Walks the RSDT (4-byte entries) or XSDT (8-byte entries) for the FADT. */
static const uint8_t *find_fadt(const uint8_t *rsdp, uint32_t *len)
{
	uint32_t rlen;
	const uint8_t *root = NULL;
	size_t esize = 8;

	if (rsdp[RSDP_REVISION] >= 2)
		root = sdt_at(le64(rsdp + RSDP_XSDT), "XSDT", &rlen);
	if (!root) {
		root = sdt_at(le32(rsdp + RSDP_RSDT), "RSDT", &rlen);
		esize = 4;
	}
	if (!root)
		return NULL;
	for (uint32_t off = SDT_HEADER_LEN; off + esize <= rlen; off += esize) {
		uint64_t pa = esize == 8 ? le64(root + off) : le32(root + off);
		const uint8_t *t = sdt_at(pa, "FACP", len);

		if (t)
			return t;
	}
	return NULL;
}

/* One integer element of a package: ZeroOp, OneOp or a prefixed constant. */
static bool aml_small_int(const uint8_t *p, const uint8_t *end, uint16_t *v,
			  const uint8_t **next)
{
	if (p >= end)
		return false;
	switch (*p) {
	case AML_ZERO_OP: *v = 0; *next = p + 1; return true;
	case AML_ONE_OP: *v = 1; *next = p + 1; return true;
	case AML_BYTE_PREFIX:
		if (end - p < 2)
			return false;
		*v = p[1];
		*next = p + 2;
		return true;
	case AML_WORD_PREFIX:
	case AML_DWORD_PREFIX:
		if (end - p < (*p == AML_WORD_PREFIX ? 3 : 5))
			return false;
		*v = (uint16_t)(p[1] | p[2] << 8);
		*next = p + (*p == AML_WORD_PREFIX ? 3 : 5);
		return true;
	default:
		return false;
	}
}

/* Finds `Name(\_S5, Package() { SLP_TYPa, SLP_TYPb, ... })` in the AML. */
static bool find_s5(const uint8_t *dsdt, uint32_t len)
{
	const uint8_t *end = dsdt + len;

	for (const uint8_t *p = dsdt + SDT_HEADER_LEN; p + 4 <= end; p++) {
		if (memcmp(p, "_S5_", 4) != 0)
			continue;
		bool named = p[-1] == AML_NAME_OP ||
			     (p[-1] == AML_ROOT_CHAR && p[-2] == AML_NAME_OP);
		const uint8_t *q = p + 4;

		if (!named || q + 2 > end || *q != AML_PACKAGE_OP)
			continue;
		q += 1 + 1 + (q[1] >> 6); /* PkgLength: lead byte + extra bytes */
		q += 1;                   /* NumElements */
		if (aml_small_int(q, end, &s5.slp_typa, &q) &&
		    aml_small_int(q, end, &s5.slp_typb, &q))
			return true;
	}
	return false;
}

static uint16_t pm1_cnt_port(const uint8_t *fadt, uint32_t flen, unsigned legacy,
			     unsigned gas)
{
	uint32_t port = le32(fadt + legacy);

	if (!port && flen >= gas + GAS_LEN && fadt[gas] == GAS_SPACE_SYSTEM_IO)
		port = (uint32_t)le64(fadt + gas + GAS_ADDRESS);
	return port <= UINT16_MAX ? (uint16_t)port : 0;
}

bool acpi_init(const void *rsdp_copy, size_t len)
{
	const uint8_t *rsdp = rsdp_copy;
	uint32_t flen, dlen;

	s5 = (struct acpi_s5){ .probed = true };
	if (!rsdp || !rsdp_valid(rsdp, len))
		rsdp = rsdp_find_bios();
	if (!rsdp)
		return false;
	const uint8_t *fadt = find_fadt(rsdp, &flen);

	if (!fadt || flen < FADT_PM1B_CNT + 4)
		return false;
	uint64_t dsdt_pa = flen >= FADT_X_DSDT + 8 ? le64(fadt + FADT_X_DSDT) : 0;

	if (!dsdt_pa)
		dsdt_pa = le32(fadt + FADT_DSDT);
	const uint8_t *dsdt = sdt_at(dsdt_pa, "DSDT", &dlen);

	s5.pm1a_cnt = pm1_cnt_port(fadt, flen, FADT_PM1A_CNT, FADT_X_PM1A_CNT);
	s5.pm1b_cnt = pm1_cnt_port(fadt, flen, FADT_PM1B_CNT, FADT_X_PM1B_CNT);
	s5.smi_cmd = le32(fadt + FADT_SMI_CMD);
	s5.acpi_enable = fadt[FADT_ACPI_ENABLE];
	s5.ok = dsdt && s5.pm1a_cnt && find_s5(dsdt, dlen);
	return s5.ok;
}

static void pm1_sleep(uint16_t port, uint16_t slp_typ)
{
	uint16_t v = inw(port);

	v &= (uint16_t)~(PM1_CNT_SLP_TYP_MASK | PM1_CNT_SLP_EN);
	v |= (uint16_t)(((slp_typ << PM1_CNT_SLP_TYP_SHIFT) & PM1_CNT_SLP_TYP_MASK) |
			PM1_CNT_SLP_EN);
	outw(port, v);
}

void acpi_power_off(void)
{
	if (!s5.probed)
		acpi_init(NULL, 0);
	if (!s5.ok)
		return;
	/* Firmware may still own the PM registers (legacy mode). */
	if (!(inw(s5.pm1a_cnt) & PM1_CNT_SCI_EN) && s5.smi_cmd && s5.acpi_enable &&
	    s5.smi_cmd <= UINT16_MAX) {
		outb((uint16_t)s5.smi_cmd, s5.acpi_enable);
		for (int i = 0; i < ACPI_ENABLE_SPINS; i++) {
			if (inw(s5.pm1a_cnt) & PM1_CNT_SCI_EN)
				break;
			cpu_pause();
		}
	}
	pm1_sleep(s5.pm1a_cnt, s5.slp_typa);
	if (s5.pm1b_cnt)
		pm1_sleep(s5.pm1b_cnt, s5.slp_typb);
}

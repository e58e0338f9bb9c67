/* Loading a Fallow ELF guest (the ELF kind, ABI.md's start convention)
 * over a load target (load.h), so the same code runs in the hypervisor
 * (target = gmem, guest/loader.c) and on the host (tests/unit/test_elf.c).
 *
 * Every field of the image is distrusted: it is input. The whole image
 * is checked before anything is written, so a refused image writes
 * nothing. RAM is zeroed before a load, so a segment's bss needs no
 * writes. */
#ifndef FALLOW_GUEST_LOAD_ELF_H
#define FALLOW_GUEST_LOAD_ELF_H

#include <stddef.h>
#include <stdint.h>
#include "guest/load/load.h"

/* ELF64 (System V ABI, "ELF-64 Object File Format"). */
#define ELF_EI_NIDENT 16
#define ELF_MAGIC0 0x7f
#define ELF_CLASS64 2
#define ELF_DATA2LSB 1
#define ELF_EV_CURRENT 1
#define ELF_ET_EXEC 2
#define ELF_EM_X86_64 62
#define ELF_PT_LOAD 1
#define ELF_PF_X 1
#define ELF_MAX_PHDRS 16

struct elf64_ehdr {
	unsigned char e_ident[ELF_EI_NIDENT];
	uint16_t e_type, e_machine;
	uint32_t e_version;
	uint64_t e_entry, e_phoff, e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type, p_flags;
	uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

/* Where a loaded image lies. */
struct elf_image {
	uint64_t entry;
	uint64_t start; /* lowest loaded guest-physical byte */
	uint64_t end;   /* first byte past the image */
};

/* Checks every header field and loadable segment of image[0..size)
 * against t->ram_bytes (in the file, at or above FALLOW_IMAGE_BASE,
 * inside RAM, not overlapping another, the entry in an executable one),
 * then writes the segments' file bytes through t. 0, or -ERR_CORRUPT
 * with "bad ELF image: REASON" in why[whylen]. */
int load_elf(const struct load_target *t, const void *image, uint64_t size,
	     struct elf_image *out, char *why, size_t whylen);

#endif

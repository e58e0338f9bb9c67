/* See elf.h. */
#include "guest/load/elf.h"

#include <stdbool.h>
#include "guest-abi/fallow_abi.h"
#include "lib/err.h"
#include "lib/fmt.h"

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header layout");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header layout");

static int refuse(char *why, size_t whylen, const char *reason)
{
	fmt_snprintf(why, whylen, "bad ELF image: %s", reason);
	return -ERR_CORRUPT;
}

static const char *header_problem(const struct elf64_ehdr *eh, uint64_t size)
{
	if (size < sizeof(*eh))
		return "shorter than an ELF64 header";
	if (eh->e_ident[0] != ELF_MAGIC0 || eh->e_ident[1] != 'E' ||
	    eh->e_ident[2] != 'L' || eh->e_ident[3] != 'F')
		return "no ELF magic";
	if (eh->e_ident[4] != ELF_CLASS64)
		return "not ELFCLASS64";
	if (eh->e_ident[5] != ELF_DATA2LSB)
		return "not little-endian";
	if (eh->e_ident[6] != ELF_EV_CURRENT || eh->e_version != ELF_EV_CURRENT)
		return "unknown ELF version";
	if (eh->e_type != ELF_ET_EXEC)
		return "not ET_EXEC";
	if (eh->e_machine != ELF_EM_X86_64)
		return "not x86_64";
	if (eh->e_ehsize != sizeof(*eh))
		return "e_ehsize is not 64";
	if (eh->e_phentsize != sizeof(struct elf64_phdr))
		return "e_phentsize is not 56";
	if (eh->e_phnum == 0 || eh->e_phnum > ELF_MAX_PHDRS)
		return "e_phnum is 0 or more than 16";
	if (eh->e_phoff > size ||
	    (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr) > size - eh->e_phoff)
		return "program headers outside the file";
	if (eh->e_phoff % 8)
		return "program headers misaligned";
	return 0;
}

static const char *segment_problem(const struct elf64_phdr *ph, uint64_t size,
				   uint64_t ram)
{
	if (ph->p_filesz > ph->p_memsz)
		return "segment p_filesz > p_memsz";
	if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
		return "segment data outside the file";
	if (ph->p_vaddr != ph->p_paddr)
		return "segment p_vaddr != p_paddr (guests run identity-mapped)";
	if (ph->p_paddr < FALLOW_IMAGE_BASE)
		return "segment below FALLOW_IMAGE_BASE";
	if (ph->p_paddr >= ram || ph->p_memsz > ram - ph->p_paddr)
		return "segment does not fit in the guest's RAM";
	return 0;
}

/* Segments that load something; the others are skipped everywhere. */
static bool loads(const struct elf64_phdr *ph)
{
	return ph->p_type == ELF_PT_LOAD && ph->p_memsz != 0;
}

/* Both fit in RAM (checked first), so neither end overflows. */
static bool overlap(const struct elf64_phdr *a, const struct elf64_phdr *b)
{
	return a->p_paddr < b->p_paddr + b->p_memsz && b->p_paddr < a->p_paddr + a->p_memsz;
}

/* Checks every loadable segment and places the image; writes nothing. */
static const char *plan(const struct elf64_ehdr *eh, const struct elf64_phdr *ph,
			uint64_t size, uint64_t ram, struct elf_image *out)
{
	bool entry_ok = false;

	*out = (struct elf_image){ .entry = eh->e_entry, .start = UINT64_MAX };
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const char *problem;

		if (!loads(&ph[i]))
			continue;
		if ((problem = segment_problem(&ph[i], size, ram)))
			return problem;
		for (unsigned j = 0; j < i; j++)
			if (loads(&ph[j]) && overlap(&ph[i], &ph[j]))
				return "segments overlap";
		if (ph[i].p_paddr < out->start)
			out->start = ph[i].p_paddr;
		if (ph[i].p_paddr + ph[i].p_memsz > out->end)
			out->end = ph[i].p_paddr + ph[i].p_memsz;
		if ((ph[i].p_flags & ELF_PF_X) && eh->e_entry >= ph[i].p_paddr &&
		    eh->e_entry - ph[i].p_paddr < ph[i].p_memsz)
			entry_ok = true;
	}
	if (out->start == UINT64_MAX)
		return "no loadable segment";
	if (!entry_ok)
		return "entry point not in an executable segment";
	return 0;
}

int load_elf(const struct load_target *t, const void *image, uint64_t size,
	     struct elf_image *out, char *why, size_t whylen)
{
	const struct elf64_ehdr *eh = image;
	const char *problem = header_problem(eh, size);

	if (problem)
		return refuse(why, whylen, problem);
	const struct elf64_phdr *ph =
		(const struct elf64_phdr *)((const char *)image + eh->e_phoff);

	if ((problem = plan(eh, ph, size, t->ram_bytes, out)))
		return refuse(why, whylen, problem);
	for (unsigned i = 0; i < eh->e_phnum; i++)
		if (loads(&ph[i]) && ph[i].p_filesz &&
		    t->write(t->ctx, ph[i].p_paddr, (const char *)image + ph[i].p_offset,
			     ph[i].p_filesz))
			return refuse(why, whylen, "segment write failed");
	return 0;
}

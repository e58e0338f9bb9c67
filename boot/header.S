/* The multiboot2 header (multiboot2 specification, section 3.1): asks the
 * loader for the kernel command line, the modules (guest images), the
 * memory map and the ACPI RSDP, and for page-aligned modules. */

#define MB2_HEADER_MAGIC 0xe85250d6
#define MB2_ARCH_I386 0
#define MB2_TAG_END 0
#define MB2_TAG_INFO_REQUEST 1
#define MB2_TAG_MODULE_ALIGN 6
#define MB2_TAG_REQUIRED 0

/* Information tag types we ask for (section 3.6). */
#define MB2_INFO_CMDLINE 1
#define MB2_INFO_MODULE 3
#define MB2_INFO_MMAP 6
#define MB2_INFO_ACPI_OLD 14
#define MB2_INFO_ACPI_NEW 15

	.section .multiboot, "a"
	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

	.balign 8
mb2_info_request:
	.short MB2_TAG_INFO_REQUEST
	.short MB2_TAG_REQUIRED
	.long mb2_info_request_end - mb2_info_request
	.long MB2_INFO_CMDLINE
	.long MB2_INFO_MODULE
	.long MB2_INFO_MMAP
	.long MB2_INFO_ACPI_OLD
	.long MB2_INFO_ACPI_NEW
mb2_info_request_end:

	/* Guest images are mapped into guests with 4 KiB granularity. */
	.balign 8
	.short MB2_TAG_MODULE_ALIGN
	.short MB2_TAG_REQUIRED
	.long 8

	.balign 8
	.short MB2_TAG_END
	.short 0
	.long 8
mb2_header_end:

	/* No executable stack. */
	.section .note.GNU-stack, "", @progbits

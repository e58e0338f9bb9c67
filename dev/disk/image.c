/* Disk images: multiboot2 modules whose command line (after GRUB's path)
 * starts with `image=NAME`. They stay where the boot loader put them (the
 * frame allocator reserved every module) and are only ever read. */
#include "dev/disk/disk.h"
#include "vmx/hv.h"

static struct disk_image images[DISK_IMAGE_MAX];
static unsigned nimages;

/* Past GRUB's module path (a first word starting with '/') and blanks. */
static const char *skip_path(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '/')
		while (*s && *s != ' ' && *s != '\t')
			s++;
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

bool disk_module_is_image(const char *cmdline)
{
	return !strncmp(skip_path(cmdline), DISK_IMAGE_KEY, sizeof(DISK_IMAGE_KEY) - 1);
}

static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

/* Copies the NAME of `image=NAME` into out: the length, or 0 when the
 * name is empty, too long, has a bad character or words follow it. */
static size_t parse_name(const char *cmdline, char out[DISK_NAME_MAX])
{
	const char *s = skip_path(cmdline) + sizeof(DISK_IMAGE_KEY) - 1;
	size_t n = 0;

	while (s[n] && s[n] != ' ' && s[n] != '\t') {
		if (n == DISK_NAME_MAX - 1 || !name_char_ok(s[n]))
			return 0;
		out[n] = s[n];
		n++;
	}
	out[n] = '\0';
	for (const char *rest = s + n; *rest; rest++)
		if (*rest != ' ' && *rest != '\t')
			return 0;
	return n;
}

const struct disk_image *disk_image_find(const char *name)
{
	for (unsigned i = 0; i < nimages; i++)
		if (!strcmp(images[i].name, name))
			return &images[i];
	return NULL;
}

static void add(unsigned mod, const struct boot_module *m)
{
	struct disk_image im;

	if (!parse_name(m->cmdline, im.name)) {
		kprintf("disk: module %u refused: want 'image=NAME' alone, NAME 1-%u of [A-Za-z0-9_.-]\n",
			mod, DISK_NAME_MAX - 1);
		return;
	}
	if (disk_image_find(im.name)) {
		kprintf("disk: image %s refused: another image has that name\n", im.name);
		return;
	}
	if (nimages == DISK_IMAGE_MAX) {
		kprintf("disk: image %s refused: at most %u images\n", im.name, DISK_IMAGE_MAX);
		return;
	}
	im.data = phys_to_virt(m->start);
	im.bytes = m->end - m->start;
	im.sectors = im.bytes / DISK_SECTOR_SIZE;
	images[nimages++] = im;
	kprintf("disk: image %s: module %u, %llu sectors (%llu KiB), read-only\n", im.name,
		mod, (unsigned long long)im.sectors,
		(unsigned long long)(im.sectors * DISK_SECTOR_SIZE >> 10));
}

unsigned disk_images_register(const struct boot_info *bi)
{
	nimages = 0;
	for (unsigned i = 0; i < bi->nmodules; i++)
		if (disk_module_is_image(bi->modules[i].cmdline))
			add(i, &bi->modules[i]);
	return nimages;
}

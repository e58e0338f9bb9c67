/* A guest's module command line: `name= mem= maxmem= weight= start=
 * disk= disk_size= tmem= tmem_dedup= tmem_compress= kind= initrd= lapic=`
 * for the hypervisor, every other word passed through to the guest. Each
 * value is checked here; a guest with a bad configuration is refused by
 * name. */
#include "guest/config.h"
#include "lib/cmdline.h"
#include "lib/err.h"
#include "lib/fmt.h"
#include "mm/phys.h"

enum guest_key {
	KEY_NAME, KEY_MEM, KEY_MAXMEM, KEY_WEIGHT, KEY_START,
	KEY_DISK, KEY_DISK_SIZE, KEY_TMEM, KEY_TMEM_DEDUP, KEY_TMEM_COMPRESS,
	KEY_KIND, KEY_INITRD, KEY_LAPIC,
	KEY_COUNT
};

enum { CHOICE_ON, CHOICE_OFF };
static const char *const on_off[] = { [CHOICE_ON] = "on", [CHOICE_OFF] = "off", NULL };
/* tmem_dedup=shared widens dedup to every guest configured so (their
 * ephemeral pools only): the administrator's choice, since equal pages
 * across guests are a side channel between them. */
enum { DEDUP_ON, DEDUP_OFF, DEDUP_SHARED };
static const char *const dedup_choices[] = { [DEDUP_ON] = "on", [DEDUP_OFF] = "off",
					     [DEDUP_SHARED] = "shared", NULL };

static const char *const kind_choices[] = { [GUEST_KIND_ELF] = "elf",
					    [GUEST_KIND_LINUX] = "linux", NULL };

#define START_AFTER_PREFIX "after:"
#define START_AFTER_PREFIX_LEN 6
#define START_AFTER_MAX_DIGITS 5 /* GUEST_START_AFTER_MAX_S has five */

/* Parsed one word at a time with the shared option parser so sizes and
 * their suffixes mean the same here as on the kernel command line. */
static const struct cmdline_opt keys[KEY_COUNT] = {
	[KEY_NAME] = { "name", CMDLINE_STRING, 0 },
	[KEY_MEM] = { "mem", CMDLINE_SIZE, 0 },
	[KEY_MAXMEM] = { "maxmem", CMDLINE_SIZE, 0 },
	[KEY_WEIGHT] = { "weight", CMDLINE_STRING, 0 },
	[KEY_START] = { "start", CMDLINE_STRING, 0 },
	[KEY_DISK] = { "disk", CMDLINE_STRING, 0 },
	[KEY_DISK_SIZE] = { "disk_size", CMDLINE_SIZE, 0 },
	[KEY_TMEM] = { "tmem", CMDLINE_CHOICE, on_off },
	[KEY_TMEM_DEDUP] = { "tmem_dedup", CMDLINE_CHOICE, dedup_choices },
	[KEY_TMEM_COMPRESS] = { "tmem_compress", CMDLINE_CHOICE, on_off },
	[KEY_KIND] = { "kind", CMDLINE_CHOICE, kind_choices },
	[KEY_INITRD] = { "initrd", CMDLINE_STRING, 0 },
	[KEY_LAPIC] = { "lapic", CMDLINE_CHOICE, on_off },
};

static int strncmp_elf(const char *s)
{
	return !(s[0] == '.' && s[1] == 'e' && s[2] == 'l' && s[3] == 'f');
}

static int find_key(const struct cmdline_word *w)
{
	for (int k = 0; k < KEY_COUNT; k++) {
		const char *n = keys[k].name;
		size_t i = 0;

		while (i < w->key_len && n[i] && n[i] == w->key[i])
			i++;
		if (i == w->key_len && !n[i])
			return k;
	}
	return -1;
}

static int name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

/* A guest's or an image's name into out[size]. */
static int copy_name(char *out, size_t size, const char *s, size_t len)
{
	if (len == 0 || len >= size)
		return -ERR_RANGE;
	for (size_t i = 0; i < len; i++) {
		if (!name_char_ok(s[i]))
			return -ERR_INVAL;
		out[i] = s[i];
	}
	out[len] = '\0';
	return 0;
}

static int set_name(struct guest_config *cfg, const char *s, size_t len)
{
	return copy_name(cfg->name, sizeof(cfg->name), s, len);
}

/* disk_size=: whole sectors, not empty, within what an overlay maps. */
static int check_disk_size(uint64_t bytes)
{
	if (!bytes || bytes % DISK_SECTOR_SIZE || bytes > DISK_MAX_BYTES)
		return -ERR_RANGE;
	return 0;
}

/* The keys that configure the disk and tmem. */
static int set_disk_tmem(struct guest_config *cfg, int k, const struct cmdline_val *v)
{
	bool on = v->choice == CHOICE_ON;

	switch (k) {
	case KEY_DISK:
		cfg->disk.present = true;
		return copy_name(cfg->disk.image, sizeof(cfg->disk.image), v->str, v->len);
	case KEY_DISK_SIZE:
		cfg->disk.present = true;
		cfg->disk.size = v->size;
		return check_disk_size(v->size);
	case KEY_TMEM:
		cfg->tmem = on;
		return 0;
	case KEY_TMEM_DEDUP:
		cfg->tmem_dedup = v->choice != DEDUP_OFF;
		cfg->tmem_dedup_shared = v->choice == DEDUP_SHARED;
		return 0;
	default:
		cfg->tmem_compress = on;
		return 0;
	}
}

static int parse_weight(const char *s, size_t len, uint32_t *out)
{
	uint32_t v = 0;

	if (len == 0 || len > 4)
		return -ERR_RANGE;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -ERR_INVAL;
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	if (v == 0 || v > GUEST_WEIGHT_MAX)
		return -ERR_RANGE;
	*out = v;
	return 0;
}

static bool span_is(const char *s, size_t len, const char *z)
{
	size_t i = 0;

	while (i < len && z[i] && s[i] == z[i])
		i++;
	return i == len && !z[i];
}

/* start=now, start=manual or start=after:SECONDS. */
static int parse_start(const char *s, size_t len, struct guest_config *cfg)
{
	uint64_t v = 0;

	if (span_is(s, len, "now")) {
		cfg->start = START_NOW;
		return 0;
	}
	if (span_is(s, len, "manual")) {
		cfg->start = START_MANUAL;
		return 0;
	}
	if (len <= START_AFTER_PREFIX_LEN ||
	    !span_is(s, START_AFTER_PREFIX_LEN, START_AFTER_PREFIX))
		return -ERR_INVAL;
	s += START_AFTER_PREFIX_LEN;
	len -= START_AFTER_PREFIX_LEN;
	if (len > START_AFTER_MAX_DIGITS)
		return -ERR_RANGE;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -ERR_INVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > GUEST_START_AFTER_MAX_S)
		return -ERR_RANGE;
	cfg->start = START_AFTER;
	cfg->start_after_s = v;
	return 0;
}

/* Appends a pass-through word to the guest's command line. */
static int append_word(struct guest_config *cfg, const struct cmdline_word *w)
{
	size_t used = 0;

	while (cfg->cmdline[used])
		used++;
	size_t need = w->word_len + (used ? 1 : 0);

	if (used + need >= sizeof(cfg->cmdline))
		return -ERR_RANGE;
	if (used)
		cfg->cmdline[used++] = ' ';
	for (size_t i = 0; i < w->word_len; i++)
		cfg->cmdline[used++] = w->word[i];
	cfg->cmdline[used] = '\0';
	return 0;
}

static int check_sizes(struct guest_config *cfg, bool have_mem, bool have_maxmem,
		       char *why, size_t whylen)
{
	if (!have_mem) {
		fmt_snprintf(why, whylen, "no mem= (guest RAM size)");
		return -ERR_INVAL;
	}
	if (cfg->mem & FRAME_MASK || cfg->mem < FALLOW_MIN_RAM ||
	    cfg->mem > FALLOW_MAX_RAM) {
		fmt_snprintf(why, whylen,
			     "mem=%llu bytes: must be a multiple of 4K between 2M and 64G",
			     (unsigned long long)cfg->mem);
		return -ERR_RANGE;
	}
	if (!have_maxmem)
		cfg->maxmem = cfg->mem;
	if (cfg->maxmem < cfg->mem || cfg->maxmem & FRAME_MASK) {
		fmt_snprintf(why, whylen,
			     "maxmem=%llu bytes: must be a multiple of 4K and >= mem",
			     (unsigned long long)cfg->maxmem);
		return -ERR_RANGE;
	}
	return 0;
}

/* GRUB puts the module's path first on its command line: skip it and
 * keep its base name, without ".elf", as the default guest name. */
static const char *skip_path(const char *line, const char **base, size_t *len)
{
	while (*line == ' ' || *line == '\t')
		line++;
	*base = line;
	*len = 0;
	if (*line != '/')
		return line;
	const char *p = line;

	for (; *p && *p != ' ' && *p != '\t'; p++)
		if (*p == '/')
			*base = p + 1;
	*len = (size_t)(p - *base);
	if (*len > 4 && !strncmp_elf(*base + *len - 4))
		*len -= 4;
	return p;
}

int guest_config_parse(const char *line, struct guest_config *cfg, char *why,
		       size_t whylen)
{
	const char *fallback_name;
	size_t fallback_len;
	struct cmdline_iter it;
	struct cmdline_word w;
	bool seen[KEY_COUNT] = { false };
	int rc;

	*cfg = (struct guest_config){ .weight = 1, .tmem = true, .tmem_dedup = true,
				      .tmem_compress = true };
	line = skip_path(line, &fallback_name, &fallback_len);
	cmdline_iter_init(&it, line, FALLOW_CMDLINE_MAX * 2);
	while ((rc = cmdline_next(&it, &w)) > 0) {
		int k = find_key(&w);
		struct cmdline_val v;
		char err[CMDLINE_ERR_LEN];

		if (k < 0) {
			if (append_word(cfg, &w)) {
				fmt_snprintf(why, whylen, "command line longer than %u bytes",
					     FALLOW_CMDLINE_MAX - 1);
				return -ERR_RANGE;
			}
			continue;
		}
		if (seen[k]) {
			fmt_snprintf(why, whylen, "%s= given twice", keys[k].name);
			return -ERR_EXIST;
		}
		seen[k] = true;
		rc = cmdline_parse(w.word, w.word_len, &keys[k], 1, &v, err, sizeof(err));
		if (rc) {
			fmt_snprintf(why, whylen, "%s", err);
			return rc;
		}
		if (k == KEY_NAME)
			rc = set_name(cfg, v.str, v.len);
		else if (k == KEY_WEIGHT)
			rc = parse_weight(v.str, v.len, &cfg->weight);
		else if (k == KEY_START)
			rc = parse_start(v.str, v.len, cfg);
		else if (k == KEY_MEM)
			cfg->mem = v.size;
		else if (k == KEY_MAXMEM)
			cfg->maxmem = v.size;
		else if (k == KEY_KIND)
			cfg->kind = (enum guest_kind)v.choice;
		else if (k == KEY_INITRD)
			rc = copy_name(cfg->initrd, sizeof(cfg->initrd), v.str, v.len);
		else if (k == KEY_LAPIC)
			cfg->lapic = v.choice == CHOICE_ON;
		else
			rc = set_disk_tmem(cfg, k, &v);
		if (rc) {
			if (k == KEY_START)
				fmt_snprintf(why, whylen,
					     "bad start=%.*s (now, manual or after:SECONDS up to %u)",
					     (int)v.len, v.str, GUEST_START_AFTER_MAX_S);
			else if (k == KEY_DISK_SIZE)
				fmt_snprintf(why, whylen,
					     "bad disk_size=%.*s (a multiple of %u bytes, 1 sector to %lluG)",
					     (int)v.len, v.str, DISK_SECTOR_SIZE,
					     (unsigned long long)(DISK_MAX_BYTES >> 30));
			else
				fmt_snprintf(why, whylen, "bad %s=%.*s", keys[k].name,
					     (int)v.len, v.str);
			return rc;
		}
	}
	if (rc < 0) {
		fmt_snprintf(why, whylen, "malformed word '%.*s'",
			     (int)(w.word_len > 40 ? 40 : w.word_len), w.word);
		return rc;
	}
	if (!seen[KEY_NAME] && set_name(cfg, fallback_name, fallback_len)) {
		fmt_snprintf(why, whylen, "no name= and the file name is no usable name");
		return -ERR_INVAL;
	}
	/* Linux needs its interrupt controller and timer; Fallow's own
	 * guests run without unless they ask. */
	if (!seen[KEY_LAPIC])
		cfg->lapic = cfg->kind == GUEST_KIND_LINUX;
	if (cfg->initrd[0] && cfg->kind != GUEST_KIND_LINUX) {
		fmt_snprintf(why, whylen, "initrd= needs kind=linux");
		return -ERR_INVAL;
	}
	return check_sizes(cfg, seen[KEY_MEM], seen[KEY_MAXMEM], why, whylen);
}

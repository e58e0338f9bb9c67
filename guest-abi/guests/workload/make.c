/* make clean; make -jN. The units of a round are the first source files
 * of the tree (headers excluded) up to src_kb bytes. N tasks take units
 * in turn and interleave step by step on the one vCPU; between steps the
 * self-balloon gets its chance. A unit reads its source file and a few
 * headers through the page cache, allocates its compiler memory (with a
 * spike now and then) and works over its task's steady memory (reading
 * back, and so checking, what it wrote there, swapped out or not), writes
 * its object file, and frees its memory. After the last unit the "link"
 * reads every object back. make clean deletes the objects. */
#include "guest-abi/guests/workload/wl.h"
#include "guest-abi/rt/rt.h"

enum step { READ_SOURCE, READ_HEADERS, COMPILE, WRITE_OBJECT, IDLE };

struct task {
	enum step step;
	uint32_t file, unit;
	uint32_t *steady;    /* ids of the task's steady memory */
	uint32_t nsteady, cursor;
	uint32_t *transient; /* ids of the unit's memory */
	uint32_t ntransient;
};

#define MAX_TASKS 64u

static struct task task[MAX_TASKS];
static uint32_t ntasks, nunits, next_unit, units_done, round_no;
static uint32_t *unit_file;  /* file index of each unit */
static uint32_t max_transient, spike_pages, steady_pages;

static uint32_t pages_of_kb(uint64_t kb)
{
	return (uint32_t)((kb * 1024 + WL_PAGE - 1) / WL_PAGE);
}

static uint32_t transient_pages(uint32_t file)
{
	return (uint32_t)(((uint64_t)tree_file(file)->pages * wl_opt.unit_pct + 99) / 100);
}

static bool spikes(uint32_t unit)
{
	return wl_opt.spike_every && unit % wl_opt.spike_every == wl_opt.spike_every - 1;
}

static void verify_source(uint32_t file, uint32_t page, const void *data, void *ctx)
{
	(void)ctx;
	tree_verify(file, page, data);
}

static void verify_object(uint32_t file, uint32_t page, const void *data, void *ctx)
{
	(void)ctx;
	obj_verify(file - WL_OBJ_FILE_BASE, round_no, page, data);
}

/* Chooses the units and sizes every table; before anything is freed, so
 * the tables are runs of adjacent pages. */
int make_init(void)
{
	uint64_t bytes = 0, total_ids;
	uint32_t biggest = 0;

	ntasks = (uint32_t)(wl_opt.tasks ? wl_opt.tasks : 1);
	if (ntasks > MAX_TASKS)
		return -FALLOW_ERANGE;
	unit_file = mem_table(tree_count() * sizeof(*unit_file));
	if (!unit_file)
		return -FALLOW_ENOMEM;
	for (uint32_t i = 0; i < tree_count() && bytes < wl_opt.src_kb * 1024; i++) {
		if (tree_file(i)->header)
			continue;
		unit_file[nunits++] = i;
		bytes += tree_file(i)->bytes;
		if (transient_pages(i) > biggest)
			biggest = transient_pages(i);
	}
	if (!nunits)
		return -FALLOW_ENOENT;
	spike_pages = pages_of_kb(wl_opt.spike_kb);
	max_transient = biggest + spike_pages;
	steady_pages = pages_of_kb(wl_opt.anon_kb) / ntasks;
	for (uint32_t t = 0; t < ntasks; t++) {
		task[t].steady = mem_table((uint64_t)steady_pages * sizeof(uint32_t) + 1);
		task[t].transient = mem_table((uint64_t)max_transient * sizeof(uint32_t) + 1);
		if (!task[t].steady || !task[t].transient)
			return -FALLOW_ENOMEM;
	}
	total_ids = (uint64_t)ntasks * (steady_pages + max_transient);
	rt_printf("workload: %u units (%llu KiB of source), %u tasks, %u steady pages each,"
		  " up to %u transient\n", nunits, (unsigned long long)(bytes / 1024), ntasks,
		  steady_pages, max_transient);
	return anon_init(total_ids ? total_ids : 1, obj_end_sector(),
			 pages_of_kb(wl_opt.swap_kb));
}

static uint32_t new_anon(void)
{
	uint32_t id = anon_new();

	if (id == WL_NONE)
		wl_fail("anonymous page ids ran out", -FALLOW_ENOMEM);
	anon_touch(id);
	return id;
}

/* ------------------------------------------------------------ a unit's steps */
static void read_headers(struct task *t)
{
	uint32_t nh = tree_header_count();

	for (uint64_t k = 0; nh && k < wl_opt.headers; k++) {
		uint32_t h = tree_header((uint32_t)((t->file * 31u + k * 17u) % nh));

		cache_read(h, 0, tree_file(h)->pages, tree_file(h)->sector, verify_source, 0);
	}
}

static void compile(struct task *t)
{
	uint32_t n = transient_pages(t->file) + (spikes(t->unit) ? spike_pages : 0);

	for (t->ntransient = 0; t->ntransient < n; t->ntransient++)
		t->transient[t->ntransient] = new_anon();
	for (uint64_t k = 0; t->nsteady && k < wl_opt.touch_pages; k++) {
		anon_touch(t->steady[t->cursor]);
		t->cursor = (t->cursor + 1) % t->nsteady;
	}
}

static void write_object(struct task *t)
{
	uint32_t pages = obj_pages(t->file), file = WL_OBJ_FILE_BASE + t->file;
	uint64_t sector = obj_sector(t->file);

	/* The compiler exits: its memory goes, unread (pages that were swapped
	 * out are dropped from swap; the steady memory is what gets read back). */
	for (uint32_t i = 0; i < t->ntransient; i++)
		anon_free(t->transient[i]);
	t->ntransient = 0;
	for (uint32_t done = 0; done < pages;) {
		uint32_t n = pages - done < WL_BOUNCE_PAGES ? pages - done : WL_BOUNCE_PAGES;

		for (uint32_t i = 0; i < n; i++)
			obj_fill(t->file, round_no, done + i, wl_bounce + (uint64_t)i * WL_PAGE);
		wl_disk_write(sector + (uint64_t)done * WL_SECTORS_PER_PAGE, n, wl_bounce);
		for (uint32_t i = 0; i < n; i++)
			cache_insert(file, done + i, wl_bounce + (uint64_t)i * WL_PAGE);
		done += n;
	}
}

/* One step of task t; false when it has nothing left to do. */
static bool step(struct task *t)
{
	switch (t->step) {
	case IDLE:
		if (next_unit >= nunits)
			return false;
		t->unit = next_unit;
		t->file = unit_file[next_unit++];
		t->step = READ_SOURCE;
		return true;
	case READ_SOURCE:
		cache_read(t->file, 0, tree_file(t->file)->pages, tree_file(t->file)->sector,
			   verify_source, 0);
		t->step = READ_HEADERS;
		return true;
	case READ_HEADERS:
		read_headers(t);
		t->step = COMPILE;
		return true;
	case COMPILE:
		compile(t);
		t->step = WRITE_OBJECT;
		return true;
	case WRITE_OBJECT:
		write_object(t);
		wl_count.units++;
		units_done++;
		t->step = IDLE;
		return true;
	}
	return false;
}

/* ------------------------------------------------------------ a round */
static void clean(void)
{
	for (uint32_t u = 0; u < nunits; u++)
		cache_drop(WL_OBJ_FILE_BASE + unit_file[u], obj_pages(unit_file[u]));
}

void make_link(void)
{
	for (uint32_t u = 0; u < nunits; u++) {
		uint32_t f = unit_file[u];

		cache_read(WL_OBJ_FILE_BASE + f, 0, obj_pages(f), obj_sector(f), verify_object, 0);
		mem_poll();
	}
}

void make_round(uint32_t round)
{
	bool busy = true;

	round_no = round;
	clean();
	next_unit = units_done = 0;
	for (uint32_t t = 0; t < ntasks; t++) { /* make starts its jobs */
		task[t].step = IDLE;
		task[t].cursor = 0;
		for (task[t].nsteady = 0; task[t].nsteady < steady_pages; task[t].nsteady++)
			task[t].steady[task[t].nsteady] = new_anon();
	}
	while (busy) {
		busy = false;
		for (uint32_t t = 0; t < ntasks; t++) {
			busy |= step(&task[t]);
			mem_poll();
		}
	}
	for (uint32_t t = 0; t < ntasks; t++) { /* the jobs exit */
		for (uint32_t i = 0; i < task[t].nsteady; i++) {
			anon_touch(task[t].steady[i]);
			anon_free(task[t].steady[i]);
		}
		task[t].nsteady = 0;
	}
	make_link();
}

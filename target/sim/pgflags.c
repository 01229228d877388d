// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated machine's side of page-flag tag references (issue 6):
 *
 * - the kernel tag section: a region of TF_PGF_MAX_KERNEL_TAGS struct
 *   alloc_tag reserved once per process (untouched pages cost nothing);
 *   kallsyms_lookup_name("__start_alloc_tags"/"__stop_alloc_tags") gives
 *   the scenario's [first, first + count).  Slots are written once per
 *   process up to the highest count seen, each pointing at one shared
 *   "shadow" per-CPU counter block; a slot the scenario allocates with is
 *   materialised (its own counters) and put back at the next boot.  A
 *   decode that lands on a tag nobody allocated with thus counts into the
 *   shadow, which the model requires to stay zero;
 * - the module tag area (execmem_vmap): slots no module was loaded into
 *   this run point at a shadow counter block too; and the modules
 *   themselves: load (the codetag layer: needs_section_mem,
 *   codetag_alloc_module_section, copying the module's tags in with no
 *   counters, as DEFINE_ALLOC_TAG leaves them in a module, then
 *   codetag_load_module()'s module_load, which allocates them) and unload
 *   (codetag_unload_module(): free_section_mem(mod, true), which frees
 *   the counters of unused tags); a module whose code runs on some CPU (a
 *   tagalloc from its tags in flight) holds a reference and is not
 *   unloaded (-EBUSY);
 * - boot: the static keys and support flag per run, page->flags of every
 *   page (zone, LAST_CPUPID), alloc_tag_sec_init(), alloc_mod_tags_mem();
 * - tag ids and names for kernel and module tags, and the observation
 *   functions the model reads (tagfuzz/pgflags.h).
 */
#include <stdio.h>
#include <sys/mman.h>

#include <linux/err.h>
#include <linux/execmem.h>
#include <linux/kallsyms.h>
#include <linux/module.h>
#include <linux/string.h>

#include "../mm/internal.h"
#include "../variants/pgflags_v3.h"
#include "tagfuzz/observe.h"
#include "tagfuzz/pgflags.h"
#include "tagfuzz/pgflags_sim.h"
#include "tagfuzz/sim.h"
#include "tagfuzz/sim_internal.h"
#include "tagfuzz/strmatch.h"

int tf_pgflag_bits;
bool tf_pgf_mode;

/* lib/alloc_tag.c functions the codetag layer calls (alloc_tag_pgflags.c). */
bool needs_section_mem(struct module *mod, unsigned long size);
void *reserve_module_tags(struct module *mod, unsigned long size,
			  unsigned int prepend, unsigned long align);
void release_module_tags(struct module *mod, bool used);
int load_module(struct module *mod, struct codetag *start, struct codetag *stop);
int alloc_mod_tags_mem(void);
int proc_mem_profiling_write(bool on);

#define TAG_SIZE	sizeof(struct alloc_tag)
#define KREGION_BYTES	((size_t)TF_PGF_MAX_KERNEL_TAGS * TAG_SIZE)
#define MAREA_TAGS	((unsigned long)TF_PGF_AREA_TAGS)
#define MREGION_BYTES	(MAREA_TAGS * TAG_SIZE + 2 * PAGE_SIZE)
#define INIT_CHUNK	4096

/* Up to a multiple of sizeof(struct alloc_tag), as alloc_tag_align() does. */
static inline unsigned long align_up_tag(unsigned long v)
{
	return (v + TAG_SIZE - 1) / TAG_SIZE * TAG_SIZE;
}

static struct alloc_tag *kregion;
static unsigned long kregion_ready;	/* slots written with the template */
static unsigned char *mregion;
static struct alloc_tag *mfirst;	/* module_tags.first_tag: mregion aligned up to TAG_SIZE */
static unsigned long mdirty;		/* module slots written this run */
static unsigned long ktags;		/* this run's kernel tag count */

/* Per-CPU counters: [0] kernel shadow, [1] module shadow, then one per materialised tag. */
#define NR_COUNTERS	(TF_PCPU_UNIT / sizeof(struct alloc_tag_counters))
static unsigned char tf_pgf_pcpu[TF_MAX_CPUS][TF_PCPU_UNIT] __attribute__((aligned(64)));
static unsigned int nr_counters = 2;
static struct alloc_tag *materialised[NR_COUNTERS];
static unsigned int nr_materialised;

static struct alloc_tag_counters __percpu *counters_at(unsigned int i)
{
	return (struct alloc_tag_counters __percpu *)
		&tf_pgf_pcpu[0][i * sizeof(struct alloc_tag_counters)];
}

static void zero_counters(unsigned int i)
{
	for (int cpu = 0; cpu < TF_MAX_CPUS; cpu++)
		memset(per_cpu_ptr(counters_at(i), cpu), 0, sizeof(struct alloc_tag_counters));
}

static void kernel_template(struct alloc_tag *tag)
{
	*tag = (struct alloc_tag){
		.ct = { .function = "kernel_tag", .filename = "kernel" },
		.counters = counters_at(0),
	};
}

static void module_template(struct alloc_tag *tag)
{
	*tag = (struct alloc_tag){
		.ct = { .function = "module_tag", .filename = "module" },
		.counters = counters_at(1),
	};
}

static void regions_map(void)
{
	if (kregion)
		return;
	kregion = mmap(NULL, KREGION_BYTES, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	mregion = mmap(NULL, MREGION_BYTES + 5 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (kregion == MAP_FAILED || mregion == MAP_FAILED)
		__builtin_trap();
	/*
	 * The area's base is page aligned, so how much alloc_tag_align() cuts
	 * off it depends on the address: pick the same remainder (16 bytes
	 * past a multiple of 40) in every process, so that every run has the
	 * same usable area.
	 */
	while ((unsigned long)mregion % TAG_SIZE != 16)
		mregion += PAGE_SIZE;
	/* alloc_mod_tags_mem() aligns the page-aligned base up to a tag. */
	mfirst = (struct alloc_tag *)align_up_tag((unsigned long)mregion);
	for (unsigned long i = 0; i < MAREA_TAGS; i++)
		module_template(&mfirst[i]);
}

/* Every slot below @count holds the template. */
static void kernel_slots_ready(unsigned long count)
{
	while (kregion_ready < count) {
		unsigned long end = min(kregion_ready + INIT_CHUNK, (unsigned long)TF_PGF_MAX_KERNEL_TAGS);

		for (unsigned long i = kregion_ready; i < end; i++)
			kernel_template(&kregion[i]);
		kregion_ready = end;
	}
}

/* Put back what the last run touched. */
static void regions_reset(void)
{
	for (unsigned int i = 0; i < nr_materialised; i++) {
		struct alloc_tag *tag = materialised[i];

		if (tag >= kregion && tag < kregion + TF_PGF_MAX_KERNEL_TAGS)
			kernel_template(tag);
	}
	nr_materialised = 0;
	for (unsigned long i = 0; i < mdirty && i < MAREA_TAGS; i++) {
		/* Counters load_module() gave the last run's modules and no clean freed. */
		if (mfirst[i].counters && mfirst[i].counters != counters_at(1) &&
		    tf_pcpu_state(mfirst[i].counters) == TF_PCPU_LIVE)
			tf_pcpu_dyn_release(mfirst[i].counters);
		module_template(&mfirst[i]);
	}
	mdirty = 0;
	for (unsigned int i = 0; i < nr_counters; i++)
		zero_counters(i);
	nr_counters = 2;
}

unsigned long kallsyms_lookup_name(const char *name)
{
	if (tf_str_eq(name, "__start_alloc_tags"))
		return (unsigned long)kregion;
	if (tf_str_eq(name, "__stop_alloc_tags"))
		return (unsigned long)(kregion + ktags);
	return 0;
}

void *execmem_vmap(size_t size)
{
	return size <= MREGION_BYTES - PAGE_SIZE ? mregion : NULL;
}

/* Give @tag counters of its own the first time the scenario uses it. */
static struct alloc_tag *materialise(struct alloc_tag *tag)
{
	if (tag->counters != counters_at(0) && tag->counters != counters_at(1))
		return tag;
	if (nr_counters == NR_COUNTERS) {
		tf_note("no counters left for another tag: untagged");
		return NULL;
	}
	tag->counters = counters_at(nr_counters++);
	materialised[nr_materialised++] = tag;
	return tag;
}

/* ------------------------------------------------------------------ */
/* Modules                                                             */
/* ------------------------------------------------------------------ */

struct tf_module {
	struct module mod;
	bool loaded;
	struct alloc_tag *first;	/* its tags in the area, or NULL */
	unsigned int nr_tags;
};

static struct tf_module tf_mods[TF_PGF_MAX_MODULES];
/* Per CPU: the module whose tag the allocation in flight there uses, or -1. */
static int busy_mod[TF_MAX_CPUS];

static void emit_pgf(enum tf_pgf_event what, unsigned long a, unsigned long b, unsigned int c)
{
	struct tf_event ev = { .kind = TF_EV_PGF, .section = what, .pfn = a, .pfn2 = b,
			       .order = c };

	tf_emit(&ev);
}

/*
 * load_module(): the codetag layer's part.  The loader asks whether the
 * module's alloc_tags section needs memory of its own, reserves it in the
 * area, and copies the module's tags there; a failed reservation fails
 * the load (codetag_free_module_sections()).
 */
void tf_pgf_module_load(unsigned int nr_tags, unsigned int align, unsigned int prepend)
{
	unsigned long size = (unsigned long)nr_tags * TAG_SIZE;
	struct tf_module *m = NULL;
	struct alloc_tag *dest;
	int i, err;

	for (i = 0; i < TF_PGF_MAX_MODULES; i++) {
		if (!tf_mods[i].loaded) {
			m = &tf_mods[i];
			break;
		}
	}
	if (!m) {
		tf_note("mod_load: %d modules are loaded already", TF_PGF_MAX_MODULES);
		return;
	}
	memset(m, 0, sizeof(*m));
	snprintf(m->mod.name, sizeof(m->mod.name), "mod%d", i);
	if (!needs_section_mem(&m->mod, size)) {
		m->loaded = true;
		tf_note("%s loaded; its %u tags need no area", m->mod.name, nr_tags);
		emit_pgf(TF_PGF_EV_MODULE_LOAD, 0, 0, i);
		return;
	}
	dest = reserve_module_tags(&m->mod, size, prepend, align);
	if (!dest || IS_ERR(dest)) {
		release_module_tags(&m->mod, false);	/* codetag_free_module_sections() */
		tf_note("%s: reserving %u tags (align %u, prepend %u) failed: %ld",
			m->mod.name, nr_tags, align, prepend, dest ? PTR_ERR(dest) : 0L);
		emit_pgf(TF_PGF_EV_MODULE_FAILED, align, nr_tags, i);
		return;
	}
	/*
	 * The loader copies the module's alloc_tags section in: a module's
	 * DEFINE_ALLOC_TAG has no counters.
	 */
	mdirty = max(mdirty, (unsigned long)(dest - mfirst) + nr_tags);
	for (unsigned int j = 0; j < nr_tags; j++) {
		dest[j] = (struct alloc_tag){
			.ct = { .function = "module_tag", .filename = "module",
				.modname = m->mod.name, .lineno = j },
			.counters = NULL,
		};
	}
	/*
	 * codetag_load_module() -> codetag_module_init() -> the type's
	 * module_load; a failure fails the load, whose error path frees the
	 * section (module_deallocate() -> codetag_free_module_sections()).
	 */
	err = load_module(&m->mod, &dest[0].ct, &dest[nr_tags].ct);
	if (err) {
		struct tf_event ev = { .kind = TF_EV_PGF, .section = TF_PGF_EV_MODULE_FAILED,
				       .pfn = dest - mfirst, .pfn2 = nr_tags, .order = i,
				       .alloc_flags = TF_PGF_FAIL_COUNTERS };

		release_module_tags(&m->mod, false);
		tf_note("%s: codetag_load_module() failed: %d", m->mod.name, err);
		tf_emit(&ev);
		return;
	}
	m->first = dest;
	m->nr_tags = nr_tags;
	m->loaded = true;
	tf_note("%s loaded: %u tags at area slot %ld", m->mod.name, nr_tags,
		(long)(dest - mfirst));
	emit_pgf(TF_PGF_EV_MODULE_LOAD, dest - mfirst, nr_tags, i);
}

/*
 * The module at @n (modulo the loaded ones) goes: free_module() ->
 * codetag_unload_module() -> free_section_mem(mod, true).  Its code no
 * longer runs, so nothing allocates from its tags any more; pages it
 * allocated are still freed, by anyone, on any CPU.
 */
void tf_pgf_module_unload(unsigned int n)
{
	unsigned int nr = 0, i;

	for (i = 0; i < TF_PGF_MAX_MODULES; i++)
		nr += tf_mods[i].loaded;
	if (!nr)
		return;
	n %= nr;
	for (i = 0; i < TF_PGF_MAX_MODULES; i++) {
		struct tf_module *m = &tf_mods[i];

		if (!m->loaded || n--)
			continue;
		for (int cpu = 0; cpu < TF_MAX_CPUS; cpu++) {
			if (busy_mod[cpu] != (int)i)
				continue;
			/* try_stop_module(): its code holds a reference. */
			tf_note("%s: in use on CPU%d, not unloaded (-EBUSY)", m->mod.name, cpu);
			emit_pgf(TF_PGF_EV_MODULE_BUSY, cpu, 0, i);
			return;
		}
		m->loaded = false;	/* MODULE_STATE_GOING: no longer selectable */
		emit_pgf(TF_PGF_EV_MODULE_GOING, m->first ? m->first - mfirst : 0, m->nr_tags, i);
		if (m->first)
			release_module_tags(&m->mod, true);
		if (tf_trace_enabled) {
			unsigned int kept = 0;

			for (unsigned int j = 0; j < m->nr_tags; j++)
				kept += tf_pcpu_state(m->first[j].counters) == TF_PCPU_LIVE;
			tf_note("%s unloaded: %u of its %u tags keep their counters", m->mod.name,
				kept, m->nr_tags);
		}
		emit_pgf(TF_PGF_EV_MODULE_UNLOAD, m->first ? m->first - mfirst : 0,
			 m->nr_tags, i);
		m->first = NULL;
		return;
	}
}

/* The allocation that tf_pgf_select_tag() chose a tag for is over. */
void tf_pgf_tag_done(void)
{
	busy_mod[tf_cur_cpu] = -1;
}

/*
 * The tag an allocation op names: in page-flag mode, a kernel or module
 * tag by selector (TF_PGF_SEL_*); NULL when that set is empty.
 */
struct alloc_tag *tf_pgf_select_tag(unsigned int sel)
{
	unsigned int region = sel >> 14, off = sel & 0x3fff;
	unsigned long nr = 0, idx;

	if (region < 2) {
		if (!ktags)
			return NULL;
		idx = off % ktags;
		if (region == 1)
			idx = ktags - 1 - idx;
		return materialise(&kregion[idx]);
	}
	for (int i = 0; i < TF_PGF_MAX_MODULES; i++)
		if (tf_mods[i].loaded)
			nr += tf_mods[i].nr_tags;
	if (!nr)
		return NULL;
	idx = off % nr;
	if (region == 3)
		idx = nr - 1 - idx;
	for (int i = 0; i < TF_PGF_MAX_MODULES; i++) {
		if (!tf_mods[i].loaded)
			continue;
		if (idx < tf_mods[i].nr_tags) {
			/* The module's code allocates: it holds the module until done. */
			busy_mod[tf_cur_cpu] = i;
			return &tf_mods[i].first[idx];
		}
		idx -= tf_mods[i].nr_tags;
	}
	return NULL;
}

/* The scenario's call sites 0..15 in page-flag mode: kernel tags 0..15 (mod count). */
struct alloc_tag *tf_pgf_user_tag(unsigned int site)
{
	return tf_pgf_select_tag(site % 16);
}

/* Call sites the harness itself plays (migration target, CPU bring-up). */
struct alloc_tag *tf_pgf_site_tag(unsigned int site)
{
	return tf_pgf_select_tag(site);
}

/* pgflag op: set or clear an unrelated bit of a page's flags word. */
void tf_pgf_flag_bit(unsigned long pfn, unsigned int bit, bool clear)
{
	struct page *page = pfn_to_page(pfn);

	if (clear)
		clear_bit(bit, &page->flags);
	else
		set_bit(bit, &page->flags);
	emit_pgf(clear ? TF_PGF_EV_BIT_CLEAR : TF_PGF_EV_BIT_SET, pfn, 0, bit);
}

/* prof_shutdown op: what the kernel does when it gives up on profiling. */
void tf_pgf_shutdown(void)
{
	shutdown_mem_profiling(true);
	emit_pgf(TF_PGF_EV_SHUTDOWN, 0, 0, 0);
}

/* prof_sysctl op: echo 0|1 > /proc/sys/vm/mem_profiling. */
void tf_pgf_sysctl(bool on)
{
	int ret = proc_mem_profiling_write(on);

	tf_note("vm.mem_profiling = %d: %d", on, ret);
	emit_pgf(TF_PGF_EV_SYSCTL, on, (unsigned long)(long)ret, 0);
}

/* ------------------------------------------------------------------ */
/* Boot                                                                */
/* ------------------------------------------------------------------ */

/* Before page_ext's need callbacks run: keys, flags, the kernel section. */
void tf_pgflags_boot(const struct tf_machine *m)
{
	tf_pgf_mode = m->pgflag_bits != 0;
	mem_profiling_support = true;
	alloc_tag_ref_mask = 0;
	alloc_tag_ref_offs = 0;
	kernel_tags.first_tag = NULL;
	kernel_tags.count = 0;
	tf_pgflags_variant = TF_PGF_CURRENT;
	memset(tf_mods, 0, sizeof(tf_mods));
	for (int cpu = 0; cpu < TF_MAX_CPUS; cpu++)
		busy_mod[cpu] = -1;
	/*
	 * page->flags of every page as __init_single_page() leaves it, in
	 * either mode (memory hotplug writes the same links again).
	 */
	tf_pgflag_bits = m->pgflag_bits;
	for (unsigned long pfn = 0; pfn < max_pfn; pfn++)
		pfn_to_page(pfn)->flags = tf_pgf_boot_flags(tf_pgflag_bits);
	if (!tf_pgf_mode) {
		static_branch_disable(&mem_profiling_compressed);
		return;
	}
	/* sysctl.vm.mem_profiling=1,compressed (v3: the config's key, on by default). */
	static_branch_enable(&mem_profiling_compressed);
	tf_pgflags_variant = m->pgflags_variant;
	regions_map();
	regions_reset();
	ktags = m->kernel_tags;
	kernel_slots_ready(ktags);

	alloc_tag_sec_init();	/* mm_core_init() */
	alloc_mod_tags_mem();	/* alloc_tag_init() */
}

/* ------------------------------------------------------------------ */
/* Ids, names, observation                                             */
/* ------------------------------------------------------------------ */

bool tf_pgf_tag_id(const struct alloc_tag *tag, int *id)
{
	if (!kregion)
		return false;
	if (tag >= kregion && tag < kregion + TF_PGF_MAX_KERNEL_TAGS) {
		*id = TF_TAG_ID_KERNEL + (int)(tag - kregion);
		return true;
	}
	if ((const unsigned char *)tag >= mregion &&
	    (const unsigned char *)tag < mregion + MREGION_BYTES) {
		*id = TF_TAG_ID_MODULE + (int)(tag - mfirst);
		return true;
	}
	return false;
}

struct alloc_tag *tf_pgf_tag_by_id(int id)
{
	if (!kregion)
		return NULL;
	if (tf_pgf_is_kernel_id(id))
		return id - TF_TAG_ID_KERNEL < TF_PGF_MAX_KERNEL_TAGS ?
			&kregion[id - TF_TAG_ID_KERNEL] : NULL;
	if (tf_pgf_is_module_id(id))
		return id - TF_TAG_ID_MODULE < (int)MAREA_TAGS ? &mfirst[id - TF_TAG_ID_MODULE] : NULL;
	return NULL;
}

struct tf_pgf_obs tf_observe_pgf(unsigned long pfn)
{
	struct tf_pgf_obs o = { .state = TF_REF_NULL, .tag = TF_TAG_NONE };
	struct page *page = pfn_to_page(pfn);
	union codetag_ref ref;
	int id;

	o.flags = __atomic_load_n(&page->flags, __ATOMIC_RELAXED);
	o.compressed = static_key_enabled(&mem_profiling_compressed);
	if (!o.compressed) {
		struct tf_ref_obs r = tf_observe_ref(pfn);

		o.state = r.state;
		o.tag = r.tag;
		return o;
	}
	/* The port's own decode of what its encode stored. */
	o.idx = (o.flags >> alloc_tag_ref_offs) & alloc_tag_ref_mask;
	idx_to_ref((pgalloc_tag_idx)o.idx, &ref);
	if (!ref.ct)
		o.state = TF_REF_NULL;
	else if (ref.ct == CODETAG_EMPTY)
		o.state = TF_REF_EMPTY;
	else if (tf_pgf_tag_id(ct_to_alloc_tag(ref.ct), &id))
		o.state = TF_REF_TAG, o.tag = id;
	else
		o.state = TF_REF_BAD;
	return o;
}

bool tf_observe_pgf_tag_unused(int id)
{
	struct alloc_tag *tag = tf_pgf_tag_by_id(id);

	return tag && (tag->counters == counters_at(0) || tag->counters == counters_at(1));
}

enum tf_pgf_ctr tf_observe_pgf_counters(int id)
{
	struct alloc_tag *tag = tf_pgf_tag_by_id(id);

	if (!tag)
		return TF_PGF_CTR_NULL;
	if (tag->counters == counters_at(0) || tag->counters == counters_at(1))
		return TF_PGF_CTR_SHADOW;
	switch (tf_pcpu_state(tag->counters)) {
	case TF_PCPU_NULLISH:
		return TF_PGF_CTR_NULL;
	case TF_PCPU_FREED:
		return TF_PGF_CTR_FREED;
	default:
		return TF_PGF_CTR_OWN;
	}
}

const volatile void *tf_observe_pgf_counters_addr(int id)
{
	struct alloc_tag *tag = tf_pgf_tag_by_id(id);

	return tag && tag->counters ? &tag->counters->bytes : NULL;
}

struct tf_pgf_state tf_observe_pgf_state(void)
{
	struct tf_pgf_state s;
	struct alloc_tag_counters k = { 0, 0 }, mo = { 0, 0 };

	for (int cpu = 0; cpu < TF_MAX_CPUS; cpu++) {
		k.calls |= per_cpu_ptr(counters_at(0), cpu)->calls;
		k.bytes |= per_cpu_ptr(counters_at(0), cpu)->bytes;
		mo.calls |= per_cpu_ptr(counters_at(1), cpu)->calls;
		mo.bytes |= per_cpu_ptr(counters_at(1), cpu)->bytes;
	}
	s.compressed = static_key_enabled(&mem_profiling_compressed);
	s.profiling = mem_alloc_profiling_enabled();
	s.support = mem_profiling_support;
	s.kernel_tags = kernel_tags.count;
	s.ref_mask = alloc_tag_ref_mask;
	s.ref_offs = alloc_tag_ref_offs;
	s.shadow_counted = k.calls || k.bytes || mo.calls || mo.bytes;
	return s;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Glue for target/mm/page_ext.c (see glue_page_alloc.c): vmalloc space,
 * page_ext's tracepoints turned into harness events, the reset that
 * puts page_ext back to its state before boot for each scenario, and the
 * record of tables memory offlining freed (a later access through a
 * stale pointer is a use-after-free, as KASAN would report it).
 */
#include <string.h>

#include "../mm/internal.h"
#include "tagfuzz/events.h"
#include "tagfuzz/glue.h"
#include "tagfuzz/sim_internal.h"
#include <trace/events/page_ext.h>

/*
 * vzalloc_node(): vmalloc space is not simulated.  A section's table
 * goes to the section's own slot when alloc_pages_exact() fails (the
 * port's alloc_page_ext() is passed the section for this), so two CPUs
 * racing to bring one section online get the same memory, as before the
 * glue existed.
 */
static unsigned long vmalloc_area[TF_MAX_SECTIONS][TF_MAX_SECTION_PAGES * 4] __tf_forgettable;
_Static_assert(sizeof(vmalloc_area) % 4096 == 0, "tf_tsan_forget() maps whole pages");

/*
 * F7: a section's new table is zeroed (upstream: __GFP_ZERO or vzalloc;
 * the port: alloc_page_ext()'s memset()) with nothing ordering the zeroing
 * before init_section_page_ext()'s publication for a reader on another CPU.
 * The zeroing is done here, under a name fuzz/tsan.supp can give
 * (tagfuzz/racy.h); alloc_page_ext()'s memset() is this.  The probe
 * zeroes the table from alloc_page_ext()'s own frame instead.
 */
#ifdef TF_REAL_THREADS
void AnnotateIgnoreWritesBegin(const char *file, int line);
void AnnotateIgnoreWritesEnd(const char *file, int line);
#endif

static noinline void *tf_racy_page_ext_zero(void *addr, int c, size_t size)
{
#ifdef TF_REAL_THREADS
	/*
	 * Probe clear_get_ref (F5's read side, tests/tsan_narrow.sh): the
	 * word that read races on is a tag ref another CPU writes right after
	 * its lookup found the new table, which is F7's race too, and
	 * ThreadSanitizer reports one race per word: F7's always came first.
	 * For that probe only, the zeroing is hidden from it (each boot of
	 * the stress build resets the word's shadow instead: machine.c).
	 */
	if (tf_racy_probe_on(clear_get_ref)) {
		AnnotateIgnoreWritesBegin(__FILE__, __LINE__);
		memset(addr, c, size);
		AnnotateIgnoreWritesEnd(__FILE__, __LINE__);
		return addr;
	}
#endif
	return memset(addr, c, size);
}

static void *vmalloc_section_zalloc(unsigned long size, unsigned long section_nr)
{
	tf_racy_page_ext_zero(vmalloc_area[section_nr], 0, size);
	return vmalloc_area[section_nr];
}
#define vzalloc_node(size, nid)	vmalloc_section_zalloc(size, section_nr)

/*
 * The oracles learn which allocation is a section's table, and so which
 * node it prefers, from an event just before alloc_page_ext() allocates
 * it (NUMA, issue 16): the allocation's own tag says nothing when
 * profiling is off.  The call site stays alloc_page_ext()'s.
 */
static void pext_table_event(unsigned long section_nr, int nid)
{
	struct tf_event ev = { .kind = TF_EV_PEXT_TABLE, .section = section_nr, .pfn = nid };

	tf_emit(&ev);
}
#undef alloc_pages_exact_nid
#define alloc_pages_exact_nid(nid, size, flags)					\
	(pext_table_event(section_nr, nid),					\
	 alloc_hooks(alloc_pages_exact_nid_noprof(nid, size, flags)))

static bool glue_is_vmalloc_addr(const void *addr)
{
	const char *p = addr;

	return p >= (const char *)vmalloc_area && p < (const char *)(vmalloc_area + TF_MAX_SECTIONS);
}

/*
 * Tables offline_page_ext() freed, until the memory is a page_ext table
 * again; tf_page_ext_nr_freed counts them (the access check's fast path).
 */
static struct {
	const char *start, *end;
} freed_tables[2 * TF_MAX_SECTIONS];
unsigned int tf_page_ext_nr_freed;

static void table_freed(const void *addr, size_t size)
{
	unsigned int n = __atomic_load_n(&tf_page_ext_nr_freed, __ATOMIC_RELAXED);

	if (n == ARRAY_SIZE(freed_tables)) {	/* forget the oldest */
		memmove(&freed_tables[0], &freed_tables[1], (n - 1) * sizeof(freed_tables[0]));
		n--;
	}
	freed_tables[n].start = addr;
	freed_tables[n].end = (const char *)addr + size;
	__atomic_store_n(&tf_page_ext_nr_freed, n + 1, __ATOMIC_RELEASE);
}

/* A table's memory is a table again: pointers into it are good ones. */
static void table_reused(const void *addr, size_t size)
{
	unsigned int n = __atomic_load_n(&tf_page_ext_nr_freed, __ATOMIC_RELAXED), i = 0;
	const char *start = addr, *end = start + size;

	while (i < n) {
		if (freed_tables[i].start < end && start < freed_tables[i].end) {
			freed_tables[i] = freed_tables[--n];
			continue;
		}
		i++;
	}
	__atomic_store_n(&tf_page_ext_nr_freed, n, __ATOMIC_RELEASE);
}

static void glue_vfree(const void *addr);	/* after page_ext.c: its page_ext_size */

/*
 * free_page_ext()'s free_pages_exact(): the table's pages go back to the
 * buddy.  The oracles are told which allocation the frees act on, as the
 * callers tell them before a scenario's own frees (TF_EV_CALL): a table
 * allocated before page_ext existed may warn when freed (F2, F3).
 */
static void glue_free_table_pages(void *addr, size_t size)
{
	table_freed(addr, size);
	tf_emit_page(TF_EV_CALL, page_to_pfn(virt_to_page(addr)), DIV_ROUND_UP(size, PAGE_SIZE),
		     0, 0, 0, 0);
	free_pages_exact(addr, size);
}

#define is_vmalloc_addr(addr)		glue_is_vmalloc_addr(addr)
#define vfree(addr)			glue_vfree(addr)
#define free_pages_exact(addr, size)	glue_free_table_pages(addr, size)

#define memset(addr, c, size)							\
	(tf_racy_probe_on(page_ext_zero) ? (memset)(addr, c, size) :		\
	 tf_racy_page_ext_zero(addr, c, size))

#include "../mm/page_ext.c"
#undef memset
#undef vzalloc_node
#undef alloc_pages_exact_nid
#undef is_vmalloc_addr
#undef vfree
#undef free_pages_exact

static void glue_vfree(const void *addr)
{
	table_freed(addr, page_ext_size * PAGES_PER_SECTION);
}

void tf_page_ext_freed_access(const void *ref)
{
	unsigned int n = __atomic_load_n(&tf_page_ext_nr_freed, __ATOMIC_ACQUIRE);
	const char *p = ref;

	for (unsigned int i = 0; i < n; i++)
		if (p >= freed_tables[i].start && p < freed_tables[i].end)
			tf_report_bug(TF_CHECK_BUG, "page_ext", "use-after-free of a page_ext table",
				      "BUG: use-after-free: a tag ref at %p, in a page_ext table offline_page_ext() freed",
				      ref);
}

void trace_page_ext_section_online(unsigned long section_nr)
{
	struct tf_event ev = { .kind = TF_EV_PEXT_ONLINE, .section = section_nr };

	if (__atomic_load_n(&tf_page_ext_nr_freed, __ATOMIC_RELAXED))
		table_reused(mem_section[section_nr].page_ext, page_ext_size * PAGES_PER_SECTION);
	tf_emit(&ev);
}

void trace_page_ext_init_callbacks(void)
{
	struct tf_event ev = { .kind = TF_EV_PEXT_CALLBACKS };

	tf_emit(&ev);
}

void trace_page_ext_init_done(void)
{
	struct tf_event ev = { .kind = TF_EV_PEXT_INIT_DONE };

	tf_emit(&ev);
}

/*
 * Called once per scenario before any section comes online: the first
 * @nr_boot_sections sections are present and online, the others (memory
 * hotplug adds them later) neither.
 */
void tf_page_ext_reset(unsigned int nr_boot_sections)
{
	tf_tsan_forget(vmalloc_area, sizeof(vmalloc_area));
	memset(mem_section, 0, sizeof(mem_section));
	for (unsigned int i = 0; i < nr_boot_sections && i < NR_MEM_SECTIONS; i++)
		mem_section[i].section_mem_map = SECTION_MARKED_PRESENT | SECTION_IS_ONLINE;
	__atomic_store_n(&tf_page_ext_nr_freed, 0, __ATOMIC_RELAXED);
	invoke_need_callbacks();
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel names for what traces and reports print (target/sim/names.c):
 * gfp masks and alloc_flags by their flag names, a port file relative to
 * target/, a scheduling point's place, a tag by its call site.  One
 * table per concept, filled from the port's own definitions
 * (<linux/gfp.h>, mm/internal.h), so a name cannot drift from its value.
 */
#ifndef _TAGFUZZ_NAMES_H
#define _TAGFUZZ_NAMES_H

#include <stddef.h>

#include "tagfuzz/harness.h"

/*
 * "GFP_KERNEL|__GFP_ZERO": composite masks first (the first that fits
 * whole), then single bits, as the kernel's show_gfp_flags() prints
 * them; bits with no name as a hex rest; 0 as "0".  Returns @buf.
 */
const char *tf_format_gfp(unsigned int gfp, char *buf, size_t len);
/*
 * "ALLOC_WMARK_LOW|ALLOC_CPUSET": the watermark index (ALLOC_WMARK_MASK),
 * then each flag bit, with alloc_tag.c's ALLOC_NO_CODETAG for the bit it
 * reserves.  Returns @buf.
 */
const char *tf_format_alloc_flags(unsigned int flags, char *buf, size_t len);

/*
 * A __FILE__ of the port as a path relative to target/ ("mm/page_alloc.c",
 * "include/linux/llist.h"): ".." steps resolved, everything up to the
 * last "target/" dropped.  A file elsewhere keeps its last two parts.
 */
const char *tf_port_path(const char *file, char *buf, size_t len);
/*
 * A place: "__free_frozen_pages() mm/page_alloc.c:1234", or "?" for
 * none.  Returns @buf.
 */
const char *tf_format_loc(const struct tf_loc *loc, char *buf, size_t len);
/*
 * A tag by its call site: "alloc_page_ext (mm/page_ext.c:123)" for a
 * DEFINE_ALLOC_TAG site of the port; a scenario's site "site1 (scenario
 * tag=1)"; page-flag mode's "kernel tag 5", "module tag 3"; "(none)".
 */
const char *tf_format_tag(int id, char *buf, size_t len);

#endif /* _TAGFUZZ_NAMES_H */

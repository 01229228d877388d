// SPDX-License-Identifier: GPL-2.0
/* The maple tree subset of <linux/maple_tree.h>: sorted, disjoint ranges. */
#include <linux/maple_tree.h>
#include <linux/string.h>

static void mt_remove(struct maple_tree *mt, int i)
{
	memmove(&mt->r[i], &mt->r[i + 1], (mt->nr - i - 1) * sizeof(mt->r[0]));
	mt->nr--;
}

static void mt_insert(struct maple_tree *mt, unsigned long index, unsigned long last,
		      void *entry)
{
	int i;

	if (mt->nr == MT_MAX_RANGES)
		__builtin_trap();	/* the harness bounds modules well below this */
	for (i = 0; i < mt->nr && mt->r[i].index < index; i++)
		;
	memmove(&mt->r[i + 1], &mt->r[i], (mt->nr - i) * sizeof(mt->r[0]));
	mt->r[i] = (struct maple_range){ index, last, entry };
	mt->nr++;
}

/* The lowest gap in [min, max] at least @size long: mas->index..mas->last. */
int mas_empty_area(struct ma_state *mas, unsigned long min, unsigned long max,
		   unsigned long size)
{
	struct maple_tree *mt = mas->tree;
	unsigned long start = min;
	int i;

	if (!size || min > max)
		return -EINVAL;
	for (i = 0; i < mt->nr; i++) {
		struct maple_range *r = &mt->r[i];

		if (r->last < start)
			continue;
		if (r->index > max)
			break;
		if (r->index > start && r->index - start >= size)
			goto found;
		start = r->last + 1;
		if (!start || start > max)
			return -EBUSY;
	}
	if (max - start + 1 < size)
		return -EBUSY;
found:
	mas->index = start;
	mas->last = start + size - 1;
	return 0;
}

/* Store @entry over [index, last]: overlapped ranges are cut back; NULL erases. */
void *mas_store(struct ma_state *mas, void *entry)
{
	struct maple_tree *mt = mas->tree;
	unsigned long lo = mas->index, hi = mas->last;
	struct maple_range keep[2];
	void *old = NULL;
	int i, nk = 0;

	for (i = 0; i < mt->nr;) {
		struct maple_range r = mt->r[i];

		if (r.last < lo || r.index > hi) {
			i++;
			continue;
		}
		if (!old)
			old = r.entry;
		mt_remove(mt, i);
		if (r.index < lo)
			keep[nk++] = (struct maple_range){ r.index, lo - 1, r.entry };
		if (r.last > hi)
			keep[nk++] = (struct maple_range){ hi + 1, r.last, r.entry };
	}
	for (i = 0; i < nk; i++)
		mt_insert(mt, keep[i].index, keep[i].last, keep[i].entry);
	if (entry)
		mt_insert(mt, lo, hi, entry);
	return old;
}

/* Erase the whole range that holds mas->index. */
void *mas_erase(struct ma_state *mas)
{
	struct maple_tree *mt = mas->tree;
	void *entry;
	int i;

	for (i = 0; i < mt->nr; i++) {
		if (mt->r[i].index <= mas->index && mas->index <= mt->r[i].last) {
			entry = mt->r[i].entry;
			mas->index = mt->r[i].index;
			mas->last = mt->r[i].last;
			mt_remove(mt, i);
			return entry;
		}
	}
	return NULL;
}

/* The next entry at or after mas->index (first call) or after mas->last. */
void *mas_find(struct ma_state *mas, unsigned long max)
{
	struct maple_tree *mt = mas->tree;
	unsigned long from = mas->walking ? mas->last + 1 : mas->index;
	int i;

	if (mas->walking && mas->last == ~0UL)
		return NULL;
	mas->walking = true;
	for (i = 0; i < mt->nr; i++) {
		if (mt->r[i].last < from)
			continue;
		if (mt->r[i].index > max)
			return NULL;
		mas->index = mt->r[i].index;
		mas->last = mt->r[i].last;
		return mt->r[i].entry;
	}
	return NULL;
}

/* The previous entry at or before mas->index (first call) or before it. */
void *mas_find_rev(struct ma_state *mas, unsigned long min)
{
	struct maple_tree *mt = mas->tree;
	bool first = !mas->walking;
	int i;

	mas->walking = true;
	for (i = mt->nr - 1; i >= 0; i--) {
		if (first ? mt->r[i].index > mas->index : mt->r[i].index >= mas->index)
			continue;
		if (mt->r[i].last < min)
			return NULL;
		mas->index = mt->r[i].index;
		mas->last = mt->r[i].last;
		return mt->r[i].entry;
	}
	return NULL;
}

/* The range just before mas->index: an entry, or the gap there (NULL). */
void *mas_prev_range(struct ma_state *mas, unsigned long min)
{
	struct maple_tree *mt = mas->tree;
	unsigned long gap_start = min;
	int i;

	if (mas->index <= min)
		return NULL;
	for (i = mt->nr - 1; i >= 0; i--) {
		if (mt->r[i].index >= mas->index)
			continue;
		if (mt->r[i].last == mas->index - 1) {
			mas->index = mt->r[i].index;
			mas->last = mt->r[i].last;
			return mt->r[i].entry;
		}
		gap_start = mt->r[i].last + 1;
		break;
	}
	mas->last = mas->index - 1;
	mas->index = gap_start;
	return NULL;
}

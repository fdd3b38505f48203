// SPDX-License-Identifier: GPL-2.0
/* A growable array of per-CPU records. */
#include <stdlib.h>
#include <string.h>

#include "hvctl.h"

struct hv_cpu *hv_cpu_list_add(struct hv_cpu_list *l)
{
	struct hv_cpu *p;
	size_t cap;

	if (l->n == l->cap) {
		cap = l->cap ? 2 * l->cap : 8;
		p = realloc(l->cpus, cap * sizeof(*p));
		if (!p)
			return NULL;
		l->cpus = p;
		l->cap = cap;
	}
	p = &l->cpus[l->n++];
	memset(p, 0, sizeof(*p));
	return p;
}

void hv_cpu_list_free(struct hv_cpu_list *l)
{
	free(l->cpus);
	l->cpus = NULL;
	l->n = 0;
	l->cap = 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Who owns physical memory, for `hvctl mem map` (GV_CMD_MEM_MAP_GET):
 * the platform's layer first (System RAM of the rich OS, reserved
 * regions, MMIO: the top-level iomem resources), then what greenvisor
 * took out of it (the hypervisor pool, memory lent to the green
 * partition). Later ranges take precedence over earlier ones where they
 * overlap; hvctl composes the picture.
 */
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/slab.h>

#include "gv_core.h"

static u32 resource_owner(const struct resource *r)
{
	if ((r->flags & IORESOURCE_SYSTEM_RAM) == IORESOURCE_SYSTEM_RAM)
		return GV_MEM_OWNER_RICH;
	if (r->desc == IORES_DESC_RESERVED || !strcmp(r->name, "Reserved"))
		return GV_MEM_OWNER_RESERVED;
	return GV_MEM_OWNER_MMIO;
}

static int add(struct gv_map_range *out, int n, int max, u64 start, u64 end,
	       u32 owner)
{
	if (n < max && end > start)
		out[n++] = (struct gv_map_range){ start, end, owner };
	return n;
}

/* Fill @out (room for @max); the number of ranges. */
int gv_memmap_collect(struct gv_map_range *out, int max)
{
	struct resource *r;
	unsigned int i;
	int n = 0;

	/* The top level of iomem changes only with memory/PCI hotplug. */
	for (r = iomem_resource.child; r; r = r->sibling)
		n = add(out, n, max, r->start, (u64)r->end + 1, resource_owner(r));
	for (i = 0; i < gv.nr_chunks; i++)
		n = add(out, n, max, virt_to_phys(gv.chunks[i].va),
			virt_to_phys(gv.chunks[i].va) + gv.chunks[i].size,
			GV_MEM_OWNER_HYPERVISOR);
	return gv_green_lent_collect(out, n, max);
}

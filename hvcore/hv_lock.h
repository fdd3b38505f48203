/* SPDX-License-Identifier: GPL-2.0 */
/* Root-side spinlock: the root side never uses Linux's locks. */
#ifndef GV_HV_LOCK_H
#define GV_HV_LOCK_H

#include "hv_types.h"

struct gv_spinlock {
	u32 locked;
};

static __always_inline void gv_spin_lock(struct gv_spinlock *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			asm volatile("pause");
	}
}

static __always_inline bool gv_spin_trylock(struct gv_spinlock *l)
{
	return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

static __always_inline void gv_spin_unlock(struct gv_spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#endif /* GV_HV_LOCK_H */

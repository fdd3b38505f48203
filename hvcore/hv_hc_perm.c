// SPDX-License-Identifier: GPL-2.0
/* The vmcall dispatcher's permission check (hv_hc_perm.h). */
#include "hv_hc_perm.h"

enum gv_hc_verdict gv_hc_permit(bool ours, u32 rights, u32 partition,
				u32 cpl, const u32 *flags)
{
	if (!ours || partition >= GV_PART_NR || !(rights & BIT(partition)))
		return GV_HC_RAISE_UD;
	if (!flags || !(*flags & BIT(partition)))
		return GV_HC_FAIL_EINVAL;
	if (cpl && !(*flags & GV_HC_FROM_USER))
		return GV_HC_RAISE_GP;
	return GV_HC_RUN;
}

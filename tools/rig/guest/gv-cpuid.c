// SPDX-License-Identifier: GPL-2.0
/*
 * gv-cpuid LEAF [SUBLEAF]: print one CPUID leaf in the rig guest, e.g.
 *   gv-cpuid 0x40000000
 *   leaf 0x40000000.0: eax=0x40000001 ebx=... ecx=... edx=... sig="..."
 * "sig" is EBX:ECX:EDX as text (hypervisor signature for 0x40000000).
 */
#include <cpuid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	unsigned int a, b, c, d, leaf, sub = 0;
	char sig[13];
	int i;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s LEAF [SUBLEAF]\n", argv[0]);
		return 2;
	}
	leaf = strtoul(argv[1], NULL, 0);
	if (argc == 3)
		sub = strtoul(argv[2], NULL, 0);
	__cpuid_count(leaf, sub, a, b, c, d);
	memcpy(sig, &b, 4);
	memcpy(sig + 4, &c, 4);
	memcpy(sig + 8, &d, 4);
	sig[12] = 0;
	for (i = 0; i < 12; i++)
		if (sig[i] && (sig[i] < 0x20 || sig[i] > 0x7e))
			sig[i] = '.';
	printf("leaf 0x%08x.%u: eax=0x%08x ebx=0x%08x ecx=0x%08x edx=0x%08x sig=\"%s\"\n",
	       leaf, sub, a, b, c, d, sig);
	return 0;
}

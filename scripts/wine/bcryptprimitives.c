/*
 * A stand-in for Windows' bcryptprimitives.dll, which Wine 8 (Debian 12)
 * lacks and Go 1.24+ programs load for ProcessPrng at start. It forwards
 * to RtlGenRandom (SystemFunction036 in advapi32). Only for running the
 * Windows build's tests under Wine; real Windows has its own.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
	while (length > 0) {
		ULONG n = length > 0x10000000 ? 0x10000000 : (ULONG)length;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		length -= n;
	}
	return TRUE;
}

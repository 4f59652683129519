/* version.c: the build's version string, passed in by the wscript. */
#include "crosspipe.h"

#ifndef XP_VERSION
#define XP_VERSION "unknown"
#endif

const char *xp_version(void)
{
	return XP_VERSION;
}

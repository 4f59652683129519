/* list.c: `crosspipe schedules` and `crosspipe engines`: one name per line, then a summary. */
#include "cli/cli.h"
#include "schedules/schedules.h"

#include <stdio.h>
#include <string.h>

static int wants_help(int argc, char **argv, const char *what)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: crosspipe %s\n\nLists the %s, one per line: the name, then a "
		       "one-sentence summary.\n",
		       argv[0], what);
		return 1;
	}
	return 0;
}

int xp_cli_schedules(int argc, char **argv)
{
	if (wants_help(argc, argv, "schedule generators"))
		return XP_EXIT_OK;
	size_t n;
	const xp_schedule_kind *k = xp_schedule_kinds(&n);
	for (size_t i = 0; i < n; i++)
		printf("%-12s %s\n", k[i].name, k[i].summary);
	return XP_EXIT_OK;
}

int xp_cli_engines(int argc, char **argv)
{
	if (wants_help(argc, argv, "execution engines"))
		return XP_EXIT_OK;
	size_t n;
	const xp_engine *const *e = xp_engines(&n);
	for (size_t i = 0; i < n; i++)
		printf("%-12s %s\n", e[i]->name, e[i]->summary);
	return XP_EXIT_OK;
}

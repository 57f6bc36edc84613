/* lwIP's assertion handler on the host (unit tests, fuzzer): abort, so that
 * ASan prints the stack and the fuzzer reports the input as a crash. */
#include <stdio.h>
#include <stdlib.h>
#include "kernel/net/arch/cc.h"

void net_platform_assert(const char *msg, const char *file, int line)
{
	fprintf(stderr, "lwIP assertion \"%s\" failed at %s:%d\n", msg, file, line);
	abort();
}

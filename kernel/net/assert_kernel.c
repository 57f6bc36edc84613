/* lwIP's assertion handler in the sandbox kernel (arch/cc.h): one record
 * naming the broken invariant, then the run ends as a failed sandbox. */
#include "kernel/net/arch/cc.h"
#include "include/questv/hypercall.h"
#include "kernel/end_run.h"
#include "kernel/kinfo.h"
#include "lib/record.h"

void net_platform_assert(const char *msg, const char *file, int line)
{
	struct record r;
	rec_begin(&r, "net_assert");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_str(&r, "msg", msg);
	rec_str(&r, "file", file);
	rec_u64(&r, "line", (uint64_t)line);
	rec_end(&r);
	kernel_end_run(RUN_FAILED);
}

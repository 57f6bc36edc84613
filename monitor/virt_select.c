/* Pick the virtualization backend this CPU offers. */
#include "monitor/virt.h"
#include "lib/string.h"

const struct virt_ops *virt_select(const char **why)
{
	static const struct virt_ops *const backends[] = { &svm_ops, &vmx_ops };
	static char reasons[400];       /* "svm: ...; vmx: ..." when none fits */
	size_t len = 0;
	unsigned i;

	for (i = 0; i < sizeof backends / sizeof backends[0]; i++) {
		const char *reason = "unsupported";
		const char *parts[3] = { i ? "; " : "", backends[i]->name, ": " };
		unsigned p;
		if (backends[i]->detect(&reason) == 0)
			return backends[i];
		for (p = 0; p < 4; p++) {
			const char *s = p < 3 ? parts[p] : reason;
			size_t n = strlen(s);
			if (n > sizeof reasons - 1 - len)
				n = sizeof reasons - 1 - len;
			memcpy(reasons + len, s, n);
			len += n;
		}
	}
	reasons[len] = 0;
	*why = reasons;
	return 0;
}

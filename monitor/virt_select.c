/* Pick the virtualization backend this CPU offers. */
#include "virt.h"

const struct virt_ops *virt_select(const char **why)
{
	static const struct virt_ops *const backends[] = { &svm_ops };
	const char *reason = "no virtualization backend";
	unsigned i;

	for (i = 0; i < sizeof backends / sizeof backends[0]; i++) {
		if (backends[i]->detect(&reason) == 0)
			return backends[i];
	}
	*why = reason;
	return 0;
}

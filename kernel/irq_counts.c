/* The trap handler's counters (see irq_counts.h). */
#include "kernel/irq_counts.h"

struct irq_counts irq_counts;

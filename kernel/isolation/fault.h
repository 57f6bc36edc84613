/* Deliberate faults, for the containment tests. */
#ifndef QUESTV_ISOLATION_FAULT_H
#define QUESTV_ISOLATION_FAULT_H

/*
 * Fail on purpose as the kernel arg fault=HOW asks: "triple" loads an empty
 * IDT and traps (a triple fault), "wild" stores far outside this sandbox's
 * RAM (a nested page fault). Either is fatal for this sandbox only; any
 * other HOW does nothing.
 */
void fault_inject(const char *how);
#endif

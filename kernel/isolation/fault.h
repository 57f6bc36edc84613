/* Deliberate faults, for the containment and isolation tests. */
#ifndef QUESTV_ISOLATION_FAULT_H
#define QUESTV_ISOLATION_FAULT_H

/*
 * Fail on purpose as the kernel arg fault=HOW asks: "triple" loads an empty
 * IDT and traps (a triple fault), "wild" stores far outside this sandbox's
 * RAM (a nested page fault), "forge" prints the monitor's verdict records,
 * all good, on this sandbox's UART and then triple-faults (forge.h), "spin"
 * spins with interrupts off for good, before its probe turn (the monitor's
 * probe deadline stops it; "turnspin" does the same in its turn, and
 * "slowturn" makes its turn last past the deadline while exiting: probe.c).
 * Each is fatal for this sandbox only; any other HOW does nothing.
 */
void fault_inject(const char *how);
#endif

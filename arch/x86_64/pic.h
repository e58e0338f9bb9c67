/* The legacy 8259 interrupt controllers. */
#ifndef FALLOW_ARCH_PIC_H
#define FALLOW_ARCH_PIC_H

/* Fallow runs with interrupts off and guests run with external-interrupt
 * exiting. A legacy 8259 line the firmware left unmasked (the PIT's IRQ 0
 * usually is) would hold INTR asserted, so every VM entry would exit again
 * at once and no guest would progress. Nothing here uses the PIC: mask it. */
void pic_mask_all(void);

#endif

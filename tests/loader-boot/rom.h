/* The loader-boot ROM's parameter block, shared by rom.S and the tool
 * that fills it in (loader-plan.c): the first bytes of the 64 KiB ROM. */
#ifndef FALLOW_TESTS_LOADER_BOOT_ROM_H
#define FALLOW_TESTS_LOADER_BOOT_ROM_H

#define ROM_SIZE 0x10000
#define ROM_BASE 0xf0000         /* a PC maps a 64 KiB BIOS here and at 4 GiB - 64 KiB */
#define ROM_RESET_OFFSET 0xfff0  /* the reset vector, 16 bytes below 4 GiB */

#define ROM_MAGIC "FLWLOADB"     /* 8 bytes: the tool checks the layout is this one */
#define ROM_MAGIC_LEN 8
#define ROM_P_ENTRY 8            /* 8: RIP */
#define ROM_P_RSI 16             /* 8: boot_params */
#define ROM_P_CR3 24             /* 8 (below 4 GiB: loaded in 32-bit mode) */
#define ROM_P_GDTR 32            /* 10: limit (2) then base (8), as lgdt reads it */
#define ROM_P_DS 42              /* 2 */
#define ROM_P_FARPTR 44          /* 6: offset (4, assembled) then CS (2, filled) */
#define ROM_P_FARPTR_CS (ROM_P_FARPTR + 4)
#define ROM_PARAMS_SIZE 64

#endif

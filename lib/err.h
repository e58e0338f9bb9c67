/* Error codes shared by every module. Functions return 0 (or a count)
 * on success and one of these, negated, on failure, so callers can
 * propagate them unchanged. The guest ABI reuses the same numbers, ERR_AGAIN excepted. */
#ifndef FALLOW_LIB_ERR_H
#define FALLOW_LIB_ERR_H

enum fallow_err {
	ERR_INVAL = 1,   /* malformed argument */
	ERR_NOMEM = 2,   /* no frame or no metadata slot could be had */
	ERR_NOENT = 3,   /* no such pool, object, page, guest, option */
	ERR_EXIST = 4,   /* already exists / already in that state */
	ERR_PERM = 5,    /* not allowed for this caller */
	ERR_RANGE = 6,   /* out of bounds */
	ERR_FAULT = 7,   /* bad address */
	ERR_NOSPC = 8,   /* a limit (maxmem, cap) was reached */
	ERR_CORRUPT = 9, /* input data is corrupt */
	ERR_BUSY = 10,   /* resource in use or frozen */
	ERR_NOSYS = 11,  /* no such operation */
	ERR_FROZEN = 12, /* the console froze this guest's tmem puts */
	/* Internal, never a guest's RAX: the work was cut short to bound one
	 * call, and the caller comes back for the rest (a hypercall
	 * continuation: hcall/hypercall.c re-runs the guest's VMCALL). */
	ERR_AGAIN = 13,
	ERR_MAX
};

/* Name of a (positive or negative) error code, for console lines. */
const char *err_name(int err);

#endif

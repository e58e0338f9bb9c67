#include "lib/err.h"

static const char *const names[ERR_MAX] = {
	[0] = "OK",
	[ERR_INVAL] = "EINVAL",
	[ERR_NOMEM] = "ENOMEM",
	[ERR_NOENT] = "ENOENT",
	[ERR_EXIST] = "EEXIST",
	[ERR_PERM] = "EPERM",
	[ERR_RANGE] = "ERANGE",
	[ERR_FAULT] = "EFAULT",
	[ERR_NOSPC] = "ENOSPC",
	[ERR_CORRUPT] = "ECORRUPT",
	[ERR_BUSY] = "EBUSY",
	[ERR_NOSYS] = "ENOSYS",
	[ERR_FROZEN] = "EFROZEN",
	[ERR_AGAIN] = "EAGAIN",
};

const char *err_name(int err)
{
	unsigned e = err < 0 ? (unsigned)-err : (unsigned)err;

	return e < ERR_MAX ? names[e] : "E?";
}

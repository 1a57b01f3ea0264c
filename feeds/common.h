/* common.h -- small definitions shared by every presswatch module. */
#ifndef PW_COMMON_H
#define PW_COMMON_H

#include <stdint.h>

/* Times are int64_t seconds since the epoch, UTC.  PW_NOTIME means "unknown" (stored as NULL). */
#define PW_NOTIME INT64_MIN

#define PW_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif

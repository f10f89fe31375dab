/* tests/testutil.c — assertion helpers for the cmocka tests. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>

void testutil_assert_near(double actual, double expected, double tol, const char *expr,
                          const char *file, int line)
{
    if (!(fabs(actual - expected) <= tol)) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s = %.9g, expected %.9g within %.3g (off by %.3g)", expr,
                 actual, expected, tol, actual - expected);
        _assert_true(0, msg, file, line);
    }
}

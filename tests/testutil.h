/* tests/testutil.h — helpers shared by the cmocka tests.
 * Include after <cmocka.h>'s prerequisites: stdarg.h, stddef.h, setjmp.h, stdint.h. */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* Fails the test unless |actual - expected| <= tol; prints all three on failure.
 * (cmocka 1.1.5 has no floating-point comparison with a tolerance.) */
#define assert_near(actual, expected, tol) \
    testutil_assert_near((actual), (expected), (tol), #actual, __FILE__, __LINE__)

/* Fails unless |actual - expected| <= rel * |expected|. */
#define assert_rel_near(actual, expected, rel) \
    testutil_assert_near((actual), (expected), (rel) * __builtin_fabs((double)(expected)), \
                         #actual, __FILE__, __LINE__)

void testutil_assert_near(double actual, double expected, double tol, const char *expr,
                          const char *file, int line);

#endif

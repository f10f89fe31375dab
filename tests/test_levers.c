/* tests/test_levers.c — payment mechanisms, provider behaviour and the integrated-care
 * levers (models/payment.c, models/policy.c): each lever's effect has the direction and
 * rough size of the shared evidence table, the ledger balances to the cent, and a scenario
 * that sets every lever to its base value is the base scenario bit for bit.
 *
 * Runs are paired: both arms use run.seed = 1 and replication 0, so the same persons meet
 * the same luck until the lever changes their care (common random numbers), and the
 * differences below are far less noisy than the outcomes. Bands are the evidence ranges
 * widened for that noise; each check states its own. Sizes: 30 000 persons over 4 years
 * after a year of warm-up unless stated (about 120 000 person-years an arm).
 */
#include "tests/testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/model.h"
#include "models/outcomes.h"
#include "models/params.h"

struct arm {
    struct model *m;
    double row[OUTC_COUNT];
};

static void run_arm(struct arm *a, int persons, double years, const char *const *extra,
                    size_t nextra)
{
    a->m = testutil_run_scenario(persons, years, extra, nextra, a->row);
}

/* The base arm, shared by the tests that compare against it. */
static struct arm base_arm;

static void free_base(void) { model_destroy(base_arm.m); }

static const struct arm *base(void)
{
    if (!base_arm.m) {
        run_arm(&base_arm, 30000, 4.0, NULL, 0);
        atexit(free_base);
    }
    return &base_arm;
}

/* Relative change of column col from the base to arm a, printed. */
static double change(const struct arm *a, int col)
{
    struct outc_info info;
    outc_column_info(col, &info, NULL);
    double b = base()->row[col], x = a->row[col], r = x / b - 1.0;
    print_message("%-40s %12.4f -> %12.4f  (%+.1f%%)\n", info.name, b, x, 100.0 * r);
    return r;
}

static void check_range(const char *what, double v, double lo, double hi)
{
    if (!(v >= lo && v <= hi))
        fail_msg("%s = %g is outside [%g, %g]", what, v, lo, hi);
}

static void test_capitation_cuts_gp_visits_by_the_evidence_range(void **state)
{
    (void)state;
    /* evidence.md: fee-for-service vs salary ~30% more visits (Gosden 2000); capitation ->
     * FFS +5% services (Krasnik 1990). Capitation must lower GP visits by 2-30% (the
     * model gives about 6%), through longer review intervals; referrals rise a little. */
    const char *sets[] = {"payment.gp_mechanism=\"capitation\""};
    struct arm a;
    run_arm(&a, 30000, 4.0, sets, 1);
    check_range("GP visits change", change(&a, OUTC_GP_VISITS), -0.30, -0.02);
    assert_true(a.row[OUTC_DECISION_REVIEW] < 1.0);
    assert_true(a.row[OUTC_DECISION_REFERRAL] > base()->row[OUTC_DECISION_REFERRAL]);
    assert_true(change(&a, OUTC_REFERRAL_RATE) > 0.0);
    model_destroy(a.m);
}

static void test_strict_gatekeeping_lowers_specialist_use_and_spending(void **state)
{
    (void)state;
    /* evidence.md: gatekeeping: lower specialist use and spending (Swiss plans -15 to -19%
     * spending, part selection). Specialist visits must fall by over 10% and no need may
     * reach a specialist unreferred; payer spending falls. */
    const char *sets[] = {"policy.gatekeeping=\"strict\""};
    struct arm a;
    run_arm(&a, 30000, 4.0, sets, 1);
    assert_true(change(&a, OUTC_SPECIALIST_VISITS) < -0.10);
    assert_true(a.row[OUTC_SELF_REFERRALS] == 0.0);
    assert_true(base()->row[OUTC_SELF_REFERRALS] > 50.0);
    assert_true(change(&a, OUTC_SPEND_PAYER) < 0.0);
    model_destroy(a.m);
}

static void test_pay_for_performance_lowers_avoidable_admissions_a_little(void **state)
{
    (void)state;
    /* evidence.md: UK QOF: ACSC admissions -2.7%, up to -8% for incentivised conditions
     * (Harrison et al. 2014). With a bonus of 30 per controlled condition, avoidable
     * admissions summed over replications 0-3 (50 000 persons over 5 years each, ~5 000
     * avoidable admissions an arm and replication) must fall by 0.5-10%: one replication
     * alone is too noisy (its paired change ranged from 0 to -6% when this was set up), the
     * sum of four has a standard error of about 1.5 points. QALYs rise in every
     * replication (the paired change is precise). */
    double sum_b = 0, sum_a = 0;
    for (uint32_t r = 0; r < 4; r++) {
        char seedrep[64];
        snprintf(seedrep, sizeof seedrep, "run.seed=%u", 1 + r);
        const char *bs[] = {seedrep}, *as[] = {seedrep, "payment.p4p_bonus=30"};
        struct arm b, a;
        run_arm(&b, 50000, 5.0, bs, 1);
        run_arm(&a, 50000, 5.0, as, 2);
        sum_b += b.row[OUTC_AVOIDABLE_ADMISSIONS];
        sum_a += a.row[OUTC_AVOIDABLE_ADMISSIONS];
        assert_true(a.row[OUTC_QALYS_DISC] > b.row[OUTC_QALYS_DISC]);
        assert_true(a.row[OUTC_DECISION_CONTROL] > 1.0);
        model_destroy(a.m);
        model_destroy(b.m);
    }
    double r = sum_a / sum_b - 1.0;
    print_message("avoidable admissions, sum of 4 replications: %+.1f%%\n", 100.0 * r);
    check_range("avoidable admissions change", r, -0.10, -0.005);
}

static void test_bundled_payment_cuts_post_acute_discharge_without_more_readmissions(void **state)
{
    (void)state;
    /* evidence.md: bundled payments: institutional post-acute discharge -2.9 pp from 33.7%
     * (-8.6% relative); episode spend -2 to -4%; no quality loss (Finkelstein et al. 2018).
     * Post-acute discharge rate must fall by 3-25% relative, readmissions rise by at most
     * 5% relative, and payer spending fall. */
    const char *sets[] = {"payment.hospital_mechanism=\"bundled\""};
    struct arm a;
    run_arm(&a, 30000, 4.0, sets, 1);
    check_range("post-acute discharge change", change(&a, OUTC_POSTACUTE_RATE), -0.25, -0.03);
    assert_true(change(&a, OUTC_READMISSION_30D) < 0.05);
    assert_true(change(&a, OUTC_SPEND_PAYER) < 0.0);
    assert_true(a.row[OUTC_DECISION_POSTACUTE] < 1.0);
    model_destroy(a.m);
}

static void test_global_budget_lowers_hospital_spending_and_admissions(void **state)
{
    (void)state;
    /* evidence.md: Maryland global budget: hospital spending -4.1% vs control (Roberts et
     * al. 2018). Hospital spending must fall by 2-8%, and admissions from the ED and
     * lengths of stay fall (nothing is earned at the margin). */
    const char *sets[] = {"payment.hospital_mechanism=\"global_budget\""};
    struct arm a;
    run_arm(&a, 30000, 4.0, sets, 1);
    check_range("hospital spending change", change(&a, OUTC_SPEND_HOSPITAL), -0.08, -0.02);
    assert_true(change(&a, OUTC_EMERGENCY_ADMISSIONS) < 0.0);
    assert_true(change(&a, OUTC_MEAN_LOS) < -0.05);
    model_destroy(a.m);
}

static void test_case_management_has_a_small_average_effect(void **state)
{
    (void)state;
    /* evidence.md: case management of high-risk patients: no significant average effect on
     * admissions or costs (Stokes et al. 2015). Emergency admissions may move by at most
     * 5% either way, with places filled. */
    const char *sets[] = {"policy.cm_capacity_per_1000=10"};
    struct arm a;
    run_arm(&a, 30000, 4.0, sets, 1);
    check_range("emergency admissions change", change(&a, OUTC_EMERGENCY_ADMISSIONS), -0.05,
                0.05);
    assert_true(a.row[OUTC_CASE_MANAGED] > 100);
    assert_true(change(&a, OUTC_COST_TOTAL) > 0.0); /* contacts cost money */
    model_destroy(a.m);
}

static void test_hospital_at_home_frees_beds(void **state)
{
    (void)state;
    /* evidence.md: hospital at home (admission avoidance): cost lower, mortality RR ~0.88.
     * A quarter of eligible admissions at home must lower occupancy and emergency
     * admissions (those treated at home are not admitted). */
    const char *sets[] = {"policy.hah_share=0.25"};
    struct arm a;
    run_arm(&a, 30000, 4.0, sets, 1);
    assert_true(change(&a, OUTC_BED_OCCUPANCY) < -0.03);
    assert_true(change(&a, OUTC_EMERGENCY_ADMISSIONS) < -0.10);
    assert_true(a.row[OUTC_HOME_STAYS] > 10.0);
    model_destroy(a.m);
}

static void test_self_management_lowers_avoidable_admissions(void **state)
{
    (void)state;
    /* evidence.md: COPD self-management: respiratory admissions HR ~0.79 (Zwerink et al.
     * 2014). Covering half the eligible patients must lower avoidable admissions by 2-20%. */
    const char *sets[] = {"policy.selfman_coverage=0.5"};
    struct arm a;
    run_arm(&a, 30000, 4.0, sets, 1);
    check_range("avoidable admissions change", change(&a, OUTC_AVOIDABLE_ADMISSIONS), -0.20,
                -0.02);
    model_destroy(a.m);
}

static void test_telemedicine_adds_visits_more_than_it_substitutes(void **state)
{
    (void)state;
    /* evidence.md: direct-to-consumer telehealth: ~88% of visits are new demand (Ashwood et
     * al. 2017). Remote slots of 20% must raise GP visits (by 5-30%), and most remote
     * visits must be additional: the rise is at least half the remote visits. */
    const char *sets[] = {"policy.tele_slot_share=0.2"};
    struct arm a;
    run_arm(&a, 30000, 4.0, sets, 1);
    double rise = change(&a, OUTC_GP_VISITS);
    check_range("GP visits change", rise, 0.05, 0.30);
    double remote = a.m->care.tally.remote_visits, py = a.row[OUTC_PERSON_YEARS];
    double extra = (a.row[OUTC_GP_VISITS] - base()->row[OUTC_GP_VISITS]) * py;
    print_message("remote visits %.0f, extra visits %.0f\n", remote, extra);
    assert_true(remote > 0 && extra > 0.5 * remote);
    model_destroy(a.m);
}

static void test_ledger_balances_to_the_cent(void **state)
{
    (void)state;
    /* Money: with copayments, what patients pay in the ledger equals the out-of-pocket
     * costs exactly; fee-for-service GP fees are exactly the fee times the visits less the
     * copayments; money received by providers equals money paid by payer and patients
     * (a hospital passing money on inside bundles counted once). */
    const char *sets[] = {"costs.copay_gp=5", "costs.copay_ed=15",
                          "payment.hospital_mechanism=\"bundled\""};
    struct arm a;
    run_arm(&a, 8000, 3.0, sets, 3);
    const struct model *m = a.m;
    int64_t patient = 0, payer_gp_fee = m->ledger.cents[PAY_PAYER][PAY_GP][PAY_FEE];
    for (int t = 0; t < PAY_NPARTIES; t++)
        for (int h = 0; h < PAY_NMECHANISMS; h++)
            patient += m->ledger.cents[PAY_PATIENT][t][h];
    assert_true(patient == m->tally.oop_cents);
    assert_true(payer_gp_fee == (3900 - 500) * (int64_t)m->care.tally.gp_visits);
    double in = 0, out = 0;
    for (int p = PAY_GP; p < PAY_NPARTIES; p++) {
        in += a.row[OUTC_SPEND_GP + (p - PAY_GP)];
    }
    out = a.row[OUTC_SPEND_PAYER] + a.row[OUTC_COST_OUT_OF_POCKET];
    assert_near(in, out, 0.005);
    assert_true(m->ledger.cents[PAY_HOSPITAL][PAY_POSTACUTE][PAY_FEE] > 0);
    model_destroy(a.m);
}

static void test_capitation_pays_the_rate_per_person_year(void **state)
{
    (void)state;
    /* Unadjusted capitation of 210 a year paid monthly to practices: the total is 210 x
     * person-years of the registered, within 1% (deaths and births between monthly
     * payments). */
    const char *sets[] = {"payment.gp_mechanism=\"capitation\""};
    struct arm a;
    run_arm(&a, 8000, 3.0, sets, 1);
    double paid = (double)a.m->ledger.cents[PAY_PAYER][PAY_GP][PAY_CAPITATION] / 100.0;
    assert_rel_near(paid, 210.0 * a.row[OUTC_PERSON_YEARS], 0.01);
    model_destroy(a.m);
}

static void test_levers_at_their_base_values_give_the_base_bit_for_bit(void **state)
{
    (void)state;
    /* Every payment and policy key set explicitly to its default: the same run to the bit. */
    const char *sets[] = {
        "payment.gp_mechanism=\"fee_for_service\"", "payment.hospital_mechanism=\"per_diem\"",
        "payment.specialist_mechanism=\"fee_for_service\"", "payment.p4p_bonus=0",
        "policy.gatekeeping=\"none\"", "policy.cm_capacity_per_1000=0",
        "policy.shared_record=false", "policy.selfman_coverage=0", "policy.tele_slot_share=0",
        "policy.hf_monitoring_coverage=0", "policy.hah_share=0", "policy.tc_coverage=0",
        "policy.nurse_slots_per_practice_day=0",
    };
    struct arm b, a;
    run_arm(&b, 5000, 2.0, NULL, 0);
    run_arm(&a, 5000, 2.0, sets, sizeof sets / sizeof *sets);
    assert_memory_equal(a.row, b.row, sizeof a.row);
    assert_memory_equal(&a.m->ledger, &b.m->ledger, sizeof a.m->ledger);
    model_destroy(a.m);
    model_destroy(b.m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capitation_cuts_gp_visits_by_the_evidence_range),
        cmocka_unit_test(test_strict_gatekeeping_lowers_specialist_use_and_spending),
        cmocka_unit_test(test_pay_for_performance_lowers_avoidable_admissions_a_little),
        cmocka_unit_test(test_bundled_payment_cuts_post_acute_discharge_without_more_readmissions),
        cmocka_unit_test(test_global_budget_lowers_hospital_spending_and_admissions),
        cmocka_unit_test(test_case_management_has_a_small_average_effect),
        cmocka_unit_test(test_hospital_at_home_frees_beds),
        cmocka_unit_test(test_self_management_lowers_avoidable_admissions),
        cmocka_unit_test(test_telemedicine_adds_visits_more_than_it_substitutes),
        cmocka_unit_test(test_ledger_balances_to_the_cent),
        cmocka_unit_test(test_capitation_pays_the_rate_per_person_year),
        cmocka_unit_test(test_levers_at_their_base_values_give_the_base_bit_for_bit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

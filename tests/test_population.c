/* tests/test_population.c — the persons of the model (models/population.c) and the model
 * context around them (models/model.c): size of a person, the initial population, newborns,
 * exact bookkeeping invariants, reproducibility and common random numbers, outcome accrual,
 * the life table, and parameter combinations model_create must reject.
 *
 * Statistical checks use fixed seeds; each states its tolerance. A share p estimated from
 * n persons has standard error sqrt(p (1 - p) / n); "4 SE" tolerances make a false alarm
 * (1 in 16 000 per check) negligible while a real error of the size that matters (a share
 * off by a tenth of itself) fails at these sample sizes.
 */
#include "tests/testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/model.h"
#include "models/params.h"
#include "sim/config.h"

static struct model *create(const struct model_params *par, uint32_t replication)
{
    struct sim_err err;
    sim_err_clear(&err);
    struct model *m = model_create(par, replication, &err);
    if (!m)
        fail_msg("model_create: %s", err.msg);
    return m;
}

static void run(struct model *m)
{
    struct sim_err err;
    sim_err_clear(&err);
    if (model_run(m, &err) != 0)
        fail_msg("model_run: %s", err.msg);
}

/* A model of n persons over `years` (no warm-up) with extra overrides, run to the end. */
static struct model *run_model(int n, double years, uint32_t replication,
                               const char *const *extra, size_t nextra)
{
    char pop[64], hor[64];
    snprintf(pop, sizeof pop, "run.population=%d", n);
    snprintf(hor, sizeof hor, "run.horizon_years=%g", years);
    const char *sets[16] = {pop, hor, "run.warmup_years=0"};
    size_t nsets = 3;
    for (size_t i = 0; i < nextra && nsets < 16; i++)
        sets[nsets++] = extra[i];
    struct model_params par;
    testutil_default_params(&par, sets, nsets);
    testutil_disease_only(&par);
    struct model *m = create(&par, replication);
    run(m);
    return m;
}

static double se(double p, double n) { return sqrt(p * (1.0 - p) / n); }

/* ---- Size ------------------------------------------------------------------------------- */

static void test_person_fits_in_256_bytes_with_its_calendar_entry(void **state)
{
    (void)state;
    /* The engine's state per person is the handle inside struct person plus one calendar
     * entry (16-byte heap entry + 16-byte record); no random stream state is kept. */
    size_t with_calendar = sizeof(struct person) + 32;
    print_message("sizeof(struct person) = %zu bytes; with its calendar entry %zu bytes\n",
                  sizeof(struct person), with_calendar);
    assert_true(with_calendar <= 256);
}

static void test_bytes_per_person_stay_near_the_record_size(void **state)
{
    (void)state;
    /* Everything the model allocates per living person after 5 years: the records (the
     * dead keep theirs: ~1% a year), the calendar and growth slack. */
    struct model *m = run_model(20000, 5.0, 0, NULL, 0);
    double b = model_bytes_per_person(m);
    print_message("allocated bytes per living person after 5 years: %.0f\n", b);
    assert_true(b > 240.0 && b < 300.0);
    model_destroy(m);
}

/* ---- The initial population -------------------------------------------------------------- */

/* One initial population of 100 000 persons at time 0 (default scenario), shared by the
 * tests of the initial population and freed at exit. */
static struct model *shared_model;

static void free_shared(void) { model_destroy(shared_model); }

static struct model *shared_initial(void)
{
    if (!shared_model) {
        struct model_params par;
        const char *sets[] = {"run.population=100000"};
        testutil_default_params(&par, sets, 1);
        testutil_disease_only(&par);
        shared_model = create(&par, 0);
        atexit(free_shared);
    }
    return shared_model;
}

static struct model *initial(int n, const char *const *extra, size_t nextra)
{
    char pop[64];
    snprintf(pop, sizeof pop, "run.population=%d", n);
    const char *sets[8] = {pop};
    size_t nsets = 1;
    for (size_t i = 0; i < nextra; i++)
        sets[nsets++] = extra[i];
    struct model_params par;
    testutil_default_params(&par, sets, nsets);
    testutil_disease_only(&par);
    return create(&par, 0);
}

static void test_initial_ages_follow_the_pyramid(void **state)
{
    (void)state;
    const struct model *m = shared_initial();
    const double n = m->n_start;
    double count[PARAMS_PYRAMID_BANDS] = {0};
    for (uint32_t id = 0; id < m->n_persons; id++) {
        int b = (int)(pop_age(&m->persons[id], 0.0) / 10.0);
        count[b < PARAMS_PYRAMID_BANDS ? b : PARAMS_PYRAMID_BANDS - 1] += 1.0;
    }
    for (int b = 0; b < PARAMS_PYRAMID_BANDS; b++) {
        double p = m->par.population.pyramid[b];
        assert_near(count[b] / n, p, 4 * se(p, n)); /* n = 100 000: 4 SE = 0.3-0.4 points */
    }
}

static void test_oldest_band_falls_linearly_to_max_age(void **state)
{
    (void)state;
    const struct model *m = shared_initial();
    double max_age = m->par.population.max_age_years, n80 = 0, n90 = 0;
    for (uint32_t id = 0; id < m->n_persons; id++) {
        double a = pop_age(&m->persons[id], 0.0);
        assert_true(a >= 0.0 && a <= max_age);
        n80 += a >= 80.0;
        n90 += a >= 90.0;
    }
    /* density falling linearly from 80 to max_age: P(90+ | 80+) = ((max - 90)/(max - 80))^2 */
    double p = pow((max_age - 90.0) / (max_age - 80.0), 2.0);
    assert_near(n90 / n80, p, 4 * se(p, n80)); /* n80 ~ 5 000: 4 SE = 2.3 points */
}

static void test_deprivation_is_a_fifth_per_quintile_below_40(void **state)
{
    (void)state;
    const struct model *m = shared_initial();
    double count[5] = {0}, n = 0;
    for (uint32_t id = 0; id < m->n_persons; id++) {
        const struct person *p = &m->persons[id];
        if (pop_age(p, 0.0) < 40.0) {
            count[p->deprivation - 1] += 1.0;
            n += 1.0;
        }
    }
    /* Quintiles are a fifth each at birth; below 40 few have died, so still a fifth. */
    for (int q = 0; q < 5; q++)
        assert_near(count[q] / n, 0.2, 4 * se(0.2, n)); /* n ~ 49 000: 0.7 points */
}

static void test_the_oldest_are_less_deprived_because_the_deprived_die_sooner(void **state)
{
    (void)state;
    const struct model *m = shared_initial();
    double q1 = 0, q5 = 0, n = 0;
    for (uint32_t id = 0; id < m->n_persons; id++) {
        const struct person *p = &m->persons[id];
        if (pop_age(p, 0.0) >= 80.0) {
            q1 += p->deprivation == 1;
            q5 += p->deprivation == 5;
            n += 1.0;
        }
    }
    /* Survival leaves more of the least deprived: the model gives ~23% vs ~16% at 80+
     * (n ~ 5 000, SE ~0.6 points each); a difference of 3 points is > 3 SE of it. */
    assert_true(q1 / n - q5 / n > 0.03);
}

static void test_rural_share_is_the_parameter(void **state)
{
    (void)state;
    const struct model *m = shared_initial();
    const double n = m->n_start;
    double rural = 0;
    for (uint32_t id = 0; id < m->n_persons; id++)
        rural += (m->persons[id].flags & POP_RURAL) != 0;
    assert_near(rural / n, 0.17, 4 * se(0.17, n)); /* evidence.md 17%; 4 SE = 0.7 points */
}

static void test_boys_at_birth_and_more_women_among_the_old(void **state)
{
    (void)state;
    const struct model *m = shared_initial();
    double men_young = 0, young = 0, men_old = 0, old = 0;
    for (uint32_t id = 0; id < m->n_persons; id++) {
        const struct person *p = &m->persons[id];
        double a = pop_age(p, 0.0);
        if (a < 10.0) {
            men_young += pop_sex(p) == 0;
            young += 1.0;
        } else if (a >= 80.0) {
            men_old += pop_sex(p) == 0;
            old += 1.0;
        }
    }
    /* Under 10 almost nobody has died: the birth share 0.512 (n ~ 11 500, 4 SE = 1.9
     * points). At 80+ women's longer lives leave ~42% men (n ~ 5 000); below 46% is
     * 6 SE from an even split. */
    assert_near(men_young / young, 0.512, 4 * se(0.512, young));
    assert_true(men_old / old < 0.46);
}

static void test_activation_is_drawn_by_deprivation(void **state)
{
    (void)state;
    const struct model *m = shared_initial();
    double level[2][4] = {{0}}, n[2] = {0};
    for (uint32_t id = 0; id < m->n_persons; id++) {
        const struct person *p = &m->persons[id];
        assert_true(p->activation >= 1 && p->activation <= 4);
        if (p->deprivation == 1 || p->deprivation == 5) {
            int g = p->deprivation == 5;
            level[g][p->activation - 1] += 1.0;
            n[g] += 1.0;
        }
    }
    const double *want[2] = {m->par.population.activation_least,
                             m->par.population.activation_most};
    for (int g = 0; g < 2; g++)
        for (int l = 0; l < 4; l++) /* n ~ 20 000 per quintile: 4 SE <= 1.4 points */
            assert_near(level[g][l] / n[g], want[g][l], 4 * se(want[g][l], n[g]));
}

static void test_practices_hold_list_size_persons(void **state)
{
    (void)state;
    const char *sets[] = {"practices.list_size=3000"};
    struct model *m = initial(10000, sets, 1);
    assert_int_equal(m->n_practices, 4);
    uint32_t count[4] = {0};
    for (uint32_t id = 0; id < m->n_persons; id++) {
        assert_true(m->persons[id].practice < 4);
        count[m->persons[id].practice]++;
    }
    assert_int_equal(count[0], 3000);
    assert_int_equal(count[2], 3000);
    assert_int_equal(count[3], 1000); /* the last practice takes the rest */
    model_destroy(m);
}

/* ---- Bookkeeping -------------------------------------------------------------------------- */

static uint64_t alive_by_scan(const struct model *m)
{
    uint64_t n = 0;
    for (uint32_t id = 0; id < m->n_persons; id++)
        n += pop_alive(&m->persons[id]);
    return n;
}

static void test_counts_balance_with_newborns(void **state)
{
    (void)state;
    struct model *m = run_model(20000, 10.0, 0, NULL, 0);
    const struct model_counts *c = &m->counts;
    assert_true(c->deaths > 1000); /* ~1% a year: the check is not vacuous */
    assert_true(c->persons_start + c->entries - c->deaths == c->alive);
    assert_true(c->alive == alive_by_scan(m));
    assert_true(c->entries == c->deaths); /* each death replaced */
    assert_true(c->alive == 20000);
    assert_true(m->n_persons == c->persons_start + c->entries);
    model_destroy(m);
}

static void test_counts_balance_in_a_closed_cohort(void **state)
{
    (void)state;
    const char *sets[] = {"population.replace_deaths=false"};
    struct model *m = run_model(20000, 10.0, 0, sets, 1);
    const struct model_counts *c = &m->counts;
    assert_true(c->entries == 0);
    assert_true(c->deaths > 1000);
    assert_true(c->persons_start - c->deaths == c->alive);
    assert_true(c->alive == alive_by_scan(m));
    model_destroy(m);
}

static void test_no_event_fires_for_a_dead_person(void **state)
{
    (void)state;
    /* Each person has exactly one pending event, moved by handle and never left behind
     * at death; the handler counts any event that finds its person dead. */
    struct model *m = run_model(20000, 10.0, 0, NULL, 0);
    assert_true(m->counts.deaths > 1000);
    assert_true(m->counts.dead_events == 0);
    for (uint32_t id = 0; id < m->n_persons; id++)
        if (!pop_alive(&m->persons[id]))
            assert_true(m->persons[id].next_event == SIM_HANDLE_NONE);
    model_destroy(m);
}

static uint32_t id_of_key(const struct model *m, uint64_t key)
{
    if (key < m->n_start)
        return (uint32_t)key;
    for (uint32_t id = m->n_start; id < m->n_persons; id++)
        if (pop_stream_key(m, id) == key)
            return id;
    return UINT32_MAX;
}

static void test_newborns_replace_the_dead_in_their_practice(void **state)
{
    (void)state;
    struct model *m = run_model(20000, 5.0, 0, NULL, 0);
    assert_true(m->n_persons > m->n_start + 500);
    for (uint32_t id = m->n_start; id < m->n_persons; id++) {
        const struct person *p = &m->persons[id];
        uint64_t key = pop_stream_key(m, id);
        uint32_t parent = id_of_key(m, key - (UINT64_C(1) << 32));
        assert_true(parent < id);
        const struct person *pa = &m->persons[parent];
        assert_false(pop_alive(pa));
        assert_true(p->birth_day == pa->last_day); /* born when the parent died */
        assert_int_equal(p->practice, pa->practice);
        assert_int_equal(p->flags & POP_RURAL, pa->flags & POP_RURAL);
        for (int c = 0; c < DIS_COUNT; c++) /* nothing at birth */
            assert_true(!(p->conds >> c & 1u) || p->onset_day[c] > p->birth_day);
    }
    model_destroy(m);
}

/* ---- Reproducibility and common random numbers ------------------------------------------- */

/* Same person history: everything but the calendar handle. */
static int same_record(const struct person *a, const struct person *b)
{
    struct person x = *a, y = *b;
    x.next_event = y.next_event = 0;
    return memcmp(&x, &y, sizeof x) == 0;
}

/* Same disease history: demography, conditions, control, severity, onsets, death and the
 * life-years and QALYs they give. Care fields (appointments, costs, counts, the care
 * clocks and their stream position) are left out: persons share practices and beds, so a
 * different population changes everyone's waits. */
static int same_person(const struct person *a, const struct person *b)
{
    struct person x = *a, y = *b;
    struct person *both[2] = {&x, &y};
    for (int i = 0; i < 2; i++) {
        struct person *p = both[i];
        p->next_event = p->gp_event = p->op_event = 0;
        p->exac_day = p->cost_disc = 0.0;
        p->cost_cents = 0;
        p->clock[DIS_CLOCK_OTHER] = 0.0f;
        p->review_day = p->discharge_day = 0.0f;
        p->ndraw = 0;
        p->stay = 0;
        p->next_cand = 0; /* may be a review */
        p->flags &= (uint8_t)~POP_UNMET;
        memset(p->count, 0, sizeof p->count);
    }
    return memcmp(&x, &y, sizeof x) == 0;
}

static void test_same_seed_gives_identical_runs(void **state)
{
    (void)state;
    struct model *a = run_model(10000, 5.0, 3, NULL, 0);
    struct model *b = run_model(10000, 5.0, 3, NULL, 0);
    assert_int_equal(a->n_persons, b->n_persons);
    for (uint32_t id = 0; id < a->n_persons; id++)
        assert_true(same_record(&a->persons[id], &b->persons[id]));
    assert_memory_equal(&a->counts, &b->counts, sizeof a->counts);
    assert_memory_equal(&a->tally, &b->tally, sizeof a->tally);
    assert_true(a->ctx.events == b->ctx.events);
    model_destroy(a);
    model_destroy(b);
}

static void test_another_replication_gives_another_run(void **state)
{
    (void)state;
    struct model *a = run_model(10000, 5.0, 3, NULL, 0);
    struct model *b = run_model(10000, 5.0, 4, NULL, 0);
    uint32_t same = 0;
    for (uint32_t id = 0; id < a->n_start; id++)
        same += a->persons[id].birth_day == b->persons[id].birth_day;
    assert_true(same < 10); /* ages are continuous draws: equal only by accident */
    model_destroy(a);
    model_destroy(b);
}

static void test_crn_replacing_deaths_changes_no_initial_person(void **state)
{
    (void)state;
    /* Every draw is keyed by the person's own stream, and care that changes no hazard
     * never touches a death clock: the newborns of one run (who share practices and beds
     * with the others) cannot change the disease history of an initial person. */
    const char *closed[] = {"population.replace_deaths=false"};
    struct model *a = run_model(10000, 8.0, 0, NULL, 0);
    struct model *b = run_model(10000, 8.0, 0, closed, 1);
    assert_true(a->counts.entries > 500 && b->counts.entries == 0);
    for (uint32_t id = 0; id < a->n_start; id++)
        assert_true(same_person(&a->persons[id], &b->persons[id]));
    model_destroy(a);
    model_destroy(b);
}

static void test_crn_more_persons_change_none_of_the_first(void **state)
{
    (void)state;
    struct model *a = run_model(5000, 5.0, 0, NULL, 0);
    struct model *b = run_model(10000, 5.0, 0, NULL, 0);
    for (uint32_t id = 0; id < a->n_start; id++)
        assert_true(same_person(&a->persons[id], &b->persons[id]));
    model_destroy(a);
    model_destroy(b);
}

static void test_crn_a_mortality_change_moves_deaths_but_no_onset(void **state)
{
    (void)state;
    /* Run A as is; in run B every 4th person alive after 2 years gets 4 times the
     * mortality (the acute-event hook). What CRN guarantees: the others, and the newborns
     * that replace them (same stream keys), are identical; a changed person dies at
     * another time but every diagnosis before the earlier of their two deaths is the same
     * to the bit, because onset clocks do not depend on mortality. */
    const int n = 20000;
    struct model_params par;
    const char *sets[] = {"run.population=20000", "run.horizon_years=10", "run.warmup_years=0"};
    testutil_default_params(&par, sets, 3);
    testutil_disease_only(&par);
    struct model *a = create(&par, 0);
    run(a);
    struct model *b = create(&par, 0);
    struct sim_err err;
    sim_err_clear(&err);
    assert_int_equal(model_run_until(b, 2 * DIS_YEAR_DAYS, &err), 0);
    uint8_t *changed = calloc(n, 1);
    assert_non_null(changed);
    for (uint32_t id = 0; id < (uint32_t)n; id += 4)
        if (pop_alive(&b->persons[id])) {
            assert_int_equal(dis_set_acute_mortality(b, id, 4.0), 0);
            changed[id] = 1;
        }
    run(b);

    uint32_t moved_deaths = 0, compared_onsets = 0;
    for (uint32_t id = 0; id < (uint32_t)n; id++) {
        const struct person *pa = &a->persons[id], *pb = &b->persons[id];
        if (!changed[id]) {
            assert_true(same_person(pa, pb));
            continue;
        }
        double da = pop_alive(pa) ? INFINITY : pa->last_day;
        double db = pop_alive(pb) ? INFINITY : pb->last_day;
        moved_deaths += da != db;
        double until = da < db ? da : db;
        for (int c = 0; c < DIS_COUNT; c++) {
            if (pa->onset_day[c] < until || pb->onset_day[c] < until) {
                assert_true(pa->onset_day[c] == pb->onset_day[c]);
                compared_onsets += pa->onset_day[c] > 0; /* diagnosed during the run */
            }
        }
    }
    /* Newborns of unchanged lineages: matched by stream key, identical. */
    uint32_t matched = 0;
    for (uint32_t ia = a->n_start; ia < a->n_persons; ia++) {
        uint64_t key = pop_stream_key(a, ia);
        if (changed[(uint32_t)key])
            continue;
        uint32_t ib = id_of_key(b, key);
        assert_true(ib != UINT32_MAX);
        assert_true(same_person(&a->persons[ia], &b->persons[ib]));
        matched++;
    }
    assert_true(moved_deaths > 300);   /* the change did something */
    assert_true(compared_onsets > 300); /* and there were onsets to compare */
    assert_true(matched > 1000);
    free(changed);
    model_destroy(a);
    model_destroy(b);
}

/* ---- Outcomes ----------------------------------------------------------------------------- */

static void test_life_years_accrue_only_in_the_window_and_discount(void **state)
{
    (void)state;
    const char *sets[] = {"run.population=2000", "run.warmup_years=2", "run.horizon_years=3"};
    struct model_params par;
    testutil_default_params(&par, sets, 3);
    testutil_disease_only(&par);
    struct model *m = create(&par, 0);
    run(m);
    /* Someone alive throughout lives exactly the 3 window years; discounted continuously
     * at ln(1.035): (1 - 1.035^-3) / ln(1.035). */
    double rho = log(1.035), want_disc = (1.0 - pow(1.035, -3.0)) / rho;
    double py = 0.0, ly = 0.0;
    int checked = 0;
    for (uint32_t id = 0; id < m->n_persons; id++) {
        const struct person *p = &m->persons[id];
        ly += pop_life_years(m, p);
        assert_true(p->qaly <= pop_life_years(m, p) + 1e-12 && p->qaly_disc <= p->ly_disc + 1e-12);
        if (id < m->n_start && pop_alive(p)) {
            assert_near(pop_life_years(m, p), 3.0, 1e-9);
            assert_near(p->ly_disc, want_disc, 1e-9);
            assert_true(p->qaly > 0.5 * 3.0 * 0.6);
            checked++;
        }
    }
    for (int s = 0; s < 2; s++)
        for (int a = 0; a < POP_AGES; a++)
            py += m->tally.person_years[s][a];
    assert_true(checked > 1800);
    assert_near(py, ly, 1e-6 * ly); /* person-years by age add up to the life-years */
    model_destroy(m);
}

static void test_costs_count_only_in_the_window_in_cents_and_discount(void **state)
{
    (void)state;
    const char *sets[] = {"run.population=100", "run.warmup_years=1", "run.horizon_years=4"};
    struct model_params par;
    testutil_default_params(&par, sets, 3);
    testutil_disease_only(&par);
    struct model *m = create(&par, 0);
    struct sim_err err;
    sim_err_clear(&err);
    uint32_t id = 0;
    while (!pop_alive(&m->persons[id]))
        id++;
    pop_add_cost(m, id, POP_PRIMARY, 40.0, 0.0); /* warm-up: not counted */
    assert_true(m->persons[id].cost_cents == 0);
    assert_true(m->tally.cost_cents[POP_PRIMARY] == 0);
    assert_int_equal(model_run_until(m, 3 * DIS_YEAR_DAYS, &err), 0);
    id = 0;
    while (!pop_alive(&m->persons[id]))
        id++;
    /* The pathway has booked costs already: look at what this call adds. */
    int64_t before = m->persons[id].cost_cents, sector = m->tally.cost_cents[POP_INPATIENT];
    int64_t oop = m->tally.oop_cents;
    double disc = m->persons[id].cost_disc;
    pop_add_cost(m, id, POP_INPATIENT, 1000.004, 10.0); /* 2 years into the window */
    assert_true(m->persons[id].cost_cents - before == 100000); /* rounded to the cent */
    assert_true(m->tally.cost_cents[POP_INPATIENT] - sector == 100000);
    assert_true(m->tally.oop_cents - oop == 1000);
    assert_near(m->persons[id].cost_disc - disc, 1000.0 * pow(1.035, -2.0), 1e-9);
    model_destroy(m);
}

static void test_counters_count_in_the_window_and_saturate(void **state)
{
    (void)state;
    const char *sets[] = {"run.population=10", "run.warmup_years=1", "run.horizon_years=2"};
    struct model_params par;
    testutil_default_params(&par, sets, 3);
    testutil_disease_only(&par);
    struct model *m = create(&par, 0);
    struct sim_err err;
    sim_err_clear(&err);
    pop_count(m, 0, POP_GP_VISITS); /* warm-up: not counted */
    assert_int_equal(m->persons[0].count[POP_GP_VISITS], 0);
    assert_int_equal(model_run_until(m, 2 * DIS_YEAR_DAYS, &err), 0);
    for (int i = 0; i < 70000; i++)
        pop_count(m, 0, POP_ED_VISITS);
    pop_count(m, 0, POP_ADMISSIONS);
    pop_count(m, m->n_persons, POP_ADMISSIONS); /* no such person: ignored */
    assert_int_equal(m->persons[0].count[POP_ED_VISITS], 65535);
    assert_int_equal(m->persons[0].count[POP_ADMISSIONS], 1);
    model_destroy(m);
}

static void test_life_table_of_a_constant_hazard_gives_its_inverse(void **state)
{
    (void)state;
    const char *sets[] = {"run.population=10"};
    struct model_params par;
    testutil_default_params(&par, sets, 1);
    testutil_disease_only(&par);
    struct model *m = create(&par, 0);
    /* With the same death rate 0.02 at every age, life expectancy is exactly 1/0.02. */
    memset(&m->tally, 0, sizeof m->tally);
    for (int a = 0; a < POP_AGES; a++) {
        m->tally.person_years[0][a] = 1000.0;
        m->tally.deaths[0][a] = 20.0;
    }
    assert_near(pop_life_expectancy(m, 0), 50.0, 1e-9);
    assert_near(pop_life_expectancy(m, -1), 50.0, 1e-9);
    assert_true(isnan(pop_life_expectancy(m, 1))); /* no women: no table */
    model_destroy(m);
}

/* ---- Rejected parameter combinations ----------------------------------------------------- */

static void expect_rejected(const struct model_params *par, const char *needle)
{
    struct sim_err err;
    sim_err_clear(&err);
    struct model *m = model_create(par, 0, &err);
    assert_null(m);
    assert_int_equal(err.code, SIM_EINVAL);
    if (!strstr(err.msg, needle))
        fail_msg("error '%s' does not mention '%s'", err.msg, needle);
}

static void test_create_rejects_a_prevalence_that_falls_with_age(void **state)
{
    (void)state;
    const char *sets[] = {"run.population=100",
                          "disease.dementia.prevalence_women=[0.0,0.0,0.0,0.0,0.001,0.009,0.02,"
                          "0.075,0.05]"};
    struct model_params par;
    testutil_default_params(&par, sets, 2);
    testutil_disease_only(&par);
    expect_rejected(&par, "disease.dementia.prevalence_women: falls from 0.075 (band 75-84) "
                          "to 0.05 (band 85+)");
}

static void test_create_rejects_an_own_onset_ratio_other_than_1(void **state)
{
    (void)state;
    const char *sets[] = {"run.population=100",
                          "disease.chd.onset_hr=[1.6,2.0,3.0,1.0,1.0,1.0,1.0,1.0,1.0]"};
    struct model_params par;
    testutil_default_params(&par, sets, 2);
    testutil_disease_only(&par);
    expect_rejected(&par, "disease.chd.onset_hr[2]: a condition's own entry must be 1");
}

static void test_create_rejects_hand_made_parameters_it_cannot_run(void **state)
{
    (void)state;
    struct model_params par;
    const char *sets[] = {"run.population=100"};
    testutil_default_params(&par, sets, 1);
    testutil_disease_only(&par);
    par.practices.list_size = 0;
    expect_rejected(&par, "practices.list_size");
    testutil_default_params(&par, sets, 1);
    testutil_disease_only(&par);
    par.run.population = 0;
    expect_rejected(&par, "run.population");
    struct sim_err err;
    sim_err_clear(&err);
    assert_null(model_create(NULL, 0, &err));
    assert_int_equal(err.code, SIM_EINVAL);
    model_destroy(NULL); /* a no-op */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_person_fits_in_256_bytes_with_its_calendar_entry),
        cmocka_unit_test(test_bytes_per_person_stay_near_the_record_size),
        cmocka_unit_test(test_initial_ages_follow_the_pyramid),
        cmocka_unit_test(test_oldest_band_falls_linearly_to_max_age),
        cmocka_unit_test(test_deprivation_is_a_fifth_per_quintile_below_40),
        cmocka_unit_test(test_the_oldest_are_less_deprived_because_the_deprived_die_sooner),
        cmocka_unit_test(test_rural_share_is_the_parameter),
        cmocka_unit_test(test_boys_at_birth_and_more_women_among_the_old),
        cmocka_unit_test(test_activation_is_drawn_by_deprivation),
        cmocka_unit_test(test_practices_hold_list_size_persons),
        cmocka_unit_test(test_counts_balance_with_newborns),
        cmocka_unit_test(test_counts_balance_in_a_closed_cohort),
        cmocka_unit_test(test_no_event_fires_for_a_dead_person),
        cmocka_unit_test(test_newborns_replace_the_dead_in_their_practice),
        cmocka_unit_test(test_same_seed_gives_identical_runs),
        cmocka_unit_test(test_another_replication_gives_another_run),
        cmocka_unit_test(test_crn_replacing_deaths_changes_no_initial_person),
        cmocka_unit_test(test_crn_more_persons_change_none_of_the_first),
        cmocka_unit_test(test_crn_a_mortality_change_moves_deaths_but_no_onset),
        cmocka_unit_test(test_life_years_accrue_only_in_the_window_and_discount),
        cmocka_unit_test(test_costs_count_only_in_the_window_in_cents_and_discount),
        cmocka_unit_test(test_counters_count_in_the_window_and_saturate),
        cmocka_unit_test(test_life_table_of_a_constant_hazard_gives_its_inverse),
        cmocka_unit_test(test_create_rejects_a_prevalence_that_falls_with_age),
        cmocka_unit_test(test_create_rejects_an_own_onset_ratio_other_than_1),
        cmocka_unit_test(test_create_rejects_hand_made_parameters_it_cannot_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

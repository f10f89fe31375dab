/* models/series.h — the results of one replication beyond its outcome row: a monthly time
 * series, outcomes by age band and deprivation quintile (equity), and the ledger of money
 * flows by year, each as rows of doubles with named columns (like outcomes.h) for output/
 * to write.
 *
 * Time series. At the start of the recording window and at the end of each of its months
 * (the model's month events) the model keeps a snapshot of its cumulative counts, costs,
 * money and bed integrals (ser_snapshot); a month's row is the difference of two snapshots,
 * so every count in the series adds up exactly to the window's total. Months are of
 * 365.25 / 12 days; a part-month at the end of the window is not a row.
 *
 * Groups. Persons' own window totals (life-years, QALYs, services, costs) grouped by their
 * age band at the end of the window (or at death) and their deprivation quintile.
 *
 * Ledger. One row per year of the window and flow (payer, patient or provider -> provider,
 * by mechanism) that moved money that year.
 *
 * Touches only the model it is given (ser_snapshot) or the rows it is given.
 */
#ifndef MODELS_SERIES_H
#define MODELS_SERIES_H

#include <stddef.h>
#include <stdint.h>

#include "models/outcomes.h"
#include "sim/err.h"

struct model;

/* ---- Monthly time series ---------------------------------------------------------------- */

enum ser_column {
    SER_REPLICATION,         /* replication index */
    SER_MONTH,               /* month of the recording window, 1 .. */
    SER_YEAR,                /* the month's end in years from the window start */
    SER_PERSONS,             /* persons alive at the month's end */
    SER_DEATHS,              /* deaths in the month */
    SER_GP_VISITS,           /* GP consultations in the month */
    SER_SPECIALIST_VISITS,   /* specialist attendances */
    SER_ED_VISITS,           /* ED attendances */
    SER_EMERGENCY_ADMISSIONS,
    SER_ELECTIVE_ADMISSIONS,
    SER_OCCUPIED_BEDS,       /* mean occupied beds over the month */
    SER_BED_OCCUPANCY,       /* occupied / available bed-days over the month */
    SER_BOARDING,            /* mean number boarding in the ED for a bed */
    SER_WAIT_GP,             /* mean wait of GP bookings made in the month, days */
    SER_WAIT_SPECIALIST,     /* mean wait of referrals booked in the month, days */
    SER_ELECTIVE_LIST,       /* persons on elective lists at the month's end */
    SER_COST_PRIMARY,        /* costs of the month by sector (enum pop_sector order) */
    SER_COST_OUTPATIENT,
    SER_COST_ED,
    SER_COST_INPATIENT,
    SER_COST_POSTACUTE,
    SER_COST_OTHER,
    SER_COST_TOTAL,
    SER_SPEND_PAYER,         /* paid by the payer in the month */
    SER_COUNT
};

/* One snapshot of the cumulative state (kept by the model). */
struct ser_snap {
    double day;               /* when */
    double alive, deaths;     /* persons alive; deaths since the start of the run */
    double gp_visits, op_visits, ed_visits, emergency, elective;
    double gp_requests, gp_wait_days, op_referrals, op_wait_days;
    double busy_days, bed_days, waiting_days; /* bed integrals since the window start */
    double listed;            /* on elective lists now */
    int64_t cost_cents[6];    /* by sector since the window start */
    int64_t payer_cents;      /* paid by the payer since the window start */
};

/* Takes the snapshot of now (the window start, then each month's end). Returns 0 or
 * SIM_ENOMEM. */
int ser_snapshot(struct model *m);

/* Months recorded so far. */
uint32_t ser_months(const struct model *m);

/* Column info (name, unit, description). Returns 0 or SIM_EINVAL. */
int ser_column_info(int col, struct outc_info *info, struct sim_err *err);

/* Fills ser_months(m) rows of SER_COUNT values. */
void ser_fill(const struct model *m, uint32_t replication, double *rows);

/* ---- By age band and deprivation quintile ------------------------------------------------ */

enum grp_column {
    GRP_REPLICATION,
    GRP_AGE_LOWER,           /* lower limit of the age band, years (bands of params.h) */
    GRP_QUINTILE,            /* deprivation quintile 1 (least) .. 5 (most deprived) */
    GRP_PERSONS_END,         /* persons alive at the end in the group */
    GRP_LIFE_YEARS,          /* life-years lived in the window */
    GRP_DEATHS,              /* deaths in the window */
    GRP_GP_VISITS,
    GRP_SPECIALIST_VISITS,
    GRP_ED_VISITS,
    GRP_ADMISSIONS,
    GRP_QALYS,
    GRP_QALYS_PER_LIFE_YEAR,
    GRP_GP_VISITS_PER_YEAR,  /* per life-year */
    GRP_ADMISSIONS_PER_1000, /* per 1000 life-years */
    GRP_COST_TOTAL,
    GRP_COST_PER_YEAR,       /* per life-year */
    GRP_COUNT
};

#define GRP_ROWS (9 * 5) /* age bands x quintiles */

int grp_column_info(int col, struct outc_info *info, struct sim_err *err);

/* Fills GRP_ROWS rows of GRP_COUNT values (band-major). */
void grp_fill(const struct model *m, uint32_t replication, double *rows);

/* ---- One row per person (optional: `caresim run --persons`) ------------------------------- */

enum per_column {
    PER_REPLICATION,
    PER_ID,             /* person id (initial persons first, then newborns) */
    PER_SEX,            /* 0 man, 1 woman */
    PER_AGE_END,        /* age at the end of the run or at death, years */
    PER_QUINTILE,       /* deprivation quintile 1 .. 5 */
    PER_RURAL,          /* 1 rural, 0 urban */
    PER_PRACTICE,       /* registered practice */
    PER_ACTIVATION,     /* activation level 1 .. 4 */
    PER_ALIVE,          /* 1 alive at the end */
    PER_DEATH_YEAR,     /* years from the window start to death; NaN if alive */
    PER_CONDITIONS,     /* bit set of present conditions (bit c: condition c of params.h) */
    PER_N_CONDITIONS,   /* number of present conditions */
    PER_UNCONTROLLED,   /* number of present conditions not controlled */
    PER_LIFE_YEARS,     /* life-years in the window */
    PER_QALYS,          /* QALYs in the window */
    PER_QALYS_DISC,
    PER_COST,           /* care costs in the window, currency */
    PER_COST_DISC,
    PER_GP_VISITS,
    PER_SPECIALIST_VISITS,
    PER_ED_VISITS,
    PER_ADMISSIONS,
    PER_COUNT
};

int per_column_info(int col, struct outc_info *info, struct sim_err *err);

/* Rows: every person the run created (m->n_persons). */
size_t per_rows(const struct model *m);

/* Fills per_rows(m) rows of PER_COUNT values, by id. */
void per_fill(const struct model *m, uint32_t replication, double *rows);

/* ---- Event trace (optional: `caresim run --trace`) ------------------------------------------ */

enum trc_column {
    TRC_DAY,     /* time of the event, days from the run start */
    TRC_YEAR,    /* the same in years from the window start (negative in the warm-up) */
    TRC_TYPE,    /* enum model_event (names in the attribute event_names) */
    TRC_TARGET,  /* person id, or hospital index for hospital mornings */
    TRC_WHAT,    /* personal events: what the event is for (0-8 a condition's clock: onset
                  * or exacerbation; 9 death, 10 step, 11 other need, 12 review); GP
                  * visits: the reason (enum care_gp_reason); else the event's aux */
    TRC_COUNT
};

/* An event trace being recorded (model_trace_start). */
struct trc_buf {
    double *rows;     /* n rows of TRC_COUNT */
    size_t n, cap;
    size_t limit;     /* at most this many rows are kept */
    size_t dropped;   /* events after the limit */
    const struct model *m;
    int failed;       /* out of memory: recording stopped */
};

int trc_column_info(int col, struct outc_info *info, struct sim_err *err);

/* Starts recording every event of m into b (before model_run); at most `limit` rows. */
void trc_start(struct model *m, struct trc_buf *b, size_t limit);
void trc_fini(struct trc_buf *b);

/* Name of an event type ("person", "gp_visit", ...); NULL for a bad code. */
const char *trc_event_name(int type);

/* ---- Ledger by year ----------------------------------------------------------------------- */

enum led_column {
    LED_REPLICATION,
    LED_YEAR,      /* year of the window, 1 .. (a part-year at the end counts as a year) */
    LED_FROM,      /* enum pay_party of the sender */
    LED_TO,        /* enum pay_party of the receiver */
    LED_MECHANISM, /* enum pay_mechanism */
    LED_AMOUNT,    /* currency */
    LED_COUNT
};

int led_column_info(int col, struct outc_info *info, struct sim_err *err);

/* Rows (non-zero flows by year) of the model's ledger. */
size_t led_rows(const struct model *m);

/* Fills led_rows(m) rows of LED_COUNT values, by year, sender, receiver, mechanism. */
void led_fill(const struct model *m, uint32_t replication, double *rows);

/* Names of the codes in LED_FROM, LED_TO ("payer", "patient", "gp", ...) and
 * LED_MECHANISM ("fee", "capitation", ...); NULL for a bad code. */
const char *led_party_name(int party);
const char *led_mechanism_name(int mechanism);

#endif

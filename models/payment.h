/* models/payment.h — payment mechanisms, the ledger of money flows, and the provider
 * decisions that payment shapes.
 *
 * Money. Unit costs (costs group) value the resources a service uses; payments (payment
 * group) are what the payer and patients hand to providers. Every payment goes through
 * pay_transfer into the ledger: from a party (payer, patient, or a provider passing money
 * on, e.g. a hospital paying post-acute care inside a bundle) to a party, by mechanism, in
 * whole cents and only inside the recording window, so money is conserved exactly: what
 * leaves the payer and patients equals what providers receive, net of transfers between
 * providers.
 *
 * Behaviour. Each provider decision is a multiplier m of the clinically indicated level
 * (review frequency, referral propensity, follow-up propensity, length of stay, admission
 * propensity, post-acute discharge), chosen to maximise
 *     altruism x B(m) + MR x m - C x m,  with  B(m) = -k (m - 1)^2 / 2,
 * where B is the patient's benefit (lost as the decision leaves the indicated level), MR
 * the provider's marginal revenue per unit of the activity and C its own marginal cost.
 * So m* = 1 + (MR - C) / (altruism x k), within [min_multiplier, max_multiplier]. Payment
 * sets MR; nothing is scripted per scenario. The decisions depend on the parameters only
 * and are computed once per replication (pay_decide).
 *
 * Touches only the model it is given.
 */
#ifndef MODELS_PAYMENT_H
#define MODELS_PAYMENT_H

#include <stdint.h>

#include "sim/err.h"

struct model;
struct model_params;

/* Parties of the ledger. */
enum pay_party {
    PAY_PAYER,      /* the public payer (insurer, health service) */
    PAY_PATIENT,    /* patients, out of pocket */
    PAY_GP,         /* general practices */
    PAY_SPECIALIST, /* specialist clinics */
    PAY_HOSPITAL,   /* hospitals (ED and stays) */
    PAY_POSTACUTE,  /* post-acute (intermediate, nursing) care */
    PAY_COMMUNITY,  /* community services and systems: case management, telehealth, IT */
    PAY_NPARTIES
};

/* How a payment is made. */
enum pay_mechanism {
    PAY_FEE,           /* per service */
    PAY_CAPITATION,    /* per registered person per period */
    PAY_SALARY,        /* per clinician (or clinic budget) per period */
    PAY_P4P,           /* pay-for-performance bonus */
    PAY_PER_DIEM,      /* per bed-day */
    PAY_DRG,           /* per admission */
    PAY_GLOBAL_BUDGET, /* fixed per period */
    PAY_BUNDLE,        /* per episode */
    PAY_COPAY,         /* patient copayment */
    PAY_NMECHANISMS
};

/* Money moved in the recording window, cents: [from][to][mechanism]. */
struct pay_ledger {
    int64_t cents[PAY_NPARTIES][PAY_NPARTIES][PAY_NMECHANISMS];
};

/* The providers' decisions (multipliers of the clinically indicated level). */
struct pay_decisions {
    double review[2];  /* GP review frequency: [0] all conditions controlled, [1] any not */
    double referral;   /* GP referral propensity */
    double followup;   /* specialist follow-up propensity */
    double los;        /* length of stay */
    double admission;  /* admission from the ED */
    double postacute;  /* discharge to post-acute care */
    double control;    /* GP effort to control a condition at a visit */
};

/* Computes the decisions from the payment and behaviour parameters. */
void pay_decide(const struct model_params *par, struct pay_decisions *d);

/* Moves `amount` (currency, >= 0, rounded to the cent) from one party to another in the
 * ledger, when the recording window is open. */
void pay_transfer(struct model *m, enum pay_party from, enum pay_party to,
                  enum pay_mechanism how, double amount);

/* Payments for services, called where the service happens. */
/* Each with the copayment the patient paid (the payer pays the rest of the fee). */
void pay_gp_visit(struct model *m, double copay);
void pay_specialist_visit(struct model *m, double copay);
void pay_ed_attendance(struct model *m, double copay);
/* A hospital stay of `days` ended: cond is the condition (or CARE_OTHER), elective 0/1.
 * Bundled emergency episodes are paid at their index admission instead (hospital.c). */
void pay_stay(struct model *m, int cond, int elective, double days);
/* Post-acute care of `days` after a discharge; in_bundle as above (the hospital pays). */
void pay_postacute(struct model *m, double days, int in_bundle);
/* A community service (case management, transitional care, telehealth...) of `amount`. */
void pay_community(struct model *m, double amount);

/* Periodic payments of one month (capitation, salaries, global budgets, system costs)
 * and, every twelfth month, the pay-for-performance bonus (model.c schedules the month
 * events). Returns 0 or SIM_E*. */
int pay_month(struct model *m, uint32_t month);

/* Total money received by a party in the window (all senders, all mechanisms), currency;
 * and paid out by it. */
double pay_received(const struct model *m, enum pay_party to);
double pay_paid(const struct model *m, enum pay_party from);

#endif

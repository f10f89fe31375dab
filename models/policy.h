/* models/policy.h — the integrated-care levers of the policy group, as the decisions they
 * change in the pathway (never as multipliers of outcomes):
 *   gatekeeping          whether a GP-bound need may go straight to a specialist (care.c)
 *   case management      enrolment at discharge of multimorbid patients; monthly contacts
 *                        that restore control; severe exacerbations caught early
 *   shared record        fewer repeat follow-ups; better discharge handover (relapse)
 *   care pathways / MDT  higher GP control, fewer referrals for covered patients
 *   self-management      lower exacerbation hazards for covered patients
 *   telemedicine         remote GP slots (cheaper) and the new demand they draw
 *   HF telemonitoring    lower mortality and fewer severe HF exacerbations
 *   hospital at home     emergency admissions treated at home (no bed)
 *   transitional care    lower relapse hazard after covered discharges
 *   task shifting        nurse consultations added to practice capacity
 *   copayments           demand falls with price (elasticity) at every service
 * Who is covered by a lever with a coverage share is fixed per person (a hash of the seed,
 * replication, the person's stream key and the lever), so the same persons are covered in
 * every scenario that uses the same share (common random numbers).
 * Touches only the model it is given.
 */
#ifndef MODELS_POLICY_H
#define MODELS_POLICY_H

#include <stdint.h>

struct model;
struct person;

/* Levers with per-person coverage (the `what` of pol_covered). */
enum pol_lever {
    POL_PATHWAY = 0,   /* + condition: 0 .. 8 */
    POL_SELFMAN = 16,
    POL_HF_MONITORING = 17,
    POL_TRANSITIONAL = 18, /* + nothing: drawn per discharge from the care stream instead */
};

/* 1 when person p is covered by lever `what` at coverage `share` (fixed per person). */
int pol_covered(const struct model *m, const struct person *p, unsigned what, double share);

/* Extra probability of forgoing a service of unit cost `price` with copayment `copay`
 * (copay_elasticity; 0 without a copayment). */
double pol_copay_forgo(const struct model *m, double copay, double price);

/* Probability that a GP-bound need of person p goes straight to a specialist clinic. */
double pol_direct_access(const struct model *m);

/* Exacerbation hazard ratio of condition c for person p from self-management. */
double pol_exacerbation_hr(const struct model *m, const struct person *p, int c);

/* Mortality hazard ratio of person p from heart-failure telemonitoring. */
double pol_mortality_hr(const struct model *m, const struct person *p);

/* Ratio of the severe share of exacerbations of c for person p (HF monitoring, and case
 * management's early detection). */
double pol_severe_ratio(const struct model *m, const struct person *p, int c);

/* Relapse hazard ratio after person p's last discharge (shared record, transitional care,
 * hospital at home; person.stay holds the episode's flags). */
double pol_relapse_hr(const struct model *m, const struct person *p);

/* Person id was just discharged alive from an emergency stay: enrols them in case
 * management when eligible and a place is free. Returns 0 or SIM_ENOMEM. */
int pol_on_discharge(struct model *m, uint32_t id);

/* The same for a person enrolled before the run (warm start, warm.h): not counted as an
 * enrolment of the window. */
int pol_warm_enrol(struct model *m, uint32_t id);

/* Monthly work of the levers: case-manager contacts, per-person-year costs of covered
 * persons. Returns 0 or SIM_E*. */
int pol_month(struct model *m);

/* Places of case management in use now. */
uint32_t pol_case_managed(const struct model *m);

#endif

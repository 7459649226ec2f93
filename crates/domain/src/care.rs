//! CARE — customer care cadence: contract submissions (CARE-7), phone visits (CARE-1),
//! a leaver's customers (CARE-4) and renewals (CARE-5).

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month};

use crate::refusal::Refusal;
use crate::text_enum::text_enum;

/// The numbers of the CARE rules, each a policy default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarePolicy {
    /// CARE-1: how many monthly visits after the initial one are generated when an order is
    /// created (the schedule horizon; the initial visit is always generated).
    pub monthly_visit_horizon: u32,
    /// CARE-5: website services (hosting, domain) are announced this many days before expiry.
    pub website_reminder_days: i64,
    /// CARE-5: promotion services are announced this many calendar months before expiry.
    pub promotion_reminder_months: u32,
}

impl Default for CarePolicy {
    fn default() -> Self {
        CarePolicy {
            monthly_visit_horizon: 12,
            website_reminder_days: 7,
            promotion_reminder_months: 1,
        }
    }
}

text_enum! {
    /// The services an order (提单) may carry.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum ServiceKind {
        /// 网站空间 — a website service.
        Hosting = "hosting",
        /// 域名 — a website service.
        Domain = "domain",
        /// 推广
        Promotion = "promotion",
        /// 培训
        Training = "training",
        Other = "other",
    }
}

/// CARE-7: the responsible person's contact fields a contract submission must carry, as sent.
#[derive(Debug, Clone, Copy)]
pub struct ResponsiblePerson<'a> {
    pub name: &'a str,
    pub phone: &'a str,
    pub mobile: &'a str,
    pub email: &'a str,
}

/// CARE-7: the responsible-person fields missing (absent or blank) from a contract submission,
/// every one of them, in form order; empty when the submission may be accepted.
pub fn contract_submission_missing_fields(person: &ResponsiblePerson<'_>) -> Vec<&'static str> {
    [
        ("responsible_name", person.name),
        ("responsible_phone", person.phone),
        ("responsible_mobile", person.mobile),
        ("responsible_email", person.email),
    ]
    .into_iter()
    .filter(|(_, value)| value.trim().is_empty())
    .map(|(field, _)| field)
    .collect()
}

/// `date` moved by `months` calendar months, keeping its day of month or, when the target
/// month is shorter, its last day (31 January + 1 month = 28 or 29 February).
pub fn add_months_clamped(date: Date, months: i32) -> Date {
    let index = date.year() * 12 + i32::from(u8::from(date.month())) - 1 + months;
    let year = index.div_euclid(12);
    let month_number = u8::try_from(index.rem_euclid(12) + 1).unwrap_or(1);
    let month = Month::try_from(month_number).unwrap_or(Month::January);
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(date)
}

text_enum! {
    /// CARE-1: the kind of a phone visit, which decides its questionnaire.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum VisitKind {
        /// The visit on the day the order is created.
        Initial = "initial",
        /// One every month after.
        Monthly = "monthly",
    }
}

/// CARE-4: whom to look up as the successor of a leaver who owns customers: the one named,
/// else the leaver's superior.
pub fn successor_candidate<'a>(
    named: Option<&'a str>,
    superior: Option<&'a str>,
) -> Result<&'a str, Refusal> {
    named.or(superior).ok_or_else(|| {
        Refusal::new(
            "CARE-4",
            "the leaver owns customers and has no superior: name a successor",
        )
    })
}

/// CARE-4: what is on record about the candidate successor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SuccessorRecord<'a> {
    pub employee_id: &'a str,
    /// No leaving date is recorded.
    pub still_employed: bool,
    /// The staff account that would own the customers.
    pub account: Option<&'a str>,
}

/// CARE-4: the candidate takes the leaver's customers when on record, still employed, not the
/// leaver, and with a staff account to own them; the account they pass to.
pub fn successor_account<'a>(
    leaver_id: &str,
    candidate_id: &str,
    record: Option<SuccessorRecord<'a>>,
) -> Result<&'a str, Refusal> {
    let record = record
        .filter(|r| r.still_employed && r.employee_id != leaver_id)
        .ok_or_else(|| {
            Refusal::new(
                "CARE-4",
                format!("no employee {candidate_id} still employed to take over"),
            )
        })?;
    record.account.ok_or_else(|| {
        Refusal::new(
            "CARE-4",
            format!("employee {candidate_id} has no staff account and cannot own customers"),
        )
    })
}

text_enum! {
    /// CARE-1: where a scheduled phone visit stands; stored as its text.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum VisitTaskStatus {
        Due = "due",
        /// The visit is recorded.
        Done = "done",
    }
}

text_enum! {
    /// CARE-5: where a customer's service stands; stored as its text.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum ServiceStatus {
        /// Running, or renewed.
        Active = "active",
        /// The customer did not renew; the reason is recorded.
        NotRenewed = "not_renewed",
    }
}

text_enum! {
    /// CARE-4: where a customer hand-over task stands; stored as its text.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum HandoverTaskStatus {
        /// The customer is still to be told who takes over, and the leaver's promises checked.
        Open = "open",
        Done = "done",
    }
}

/// CARE-1: the phone visits an order created on `ordered_on` schedules: the initial visit that
/// day, then one on the same day of each following month (clamped to the month's end, always
/// from the order's own day so 31 January gives 28 February and then 31 March), up to the
/// policy's horizon.
pub fn visit_schedule(ordered_on: Date, policy: &CarePolicy) -> Vec<(VisitKind, Date)> {
    let monthly = (1..=policy.monthly_visit_horizon).map(|n| {
        (
            VisitKind::Monthly,
            add_months_clamped(ordered_on, i32::try_from(n).unwrap_or(i32::MAX)),
        )
    });
    std::iter::once((VisitKind::Initial, ordered_on))
        .chain(monthly)
        .collect()
}

/// CARE-1: how many days a visit due on `due_on` is overdue on `as_of` (0 while not yet late:
/// a visit is due all of its day and overdue from the next).
pub fn visit_days_overdue(due_on: Date, as_of: Date) -> i64 {
    (as_of - due_on).whole_days().max(0)
}

/// CARE-1: the questionnaire answers of one visit, as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VisitAnswers<'a> {
    /// Initial: satisfaction with the salesperson, 1–5.
    pub satisfaction: Option<i32>,
    /// Initial: why the customer chose us.
    pub chose_us_because: Option<&'a str>,
    /// Initial: our shortcomings.
    pub shortcomings: Option<&'a str>,
    /// Initial: the customer's wishes.
    pub wishes: Option<&'a str>,
    /// Monthly: did our staff contact you?
    pub staff_contacted: Option<bool>,
    /// Monthly: did the service reach the expected effect?
    pub effect_reached: Option<bool>,
    /// Monthly, when the effect was not reached: why.
    pub explanation: Option<&'a str>,
    /// Monthly, when the effect was not reached: what we will do.
    pub solution: Option<&'a str>,
}

/// CARE-1: the lowest and highest satisfaction score.
pub const SATISFACTION_RANGE: std::ops::RangeInclusive<i32> = 1..=5;

/// CARE-1: what is wrong with the answers of a visit of `kind`, as (field, message), every
/// problem at once. The initial visit asks satisfaction (1–5), why they chose us, shortcomings
/// and wishes; a monthly visit asks whether staff contacted them and whether the service
/// reached the expected effect, and when it did not, the explanation and the solution. The
/// other kind's questions must be left out.
pub fn visit_questionnaire_problems(
    kind: VisitKind,
    answers: &VisitAnswers<'_>,
) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    let required_text = |field: &'static str, value: Option<&str>, out: &mut Vec<_>| {
        if value.is_none_or(|v| v.trim().is_empty()) {
            out.push((field, "is required".to_owned()));
        }
    };
    let absent = |field: &'static str, present: bool, out: &mut Vec<_>| {
        if present {
            out.push((field, format!("is not asked in a {} visit", kind.as_str())));
        }
    };
    match kind {
        VisitKind::Initial => {
            match answers.satisfaction {
                None => problems.push(("satisfaction", "is required".to_owned())),
                Some(score) if !SATISFACTION_RANGE.contains(&score) => problems.push((
                    "satisfaction",
                    format!(
                        "must be between {} and {}",
                        SATISFACTION_RANGE.start(),
                        SATISFACTION_RANGE.end()
                    ),
                )),
                Some(_) => {}
            }
            required_text("chose_us_because", answers.chose_us_because, &mut problems);
            required_text("shortcomings", answers.shortcomings, &mut problems);
            required_text("wishes", answers.wishes, &mut problems);
            absent(
                "staff_contacted",
                answers.staff_contacted.is_some(),
                &mut problems,
            );
            absent(
                "effect_reached",
                answers.effect_reached.is_some(),
                &mut problems,
            );
            absent("explanation", answers.explanation.is_some(), &mut problems);
            absent("solution", answers.solution.is_some(), &mut problems);
        }
        VisitKind::Monthly => {
            absent(
                "satisfaction",
                answers.satisfaction.is_some(),
                &mut problems,
            );
            absent(
                "chose_us_because",
                answers.chose_us_because.is_some(),
                &mut problems,
            );
            absent(
                "shortcomings",
                answers.shortcomings.is_some(),
                &mut problems,
            );
            absent("wishes", answers.wishes.is_some(), &mut problems);
            if answers.staff_contacted.is_none() {
                problems.push(("staff_contacted", "is required".to_owned()));
            }
            match answers.effect_reached {
                None => problems.push(("effect_reached", "is required".to_owned())),
                Some(false) => {
                    required_text("explanation", answers.explanation, &mut problems);
                    required_text("solution", answers.solution, &mut problems);
                }
                Some(true) => {}
            }
        }
    }
    problems
}

/// CARE-5: the day a service expiring on `expires_on` is announced to its salesperson:
/// website services (hosting, domain) `website_reminder_days` before, promotion services
/// `promotion_reminder_months` calendar months before (clamped to the month's end); training
/// and other services get no renewal reminder.
pub fn renewal_reminder_on(
    kind: ServiceKind,
    expires_on: Date,
    policy: &CarePolicy,
) -> Option<Date> {
    match kind {
        ServiceKind::Hosting | ServiceKind::Domain => {
            expires_on.checked_sub(Duration::days(policy.website_reminder_days))
        }
        ServiceKind::Promotion => Some(add_months_clamped(
            expires_on,
            -i32::try_from(policy.promotion_reminder_months).unwrap_or(0),
        )),
        ServiceKind::Training | ServiceKind::Other => None,
    }
}

/// CARE-5: whether the reminder of a service is due on `as_of`: from its reminder day up to
/// and including its expiry day.
pub fn renewal_reminder_due(
    kind: ServiceKind,
    expires_on: Date,
    as_of: Date,
    policy: &CarePolicy,
) -> bool {
    renewal_reminder_on(kind, expires_on, policy)
        .is_some_and(|remind_on| remind_on <= as_of && as_of <= expires_on)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn person<'a>(
        name: &'a str,
        phone: &'a str,
        mobile: &'a str,
        email: &'a str,
    ) -> ResponsiblePerson<'a> {
        ResponsiblePerson {
            name,
            phone,
            mobile,
            email,
        }
    }

    #[test]
    fn care_7_a_complete_submission_misses_nothing() {
        let p = person("王经理", "0311-86000000", "13800000000", "wang@example.cn");
        assert!(contract_submission_missing_fields(&p).is_empty());
    }

    #[test]
    fn care_7_every_missing_or_blank_field_is_named_at_once() {
        let p = person("", "  ", "13800000000", "\t");
        assert_eq!(
            contract_submission_missing_fields(&p),
            ["responsible_name", "responsible_phone", "responsible_email"]
        );
        let none = person("", "", "", "");
        assert_eq!(contract_submission_missing_fields(&none).len(), 4);
    }

    #[test]
    fn care_1_the_initial_visit_is_due_on_the_order_day_then_monthly() {
        let policy = CarePolicy::default();
        let schedule = visit_schedule(date!(2026 - 11 - 28), &policy);
        assert_eq!(schedule.len(), 13);
        assert_eq!(schedule[0], (VisitKind::Initial, date!(2026 - 11 - 28)));
        assert_eq!(schedule[1], (VisitKind::Monthly, date!(2026 - 12 - 28)));
        assert_eq!(schedule[2], (VisitKind::Monthly, date!(2027 - 01 - 28)));
        assert_eq!(schedule[12], (VisitKind::Monthly, date!(2027 - 11 - 28)));
    }

    #[test]
    fn care_1_month_end_orders_clamp_without_drifting() {
        let schedule = visit_schedule(date!(2027 - 01 - 31), &CarePolicy::default());
        assert_eq!(schedule[1].1, date!(2027 - 02 - 28));
        assert_eq!(schedule[2].1, date!(2027 - 03 - 31));
        assert_eq!(schedule[3].1, date!(2027 - 04 - 30));
        let leap = visit_schedule(date!(2028 - 01 - 31), &CarePolicy::default());
        assert_eq!(leap[1].1, date!(2028 - 02 - 29));
    }

    #[test]
    fn care_1_a_visit_is_overdue_from_the_day_after_it_is_due() {
        let due = date!(2026 - 12 - 28);
        assert_eq!(visit_days_overdue(due, date!(2026 - 12 - 27)), 0);
        assert_eq!(visit_days_overdue(due, due), 0);
        assert_eq!(visit_days_overdue(due, date!(2026 - 12 - 29)), 1);
        assert_eq!(visit_days_overdue(due, date!(2027 - 01 - 28)), 31);
    }

    #[test]
    fn care_1_the_initial_questionnaire_needs_all_four_answers() {
        let complete = VisitAnswers {
            satisfaction: Some(5),
            chose_us_because: Some("口碑"),
            shortcomings: Some("无"),
            wishes: Some("多做推广"),
            ..VisitAnswers::default()
        };
        assert!(visit_questionnaire_problems(VisitKind::Initial, &complete).is_empty());
        let empty = visit_questionnaire_problems(VisitKind::Initial, &VisitAnswers::default());
        let fields: Vec<_> = empty.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            ["satisfaction", "chose_us_because", "shortcomings", "wishes"]
        );
    }

    #[test]
    fn care_1_satisfaction_is_one_to_five() {
        let with = |score| VisitAnswers {
            satisfaction: Some(score),
            chose_us_because: Some("a"),
            shortcomings: Some("b"),
            wishes: Some("c"),
            ..VisitAnswers::default()
        };
        assert!(visit_questionnaire_problems(VisitKind::Initial, &with(1)).is_empty());
        assert!(visit_questionnaire_problems(VisitKind::Initial, &with(5)).is_empty());
        assert_eq!(
            visit_questionnaire_problems(VisitKind::Initial, &with(0))[0].0,
            "satisfaction"
        );
        assert_eq!(
            visit_questionnaire_problems(VisitKind::Initial, &with(6))[0].0,
            "satisfaction"
        );
    }

    #[test]
    fn care_1_a_monthly_visit_explains_an_unreached_effect() {
        let reached = VisitAnswers {
            staff_contacted: Some(true),
            effect_reached: Some(true),
            ..VisitAnswers::default()
        };
        assert!(visit_questionnaire_problems(VisitKind::Monthly, &reached).is_empty());
        let unexplained = VisitAnswers {
            staff_contacted: Some(false),
            effect_reached: Some(false),
            ..VisitAnswers::default()
        };
        let fields: Vec<_> = visit_questionnaire_problems(VisitKind::Monthly, &unexplained)
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, ["explanation", "solution"]);
        let explained = VisitAnswers {
            explanation: Some("排名未到首页"),
            solution: Some("加投关键词"),
            ..unexplained
        };
        assert!(visit_questionnaire_problems(VisitKind::Monthly, &explained).is_empty());
    }

    #[test]
    fn care_1_the_other_kinds_questions_are_refused() {
        let mixed = VisitAnswers {
            satisfaction: Some(4),
            staff_contacted: Some(true),
            effect_reached: Some(true),
            ..VisitAnswers::default()
        };
        let fields: Vec<_> = visit_questionnaire_problems(VisitKind::Monthly, &mixed)
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, ["satisfaction"]);
    }

    #[test]
    fn care_5_website_services_are_announced_exactly_seven_days_before() {
        let policy = CarePolicy::default();
        let expires = date!(2026 - 12 - 15);
        for kind in [ServiceKind::Hosting, ServiceKind::Domain] {
            assert_eq!(
                renewal_reminder_on(kind, expires, &policy),
                Some(date!(2026 - 12 - 08))
            );
            // 8 days before: not yet; 7 days before: due; on the expiry day: still due.
            assert!(!renewal_reminder_due(
                kind,
                expires,
                date!(2026 - 12 - 07),
                &policy
            ));
            assert!(renewal_reminder_due(
                kind,
                expires,
                date!(2026 - 12 - 08),
                &policy
            ));
            assert!(renewal_reminder_due(kind, expires, expires, &policy));
            assert!(!renewal_reminder_due(
                kind,
                expires,
                date!(2026 - 12 - 16),
                &policy
            ));
        }
    }

    #[test]
    fn care_5_promotion_services_are_announced_one_calendar_month_before() {
        let policy = CarePolicy::default();
        let kind = ServiceKind::Promotion;
        assert_eq!(
            renewal_reminder_on(kind, date!(2026 - 12 - 15), &policy),
            Some(date!(2026 - 11 - 15))
        );
        assert!(!renewal_reminder_due(
            kind,
            date!(2026 - 12 - 15),
            date!(2026 - 11 - 14),
            &policy
        ));
        assert!(renewal_reminder_due(
            kind,
            date!(2026 - 12 - 15),
            date!(2026 - 11 - 15),
            &policy
        ));
        // A calendar month, not 30 days: 31 March is announced on 28 February.
        assert_eq!(
            renewal_reminder_on(kind, date!(2027 - 03 - 31), &policy),
            Some(date!(2027 - 02 - 28))
        );
    }

    #[test]
    fn care_5_training_and_other_services_get_no_reminder() {
        let policy = CarePolicy::default();
        for kind in [ServiceKind::Training, ServiceKind::Other] {
            assert_eq!(
                renewal_reminder_on(kind, date!(2026 - 12 - 15), &policy),
                None
            );
        }
    }

    proptest! {
        #[test]
        fn care_1_monthly_visits_keep_the_order_day_or_the_month_end(
            days in 0i64..40_000, months in 1i32..120
        ) {
            let start = date!(2000 - 01 - 01) + Duration::days(days);
            let moved = add_months_clamped(start, months);
            let expected_month = (i32::from(u8::from(start.month())) - 1 + months).rem_euclid(12) + 1;
            prop_assert_eq!(i32::from(u8::from(moved.month())), expected_month);
            prop_assert!(moved.day() == start.day() || moved.day() == moved.month().length(moved.year()));
            prop_assert!(moved.day() <= start.day());
        }

        #[test]
        fn care_5_a_website_reminder_is_due_for_exactly_eight_days(
            days in 0i64..40_000, offset in -30i64..30
        ) {
            let policy = CarePolicy::default();
            let expires = date!(2000 - 01 - 01) + Duration::days(days);
            let as_of = expires - Duration::days(offset);
            prop_assert_eq!(
                renewal_reminder_due(ServiceKind::Hosting, expires, as_of, &policy),
                (0..=policy.website_reminder_days).contains(&offset)
            );
        }
    }

    #[test]
    fn care_4_the_successor_is_the_one_named_else_the_superior() {
        assert_eq!(
            successor_candidate(Some("named"), Some("boss")),
            Ok("named")
        );
        assert_eq!(successor_candidate(None, Some("boss")), Ok("boss"));
        let refusal = successor_candidate(None, None).unwrap_err();
        assert_eq!(refusal.rule, "CARE-4");
        assert_eq!(
            refusal.to_string(),
            "CARE-4: the leaver owns customers and has no superior: name a successor"
        );
    }

    #[test]
    fn care_4_the_successor_must_be_employed_another_person_with_an_account() {
        let record = |employee_id, still_employed, account| {
            Some(SuccessorRecord {
                employee_id,
                still_employed,
                account,
            })
        };
        assert_eq!(
            successor_account("leaver", "boss", record("boss", true, Some("u-boss"))),
            Ok("u-boss")
        );
        let not_employed = "no employee boss still employed to take over";
        for found in [None, record("boss", false, Some("u-boss"))] {
            assert_eq!(
                successor_account("leaver", "boss", found),
                Err(Refusal::new("CARE-4", not_employed))
            );
        }
        assert_eq!(
            successor_account("leaver", "leaver", record("leaver", true, Some("u")))
                .unwrap_err()
                .detail,
            "no employee leaver still employed to take over"
        );
        assert_eq!(
            successor_account("leaver", "boss", record("boss", true, None))
                .unwrap_err()
                .detail,
            "employee boss has no staff account and cannot own customers"
        );
    }

    #[test]
    fn care_stored_texts_round_trip() {
        use crate::text_enum::{assert_round_trips, assert_serde_names_match};
        assert_round_trips(&ServiceKind::ALL, ServiceKind::as_str);
        assert_serde_names_match(&ServiceKind::ALL, ServiceKind::as_str);
        assert_eq!(
            ServiceKind::ALL.map(ServiceKind::as_str),
            ["hosting", "domain", "promotion", "training", "other"]
        );
        assert_eq!(
            "domain".parse::<ServiceKind>().ok(),
            Some(ServiceKind::Domain)
        );
        assert_eq!("Domain".parse::<ServiceKind>().ok(), None);
        assert_round_trips(&VisitKind::ALL, VisitKind::as_str);
        assert_serde_names_match(&VisitKind::ALL, VisitKind::as_str);
        assert_eq!(
            VisitKind::ALL.map(VisitKind::as_str),
            ["initial", "monthly"]
        );
        assert_round_trips(&VisitTaskStatus::ALL, VisitTaskStatus::as_str);
        assert_serde_names_match(&VisitTaskStatus::ALL, VisitTaskStatus::as_str);
        assert_eq!(
            VisitTaskStatus::ALL.map(VisitTaskStatus::as_str),
            ["due", "done"]
        );
        assert_round_trips(&ServiceStatus::ALL, ServiceStatus::as_str);
        assert_serde_names_match(&ServiceStatus::ALL, ServiceStatus::as_str);
        assert_eq!(
            ServiceStatus::ALL.map(ServiceStatus::as_str),
            ["active", "not_renewed"]
        );
        assert_round_trips(&HandoverTaskStatus::ALL, HandoverTaskStatus::as_str);
        assert_serde_names_match(&HandoverTaskStatus::ALL, HandoverTaskStatus::as_str);
        assert_eq!(
            HandoverTaskStatus::ALL.map(HandoverTaskStatus::as_str),
            ["open", "done"]
        );
    }
}

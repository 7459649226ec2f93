//! DISC — the customer-service department's discipline ladders (客服部制度), and ACC-3's
//! right to be heard before a penalty is confirmed.
//!
//! The offense catalog is data ([`OffenseCatalog`]): each offense names its ladder of steps by
//! occurrence within a counting window, and what happens beyond the last step. The catalog is
//! serde-serializable so the stored copy can be edited by an administrator without a deploy;
//! its `Default` is the table of RULES.md DISC.

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::money::Money;

/// Over which span prior occurrences count towards the ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CountingWindow {
    /// DISC: "counted per employee within the calendar year unless noted" (local dates).
    #[default]
    CalendarYear,
    /// Every prior occurrence counts, however old.
    Unlimited,
}

/// A consequence of a step that is not money (or not a fixed amount), named by code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Consequence {
    /// Funds entry wrong, 1st: the employee makes up the difference (差多少自己补多少).
    PayTheDifference,
    /// Funds entry wrong, 2nd and later: the company funds nothing for this many months.
    NoCompanyFunding { months: u32 },
    /// Funds entry falsified, 1st: the employee pays next month's funding (下个月投入自己出).
    PayNextMonthsFunding,
    /// Plan late: the month's data statistics for everyone fall to the employee.
    MonthsDataStatisticsDuty,
    /// DISC meeting host: the employee hosts the daily meeting on this many more working days
    /// (the next working days after the offense, queued after days already owed).
    HostsNextWorkingDay { days: u32 },
}

impl Consequence {
    fn funding_months(&self) -> u32 {
        match self {
            Consequence::NoCompanyFunding { months } => *months,
            _ => 0,
        }
    }
}

impl Penalty {
    /// DISC meeting host: the extra hosting days the penalty owes.
    pub fn hosting_days(&self) -> u32 {
        self.consequences
            .iter()
            .map(|consequence| match consequence {
                Consequence::HostsNextWorkingDay { days } => *days,
                _ => 0,
            })
            .sum()
    }
}

/// One step of a ladder; a step may combine several of these.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Step {
    #[serde(default)]
    pub warning: bool,
    /// A public notice of criticism (通告批评).
    #[serde(default)]
    pub notice: bool,
    /// The fine per counted unit (see [`Offense::counted_per`]).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = crate::money::MoneyInput))]
    pub fine: Money,
    #[serde(default)]
    pub dismissal: bool,
    #[serde(default)]
    pub consequences: Vec<Consequence>,
}

impl Step {
    fn fined(fine: Money) -> Self {
        Step {
            fine,
            ..Step::default()
        }
    }

    fn notice() -> Self {
        Step {
            notice: true,
            ..Step::default()
        }
    }

    fn notice_and_fine(fine: Money) -> Self {
        Step {
            notice: true,
            fine,
            ..Step::default()
        }
    }

    fn dismissal() -> Self {
        Step {
            dismissal: true,
            ..Step::default()
        }
    }

    fn only(consequence: Consequence) -> Self {
        Step {
            consequences: vec![consequence],
            ..Step::default()
        }
    }

    /// How heavy a step is, for "a ladder never gets milder": dismissal outweighs any fine, a
    /// larger fine outweighs months without funding, which outweigh a notice, which outweighs a
    /// warning; other consequences break ties.
    fn weight(&self) -> (bool, i64, u32, bool, bool, usize) {
        let funding = self
            .consequences
            .iter()
            .map(Consequence::funding_months)
            .max()
            .unwrap_or(0);
        (
            self.dismissal,
            self.fine.fen(),
            funding,
            self.notice,
            self.warning,
            self.consequences.len(),
        )
    }
}

/// What applies to occurrences past the last listed step.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Beyond {
    /// The last step again ("3+: 100.00", "each time").
    #[default]
    RepeatLast,
    /// "n: n × 100.00": the last step with a fine of n × `unit`.
    FinePerOccurrence {
        #[cfg_attr(feature = "openapi", schema(value_type = crate::money::MoneyInput))]
        unit: Money,
    },
    /// "n: n−1 months": the last step with n − `lag` months without company funding.
    FundingMonthsPerOccurrence { lag: u32 },
}

/// One offense of the DISC table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Offense {
    /// Stable snake_case English code.
    pub code: String,
    /// The Chinese original.
    pub description_zh: String,
    pub description_en: String,
    #[serde(default)]
    pub window: CountingWindow,
    /// Occurrences 1..k, in order.
    pub steps: Vec<Step>,
    #[serde(default)]
    pub beyond: Beyond,
    /// When the fine is "per person" or "per visit": what a record's `count` counts; the fine
    /// is multiplied by it. `None`: one record is one unit.
    #[serde(default)]
    pub counted_per: Option<String>,
    /// The step that applies at once when the company discovered the offense itself
    /// (false accounts: "discovered by the company: dismissal").
    #[serde(default)]
    pub when_discovered_by_company: Option<Step>,
}

/// The facts of one record that move its penalty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordFacts {
    /// Units counted (persons, visits); 1 unless the offense is counted per unit.
    pub count: u32,
    pub discovered_by_company: bool,
}

impl Default for RecordFacts {
    fn default() -> Self {
        RecordFacts {
            count: 1,
            discovered_by_company: false,
        }
    }
}

/// The penalty decided for one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Penalty {
    /// The occurrence within the counting window this record is (1 = first).
    pub occurrence: u32,
    pub warning: bool,
    pub notice: bool,
    /// The total fine: the step's fine × the record's count.
    pub fine: Money,
    pub dismissal: bool,
    pub consequences: Vec<Consequence>,
}

impl Offense {
    /// The ladder's step for occurrence `n` (1-based; 0 is read as 1).
    pub fn step_at(&self, n: u32) -> Step {
        let n = n.max(1);
        let k = u32::try_from(self.steps.len()).unwrap_or(u32::MAX);
        let Some(last) = self.steps.last() else {
            return Step::default();
        };
        if n <= k {
            return self.steps[(n - 1) as usize].clone();
        }
        let mut step = last.clone();
        match &self.beyond {
            Beyond::RepeatLast => {}
            Beyond::FinePerOccurrence { unit } => {
                step.fine = Money::from_fen(unit.fen().saturating_mul(i64::from(n)));
            }
            Beyond::FundingMonthsPerOccurrence { lag } => {
                let months = n.saturating_sub(*lag);
                step.consequences
                    .retain(|c| !matches!(c, Consequence::NoCompanyFunding { .. }));
                step.consequences
                    .push(Consequence::NoCompanyFunding { months });
            }
        }
        step
    }
}

/// DISC: the penalty for a record of `offense` that is occurrence
/// `prior_confirmed_occurrences_in_window + 1` within its window. The company's own discovery
/// jumps to the offense's discovery step (false accounts → dismissal); the fine is multiplied
/// by the record's count ("500.00 per person each time").
pub fn penalty_for(
    offense: &Offense,
    prior_confirmed_occurrences_in_window: u32,
    facts: &RecordFacts,
) -> Penalty {
    let occurrence = prior_confirmed_occurrences_in_window.saturating_add(1);
    let step = match (
        &offense.when_discovered_by_company,
        facts.discovered_by_company,
    ) {
        (Some(discovered), true) => discovered.clone(),
        _ => offense.step_at(occurrence),
    };
    let count = i64::from(facts.count.max(1));
    Penalty {
        occurrence,
        warning: step.warning,
        notice: step.notice,
        fine: Money::from_fen(step.fine.fen().saturating_mul(count)),
        dismissal: step.dismissal,
        consequences: step.consequences,
    }
}

/// DISC: the local dates `[first, next_first)` whose occurrences count together with one on
/// `occurred_on`; `None` when every occurrence counts.
pub fn counting_window(window: CountingWindow, occurred_on: Date) -> Option<(Date, Date)> {
    match window {
        CountingWindow::Unlimited => None,
        CountingWindow::CalendarYear => {
            let year = occurred_on.year();
            let first = Date::from_calendar_date(year, Month::January, 1).ok()?;
            let next = Date::from_calendar_date(year + 1, Month::January, 1).ok()?;
            Some((first, next))
        }
    }
}

/// Why an edited offense definition is refused: the field (JSON path) and the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionProblem {
    pub field: String,
    pub message: String,
}

/// DISC: whether an offense definition is usable as a ladder: a snake_case code, descriptions,
/// at least one step, no negative amounts, and steps that never get milder (through the first
/// occurrence beyond the listed steps, which fixes the scaling rule).
pub fn definition_problems(offense: &Offense) -> Vec<DefinitionProblem> {
    let mut problems = Vec::new();
    let mut refuse = |field: String, message: &str| {
        problems.push(DefinitionProblem {
            field,
            message: message.to_owned(),
        })
    };
    let snake = !offense.code.is_empty()
        && offense.code.len() <= 64
        && offense.code.starts_with(|c: char| c.is_ascii_lowercase())
        && offense
            .code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !snake {
        refuse(
            "code".into(),
            "must be snake_case: a-z, 0-9 and _, up to 64",
        );
    }
    if offense.description_zh.trim().is_empty() {
        refuse("description_zh".into(), "must not be blank");
    }
    if offense.description_en.trim().is_empty() {
        refuse("description_en".into(), "must not be blank");
    }
    if offense.steps.is_empty() {
        refuse("steps".into(), "the ladder needs at least one step");
    }
    let labelled = offense
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| (format!("steps[{i}]"), step))
        .chain(
            offense
                .when_discovered_by_company
                .iter()
                .map(|step| ("when_discovered_by_company".to_owned(), step)),
        );
    for (field, step) in labelled {
        if step.fine.is_negative() {
            refuse(format!("{field}.fine"), "must not be negative");
        }
        if step
            .consequences
            .iter()
            .any(|c| matches!(c, Consequence::NoCompanyFunding { months: 0 }))
        {
            refuse(format!("{field}.consequences"), "months must be at least 1");
        }
        if step
            .consequences
            .iter()
            .any(|c| matches!(c, Consequence::HostsNextWorkingDay { days: 0 }))
        {
            refuse(format!("{field}.consequences"), "days must be at least 1");
        }
        if *step == Step::default() {
            refuse(field, "a step must impose something");
        }
    }
    if let Beyond::FinePerOccurrence { unit } = &offense.beyond
        && unit.is_negative()
    {
        refuse("beyond.unit".into(), "must not be negative");
    }
    if offense
        .counted_per
        .as_deref()
        .is_some_and(|unit| unit.trim().is_empty())
    {
        refuse("counted_per".into(), "must not be blank when given");
    }
    if problems.is_empty()
        && let Some(field) = first_milder_step(offense)
    {
        problems.push(DefinitionProblem {
            field,
            message:
                "steps must be ordered: a later occurrence is never milder than an earlier one"
                    .into(),
        });
    }
    problems
}

/// The field of the first step (or `beyond`) milder than the one before it.
fn first_milder_step(offense: &Offense) -> Option<String> {
    let k = u32::try_from(offense.steps.len()).unwrap_or(u32::MAX);
    (1..=k)
        .find(|n| offense.step_at(n + 1).weight() < offense.step_at(*n).weight())
        .map(|n| {
            if n == k {
                "beyond".to_owned()
            } else {
                format!("steps[{n}]")
            }
        })
}

/// The DISC table of RULES.md (客服部制度), as the default stored catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffenseCatalog {
    pub offenses: Vec<Offense>,
}

fn offense(code: &str, zh: &str, en: &str, steps: Vec<Step>) -> Offense {
    Offense {
        code: code.to_owned(),
        description_zh: zh.to_owned(),
        description_en: en.to_owned(),
        window: CountingWindow::CalendarYear,
        steps,
        beyond: Beyond::RepeatLast,
        counted_per: None,
        when_discovered_by_company: None,
    }
}

impl Default for OffenseCatalog {
    fn default() -> Self {
        let yuan = Money::from_yuan;
        let offenses = vec![
            offense(
                "grooming_eating_sleeping_at_work",
                "不得占用工作时间化妆、吃饭、睡觉(发现一次罚款100元)",
                "Make-up, eating or sleeping in working time",
                vec![Step::fined(yuan(100))],
            ),
            offense(
                "private_call",
                "接听私人电话超过5分钟以上或公共区域接听电话",
                "Private call over 5 minutes or in the work area",
                vec![
                    Step::notice(),
                    Step::fined(yuan(50)),
                    Step::fined(yuan(100)),
                ],
            ),
            offense(
                "games_films_office_phone",
                "上班时间玩网络游戏、在线看电影或用客服部固定电话拨打私人电话",
                "Games, films or private use of the office phone in working time",
                vec![Step::notice_and_fine(yuan(100))],
            ),
            Offense {
                counted_per: Some("salesperson".into()),
                ..offense(
                    "idle_chat_with_salespeople",
                    "与上门推销人员闲谈或聚众闲谈(发现一次500元/人)",
                    "Idle chat with visiting salespeople",
                    vec![Step::fined(yuan(500))],
                )
            },
            Offense {
                when_discovered_by_company: Some(Step::dismissal()),
                ..offense(
                    "false_accounts",
                    "做假账:自动承认第一次罚款三千,第二次直接开除;等公司发现的直接开除;参与或怂恿人员处罚与当事人一样",
                    "False accounts (admitted); discovered by the company: dismissal; accomplices the same",
                    vec![Step::fined(yuan(3000)), Step::dismissal()],
                )
            },
            offense(
                "deal_collision_quarrel",
                "撞单吵架(第一次各扣100元,第二次各500)",
                "Quarrel over a colliding deal (each party)",
                vec![Step::fined(yuan(100)), Step::fined(yuan(500))],
            ),
            offense(
                "intentional_duplicate_invitation",
                "有意重复邀约",
                "Intentional duplicate invitation",
                vec![
                    Step::notice_and_fine(yuan(500)),
                    Step::notice_and_fine(yuan(2000)),
                    Step::dismissal(),
                ],
            ),
            offense(
                "daily_report_late",
                "每日报表最晚九点之前未发群里",
                "Daily report not posted by 21:00",
                vec![
                    Step {
                        warning: true,
                        ..Step::default()
                    },
                    Step::fined(yuan(100)),
                    Step::fined(yuan(500)),
                ],
            ),
            offense(
                "plan_late",
                "周计划(周四九点前)或月计划(月底九点前)未按时交",
                "Weekly plan (Thursday 21:00) or monthly plan (month end 21:00) late",
                vec![Step {
                    fine: yuan(200),
                    consequences: vec![Consequence::MonthsDataStatisticsDuty],
                    ..Step::default()
                }],
            ),
            offense(
                "plan_wrong",
                "周计划、月计划出错",
                "Weekly or monthly plan wrong",
                vec![Step::fined(yuan(100)), Step::fined(yuan(200))],
            ),
            Offense {
                beyond: Beyond::FinePerOccurrence { unit: yuan(100) },
                counted_per: Some("visit".into()),
                ..offense(
                    "after_sales_visit_missed",
                    "未做售后服务(第一次一个罚款100,第二次一个罚款200,第三次以此叠加)",
                    "After-sales visit missed (per visit)",
                    vec![Step::fined(yuan(100)), Step::fined(yuan(200))],
                )
            },
            offense(
                "converted_customer_follow_up_failed",
                "跟进成交客户未成功",
                "Follow-up of a converted customer failed",
                vec![Step::fined(yuan(1000))],
            ),
            Offense {
                beyond: Beyond::FundingMonthsPerOccurrence { lag: 1 },
                ..offense(
                    "funds_entry_wrong",
                    "资金出错:第一次差多少自己补多少,第二次公司一个月不投钱,第三次两个月,以此积累",
                    "Funds entry wrong",
                    vec![
                        Step::only(Consequence::PayTheDifference),
                        Step::only(Consequence::NoCompanyFunding { months: 1 }),
                    ],
                )
            },
            offense(
                "funds_entry_falsified",
                "投入资金作假",
                "Funds entry falsified",
                vec![
                    Step::only(Consequence::PayNextMonthsFunding),
                    Step::notice_and_fine(yuan(2000)),
                    Step::dismissal(),
                ],
            ),
            offense(
                "meeting_call_forgotten",
                "每日开会负责人忘记按时召集整点报数(每忘一次多负责一个工作日)",
                "Meeting host forgot to call the hourly count (one more hosting day per call)",
                vec![Step::only(Consequence::HostsNextWorkingDay { days: 1 })],
            ),
            offense(
                "meeting_report_late",
                "召集后10分钟仍未报数(第一次警告并负责次日开会,第二次起负责次日开会并罚款100元)",
                "Not reported 10 minutes after the host's call",
                vec![
                    Step {
                        warning: true,
                        consequences: vec![Consequence::HostsNextWorkingDay { days: 1 }],
                        ..Step::default()
                    },
                    Step {
                        fine: yuan(100),
                        consequences: vec![Consequence::HostsNextWorkingDay { days: 1 }],
                        ..Step::default()
                    },
                ],
            ),
        ];
        OffenseCatalog { offenses }
    }
}

// ACC-3: where a discipline record stands — heard, then confirmed, or withdrawn before that;
// stored as its text. (Plain comments: a doc comment would become the schema's description.)
crate::text_enum::text_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum RecordStatus {
        PendingStatement = "pending_statement",
        AwaitingConfirmation = "awaiting_confirmation",
        Confirmed = "confirmed",
        Withdrawn = "withdrawn",
    }
}

// An HR case a dismissal step opens: open until HR closes it with a note; stored as its text.
crate::text_enum::text_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum HrCaseStatus {
        Open = "open",
        Closed = "closed",
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::date;

    use super::*;

    fn catalog_offense(code: &str) -> Offense {
        OffenseCatalog::default()
            .offenses
            .into_iter()
            .find(|o| o.code == code)
            .unwrap()
    }

    /// The penalty of the `n`th occurrence of `code`, one unit, not discovered by the company.
    fn nth(code: &str, n: u32) -> Penalty {
        penalty_for(&catalog_offense(code), n - 1, &RecordFacts::default())
    }

    fn fine(code: &str, n: u32) -> Money {
        nth(code, n).fine
    }

    const fn yuan(y: i64) -> Money {
        Money::from_yuan(y)
    }

    #[test]
    fn disc_grooming_eating_sleeping_is_100_each_time() {
        for n in [1, 2, 3, 10] {
            assert_eq!(fine("grooming_eating_sleeping_at_work", n), yuan(100));
        }
    }

    #[test]
    fn disc_private_call_notice_then_50_then_100() {
        let first = nth("private_call", 1);
        assert!(first.notice);
        assert_eq!(first.fine, Money::ZERO);
        assert_eq!(first.occurrence, 1);
        assert_eq!(fine("private_call", 2), yuan(50));
        assert!(!nth("private_call", 2).notice);
        assert_eq!(fine("private_call", 3), yuan(100));
        assert_eq!(fine("private_call", 4), yuan(100));
        assert_eq!(fine("private_call", 20), yuan(100));
    }

    #[test]
    fn disc_games_films_office_phone_notice_and_100_each_time() {
        for n in [1, 2, 5] {
            let penalty = nth("games_films_office_phone", n);
            assert!(penalty.notice);
            assert_eq!(penalty.fine, yuan(100));
        }
    }

    #[test]
    fn disc_idle_chat_is_500_per_salesperson_each_time() {
        let offense = catalog_offense("idle_chat_with_salespeople");
        assert_eq!(fine("idle_chat_with_salespeople", 1), yuan(500));
        let three_salespeople = RecordFacts {
            count: 3,
            ..RecordFacts::default()
        };
        assert_eq!(
            penalty_for(&offense, 0, &three_salespeople).fine,
            yuan(1500)
        );
        assert_eq!(
            penalty_for(&offense, 4, &three_salespeople).fine,
            yuan(1500)
        );
    }

    #[test]
    fn disc_false_accounts_3000_then_dismissal() {
        let first = nth("false_accounts", 1);
        assert_eq!(first.fine, yuan(3000));
        assert!(!first.dismissal);
        let second = nth("false_accounts", 2);
        assert!(second.dismissal);
        assert!(nth("false_accounts", 3).dismissal);
    }

    #[test]
    fn disc_false_accounts_discovered_by_the_company_is_dismissal_at_once() {
        let offense = catalog_offense("false_accounts");
        let discovered = RecordFacts {
            discovered_by_company: true,
            ..RecordFacts::default()
        };
        let penalty = penalty_for(&offense, 0, &discovered);
        assert!(penalty.dismissal);
        assert_eq!(penalty.fine, Money::ZERO);
        assert_eq!(penalty.occurrence, 1);
        // The flag means nothing for an offense without a discovery step.
        let call = penalty_for(&catalog_offense("private_call"), 0, &discovered);
        assert!(!call.dismissal && call.notice);
    }

    #[test]
    fn disc_quarrel_is_100_then_500_for_each_party() {
        assert_eq!(fine("deal_collision_quarrel", 1), yuan(100));
        assert_eq!(fine("deal_collision_quarrel", 2), yuan(500));
        assert_eq!(fine("deal_collision_quarrel", 3), yuan(500));
    }

    #[test]
    fn disc_intentional_duplicate_invitation_escalates_to_dismissal() {
        let first = nth("intentional_duplicate_invitation", 1);
        assert!(first.notice && first.fine == yuan(500));
        let second = nth("intentional_duplicate_invitation", 2);
        assert!(second.notice && second.fine == yuan(2000) && !second.dismissal);
        assert!(nth("intentional_duplicate_invitation", 3).dismissal);
    }

    #[test]
    fn disc_daily_report_late_warning_then_100_then_500() {
        let first = nth("daily_report_late", 1);
        assert!(first.warning && first.fine == Money::ZERO);
        assert_eq!(fine("daily_report_late", 2), yuan(100));
        assert_eq!(fine("daily_report_late", 3), yuan(500));
        assert_eq!(fine("daily_report_late", 9), yuan(500));
    }

    #[test]
    fn disc_plan_late_is_200_and_the_months_statistics_duty() {
        for n in [1, 2, 4] {
            let penalty = nth("plan_late", n);
            assert_eq!(penalty.fine, yuan(200));
            assert_eq!(
                penalty.consequences,
                vec![Consequence::MonthsDataStatisticsDuty]
            );
        }
    }

    #[test]
    fn disc_meeting_host_each_forgotten_call_is_one_more_hosting_day() {
        for n in [1, 2, 5] {
            let penalty = nth("meeting_call_forgotten", n);
            assert_eq!(penalty.hosting_days(), 1);
            assert_eq!(penalty.fine, Money::ZERO);
            assert!(!penalty.warning);
        }
    }

    #[test]
    fn disc_meeting_host_late_report_warning_then_100_each_with_a_hosting_day() {
        let first = nth("meeting_report_late", 1);
        assert!(first.warning);
        assert_eq!(first.fine, Money::ZERO);
        assert_eq!(first.hosting_days(), 1);
        for n in [2, 3, 7] {
            let later = nth("meeting_report_late", n);
            assert!(!later.warning);
            assert_eq!(later.fine, yuan(100));
            assert_eq!(later.hosting_days(), 1);
        }
    }

    #[test]
    fn disc_meeting_host_an_edit_owing_zero_days_is_refused() {
        let mut offense = catalog_offense("meeting_call_forgotten");
        offense.steps[0].consequences = vec![Consequence::HostsNextWorkingDay { days: 0 }];
        let problems = definition_problems(&offense);
        assert_eq!(problems[0].field, "steps[0].consequences");
    }

    #[test]
    fn disc_plan_wrong_100_then_200() {
        assert_eq!(fine("plan_wrong", 1), yuan(100));
        assert_eq!(fine("plan_wrong", 2), yuan(200));
        assert_eq!(fine("plan_wrong", 3), yuan(200));
    }

    #[test]
    fn disc_after_sales_visit_missed_is_n_times_100() {
        assert_eq!(fine("after_sales_visit_missed", 1), yuan(100));
        assert_eq!(fine("after_sales_visit_missed", 2), yuan(200));
        assert_eq!(fine("after_sales_visit_missed", 3), yuan(300));
        assert_eq!(fine("after_sales_visit_missed", 7), yuan(700));
        let two_visits = RecordFacts {
            count: 2,
            ..RecordFacts::default()
        };
        let offense = catalog_offense("after_sales_visit_missed");
        assert_eq!(penalty_for(&offense, 2, &two_visits).fine, yuan(600));
    }

    #[test]
    fn disc_converted_customer_follow_up_failed_is_1000() {
        assert_eq!(fine("converted_customer_follow_up_failed", 1), yuan(1000));
        assert_eq!(fine("converted_customer_follow_up_failed", 3), yuan(1000));
    }

    #[test]
    fn disc_funds_entry_wrong_difference_then_n_minus_1_months_without_funding() {
        assert_eq!(
            nth("funds_entry_wrong", 1).consequences,
            vec![Consequence::PayTheDifference]
        );
        for (n, months) in [(2, 1), (3, 2), (6, 5)] {
            let penalty = nth("funds_entry_wrong", n);
            assert_eq!(
                penalty.consequences,
                vec![Consequence::NoCompanyFunding { months }],
                "occurrence {n}"
            );
            assert_eq!(penalty.fine, Money::ZERO);
        }
    }

    #[test]
    fn disc_funds_entry_falsified_own_funding_then_notice_2000_then_dismissal() {
        assert_eq!(
            nth("funds_entry_falsified", 1).consequences,
            vec![Consequence::PayNextMonthsFunding]
        );
        let second = nth("funds_entry_falsified", 2);
        assert!(second.notice && second.fine == yuan(2000));
        assert!(nth("funds_entry_falsified", 3).dismissal);
    }

    #[test]
    fn disc_the_window_is_the_calendar_year() {
        let window = |d| counting_window(CountingWindow::CalendarYear, d);
        assert_eq!(
            window(date!(2026 - 12 - 31)),
            Some((date!(2026 - 01 - 01), date!(2027 - 01 - 01)))
        );
        assert_eq!(
            window(date!(2027 - 01 - 01)),
            Some((date!(2027 - 01 - 01), date!(2028 - 01 - 01)))
        );
        assert_eq!(
            counting_window(CountingWindow::Unlimited, date!(2027 - 01 - 01)),
            None
        );
    }

    #[test]
    fn disc_the_default_catalog_is_valid_and_round_trips() {
        let catalog = OffenseCatalog::default();
        assert_eq!(catalog.offenses.len(), 16);
        for offense in &catalog.offenses {
            assert_eq!(definition_problems(offense), vec![], "{}", offense.code);
            let json = serde_json::to_string(offense).unwrap();
            assert_eq!(&serde_json::from_str::<Offense>(&json).unwrap(), offense);
        }
    }

    #[test]
    fn disc_an_edit_that_makes_a_ladder_milder_or_negative_is_refused() {
        let mut milder = catalog_offense("plan_wrong");
        milder.steps[1].fine = yuan(50);
        assert_eq!(definition_problems(&milder)[0].field, "steps[1]");
        let mut shrinking = catalog_offense("after_sales_visit_missed");
        shrinking.beyond = Beyond::FinePerOccurrence { unit: yuan(50) };
        assert_eq!(definition_problems(&shrinking)[0].field, "beyond");
        let mut negative = catalog_offense("plan_wrong");
        negative.steps[0].fine = Money::from_fen(-1);
        assert_eq!(definition_problems(&negative)[0].field, "steps[0].fine");
        let mut empty = catalog_offense("plan_wrong");
        empty.steps.clear();
        assert_eq!(definition_problems(&empty)[0].field, "steps");
        let mut bad_code = catalog_offense("plan_wrong");
        bad_code.code = "Plan Wrong".into();
        assert_eq!(definition_problems(&bad_code)[0].field, "code");
    }

    fn any_step() -> impl Strategy<Value = Step> {
        (
            any::<bool>(),
            any::<bool>(),
            0i64..1_000_000,
            proptest::bool::weighted(0.1),
            0u32..4,
        )
            .prop_map(|(warning, notice, fen, dismissal, months)| Step {
                warning,
                notice,
                fine: Money::from_fen(fen),
                dismissal,
                consequences: if months > 0 {
                    vec![Consequence::NoCompanyFunding { months }]
                } else {
                    vec![]
                },
            })
    }

    fn any_beyond() -> impl Strategy<Value = Beyond> {
        prop_oneof![
            Just(Beyond::RepeatLast),
            (0i64..200_000).prop_map(|fen| Beyond::FinePerOccurrence {
                unit: Money::from_fen(fen)
            }),
            (0u32..3).prop_map(|lag| Beyond::FundingMonthsPerOccurrence { lag }),
        ]
    }

    proptest! {
        #[test]
        fn disc_catalog_ladders_never_skip_back(index in 0usize..16, n in 1u32..500) {
            let offense = &OffenseCatalog::default().offenses[index];
            prop_assert!(offense.step_at(n + 1).weight() >= offense.step_at(n).weight());
        }

        #[test]
        fn disc_fines_are_never_negative(index in 0usize..16, prior in 0u32..500, count in 1u32..50, discovered: bool) {
            let offense = &OffenseCatalog::default().offenses[index];
            let facts = RecordFacts { count, discovered_by_company: discovered };
            prop_assert!(!penalty_for(offense, prior, &facts).fine.is_negative());
        }

        #[test]
        fn disc_a_scaled_step_at_n_is_n_times_the_unit(n in 3u32..10_000) {
            prop_assert_eq!(
                fine("after_sales_visit_missed", n),
                Money::from_fen(10_000 * i64::from(n))
            );
        }

        #[test]
        fn disc_an_accepted_ladder_never_gets_milder(
            steps in proptest::collection::vec(any_step(), 1..5),
            beyond in any_beyond(),
            n in 1u32..100,
        ) {
            let mut offense = catalog_offense("plan_wrong");
            offense.steps = steps;
            offense.beyond = beyond;
            if definition_problems(&offense).is_empty() {
                prop_assert!(offense.step_at(n + 1).weight() >= offense.step_at(n).weight());
                prop_assert!(!offense.step_at(n).fine.is_negative());
            }
        }
    }

    #[test]
    fn acc_3_record_and_hr_case_statuses_are_stored_as_their_texts() {
        use crate::text_enum::{assert_round_trips, assert_serde_names_match};
        assert_round_trips(&RecordStatus::ALL, RecordStatus::as_str);
        assert_serde_names_match(&RecordStatus::ALL, RecordStatus::as_str);
        assert_eq!(
            RecordStatus::ALL.map(RecordStatus::as_str),
            [
                "pending_statement",
                "awaiting_confirmation",
                "confirmed",
                "withdrawn"
            ]
        );
        assert_round_trips(&HrCaseStatus::ALL, HrCaseStatus::as_str);
        assert_serde_names_match(&HrCaseStatus::ALL, HrCaseStatus::as_str);
        assert_eq!(
            HrCaseStatus::ALL.map(HrCaseStatus::as_str),
            ["open", "closed"]
        );
    }
}

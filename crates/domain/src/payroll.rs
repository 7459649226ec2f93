//! PAY — payroll (薪金): an employee's monthly payslip, every line naming its rule, the net the
//! exact sum of its lines. Attendance is not recomputed here: the payslip consumes the month
//! that `attendance::evaluate_month` produced.
//!
//! Decisions where the rules are silent:
//! - **Day rate.** LEAVE-3's day rate is the monthly base ÷ the employee's scheduled days of the
//!   whole month (as if employed all month), so a joiner's day costs what anyone's does. PAY-5's
//!   pro-rated base is the same day rate times the scheduled days employed.
//! - **Rounding.** Each line is rounded half-even to the fen once; the net is their exact sum.
//! - **Partial months.** Seniority (at the earlier of month end and the last day), the birthday
//!   and Women's Day gifts and the performance bonus are paid to anyone employed during the
//!   month; full attendance needs the whole month (ATT-7, see `attendance`).
//! - **Fines under PAY-3.** "Only the base salary" removes the additions; lateness and
//!   discipline fines still apply, as ATT-3 keeps the ATT-2 fines.
//! - **PAY-4.** A resignation whose last day falls within the first 7 calendar days of
//!   employment, still on probation, is paid 30.00 per day worked (scheduled days employed, less
//!   absence and leave, by half days) instead of the base and every addition; fines still apply.
//!   A later probation departure is paid like any leaver (PAY-5 and LEAVE-3).
//! - **EMP-4.** The final month's pay of a leaver whose hand-back checklist is incomplete is
//!   computed in full and marked withheld, never dropped.
//! - **EMP-3.** A resignation that pays in lieu of notice owes that many days at the day rate
//!   (PAY-4's daily pay when paid by the day), deducted in the leaving month.
//! - **A negative net** is reported as such (`negative_net`), never floored at zero.

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::attendance::{AttendancePolicy, MonthResult, day_rate_deduction};
use crate::calendar::BusinessCalendar;
use crate::money::Money;
use crate::person::{Gender, LeavingReason, age_on};
use crate::refusal::Refusal;
use crate::roster::HalfDays;
use crate::text_enum::text_enum;

/// The PAY parameters; `Default` holds the values of RULES.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PayrollPolicy {
    /// PAY-1: the day of the next month salary is paid on.
    pub pay_day: u8,
    /// PAY-1: never later than this day of the next month.
    pub latest_pay_day: u8,
    /// PAY-2: per full year of service.
    pub seniority_per_year: Money,
    /// PAY-2, ATT-7
    pub full_attendance_bonus: Money,
    /// PAY-2
    pub birthday_gift: Money,
    /// PAY-2: for female employees, in `womens_day_month`.
    pub womens_day_gift: Money,
    #[cfg_attr(feature = "openapi", schema(value_type = u8))]
    #[serde(serialize_with = "month_number")]
    pub womens_day_month: Month,
    /// PAY-4: the first days of employment in which a probation resignation is paid by the day.
    pub probation_short_stay_days: i64,
    /// PAY-4: the pay per day worked in that case.
    pub probation_short_stay_daily: Money,
}

fn month_number<S: serde::Serializer>(month: &Month, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_u8(*month as u8)
}

impl Default for PayrollPolicy {
    fn default() -> Self {
        PayrollPolicy {
            pay_day: 3,
            latest_pay_day: 15,
            seniority_per_year: Money::from_yuan(100),
            full_attendance_bonus: Money::from_yuan(300),
            birthday_gift: Money::from_yuan(100),
            womens_day_gift: Money::from_yuan(100),
            womens_day_month: Month::March,
            probation_short_stay_days: 7,
            probation_short_stay_daily: Money::from_yuan(30),
        }
    }
}

/// When a month's salary is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PayDate {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    #[serde(with = "crate::iso_date")]
    pub date: Date,
    /// CAL-2: the paying month's year has no official schedule.
    pub provisional: bool,
}

/// The first day of the month after `year`-`month`.
fn first_of_next_month(year: i32, month: Month) -> Option<Date> {
    let (year, month) = match month {
        Month::December => (year.checked_add(1)?, Month::January),
        other => (year, other.next()),
    };
    Date::from_calendar_date(year, month, 1).ok()
}

/// PAY-1: the `pay_day` of the next month; when that is not a working day, the next working
/// day, but never later than the `latest_pay_day`.
pub fn pay_date(
    policy: &PayrollPolicy,
    calendar: &BusinessCalendar,
    year: i32,
    month: Month,
) -> Option<PayDate> {
    let first = first_of_next_month(year, month)?;
    let on_day = |day: u8| first.replace_day(day).ok();
    let latest = on_day(policy.latest_pay_day)?;
    let mut date = on_day(policy.pay_day)?;
    while date < latest && !calendar.is_working_day(date) {
        date = date.next_day()?;
    }
    Some(PayDate {
        date,
        provisional: !calendar.is_year_published(date.year()),
    })
}

/// PAY-1: a month's payroll is run once the month is over, so that every day of it is final:
/// from the 1st of the next month.
pub fn may_run_month(year: i32, month: Month, today: Date) -> Result<(), Refusal> {
    if first_of_next_month(year, month).is_none_or(|first| today < first) {
        return Err(Refusal::new(
            "PAY-1",
            format!(
                "{year:04}-{:02} is not over yet; its payroll can be run from the 1st of the next month",
                u8::from(month)
            ),
        ));
    }
    Ok(())
}

text_enum! {
    /// Where a month's payroll run stands; stored as its text.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum PayrollRunStatus {
        /// Recomputed each time the month is run again.
        Draft = "draft",
        /// Immutable; a correction is a new revision.
        Approved = "approved",
        /// An approved correction replaced it.
        Superseded = "superseded",
    }
}

impl PayrollRunStatus {
    /// Approving a revision supersedes the month's revision approved before it.
    pub fn superseded_by_approval(self) -> bool {
        self == PayrollRunStatus::Approved
    }
}

/// The newest run of a month, as `run_action` reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewestRun {
    pub status: PayrollRunStatus,
    pub revision: i32,
}

/// What running a month does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunAction {
    /// The month's first run: revision 1.
    First,
    /// The newest run is a draft: it is recomputed in place, keeping its revision.
    Recompute,
    /// The newest run is approved and a correction reason is given: a new revision.
    Correct { revision: i32 },
}

/// PAY-1: running a month computes its first run, recomputes its draft, or, with a correction
/// reason, computes the next revision of an approved month; an approved revision never
/// changes.
pub fn run_action(
    year: i32,
    month: Month,
    newest: Option<NewestRun>,
    correcting: bool,
) -> Result<RunAction, Refusal> {
    match (newest, correcting) {
        (None, false) => Ok(RunAction::First),
        (None, true) => Err(Refusal::new(
            "PAY-1",
            "the month has no approved run to correct",
        )),
        (Some(run), _) if run.status == PayrollRunStatus::Draft => Ok(RunAction::Recompute),
        (Some(run), true) => Ok(RunAction::Correct {
            revision: run.revision + 1,
        }),
        (Some(run), false) => Err(Refusal::new(
            "PAY-1",
            format!(
                "revision {} of {year:04}-{:02} is approved and cannot change; send a correction_reason to compute revision {}",
                run.revision,
                u8::from(month),
                run.revision + 1
            ),
        )),
    }
}

/// PAY-1: only a draft is approved; from then on it is immutable.
pub fn may_approve_run(status: PayrollRunStatus) -> Result<(), Refusal> {
    if status != PayrollRunStatus::Draft {
        return Err(Refusal::new(
            "PAY-1",
            format!("is {status}; only a draft can be approved"),
        ));
    }
    Ok(())
}

/// PAY-1: a run is approved only when every employee has a payslip.
pub fn check_run_complete(problem_count: i64) -> Result<(), Refusal> {
    if problem_count > 0 {
        return Err(Refusal::new(
            "PAY-1",
            format!(
                "{problem_count} employees have no payslip (HR facts missing); record them and run the month again"
            ),
        ));
    }
    Ok(())
}

/// The runs whose payslips a reader sees: the approved one, and drafts too for those who run
/// or approve payroll.
pub fn visible_run_statuses(sees_drafts: bool) -> &'static [PayrollRunStatus] {
    if sees_drafts {
        &[PayrollRunStatus::Draft, PayrollRunStatus::Approved]
    } else {
        &[PayrollRunStatus::Approved]
    }
}

/// What a payslip line is; together with `rule` it says why the amount is there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PayLineKind {
    BaseSalary,
    ProbationDailyPay,
    Seniority,
    FullAttendance,
    Birthday,
    WomensDay,
    PerformanceBonus,
    PerformanceBonusForfeited,
    LatenessFines,
    PersonalLeaveDeduction,
    AbsenceDeduction,
    DisciplineFine,
    NoticePayInLieu,
}

/// One line of a payslip: additions are positive, deductions negative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PayLine {
    pub kind: PayLineKind,
    pub rule: String,
    pub description: String,
    pub amount: Money,
    /// The record the line comes from (a discipline record), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

impl PayLine {
    fn new(kind: PayLineKind, rule: &str, amount: Money, description: String) -> PayLine {
        PayLine {
            kind,
            rule: rule.to_owned(),
            description,
            amount,
            reference: None,
        }
    }
}

/// The HR facts of the employee a payslip is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayrollFacts {
    pub base_salary: Money,
    pub gender: Gender,
    pub birth_date: Date,
    pub hired_on: Date,
    pub probation_end: Option<Date>,
    pub left_on: Option<Date>,
    pub leaving_reason: Option<LeavingReason>,
}

/// A confirmed discipline fine to deduct this month (DISC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisciplineFine {
    pub record_id: String,
    pub offense: String,
    pub amount: Money,
}

pub struct PayslipInput<'a> {
    pub policy: &'a PayrollPolicy,
    pub attendance_policy: &'a AttendancePolicy,
    pub year: i32,
    pub month: Month,
    pub facts: &'a PayrollFacts,
    /// The month as `attendance::evaluate_month` computed it.
    pub attendance: &'a MonthResult,
    /// PAY-2: the performance bonus the manager entered for the month, if any.
    pub performance_bonus: Option<Money>,
    pub discipline_fines: &'a [DisciplineFine],
    /// EMP-4: every item of the leaver's hand-back checklist is returned.
    pub departure_checklist_complete: bool,
    /// EMP-3: days of pay the leaver owes in lieu of notice.
    pub notice_days_in_lieu: u32,
}

/// A computed payslip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Payslip {
    pub lines: Vec<PayLine>,
    /// The sum of the positive lines.
    pub earnings: Money,
    /// The sum of the negative lines (a negative amount).
    pub deductions: Money,
    /// The sum of every line, exact to the fen.
    pub net: Money,
    /// The net is below zero: reported, never floored.
    pub negative_net: bool,
    /// PAY-3: two or more absence days; only the base salary is paid.
    pub base_salary_only: bool,
    /// PAY-4: a probation resignation within the first days, paid by the day.
    pub paid_by_the_day: bool,
    /// EMP-4: the final pay waits for the hand-back checklist.
    pub final_pay_withheld: bool,
    /// Scheduled days of the whole month: the divisor of the day rate (LEAVE-3, PAY-5).
    pub month_scheduled_days: u32,
    /// Scheduled days while employed.
    pub employed_scheduled_days: u32,
    /// CAL-2: the month's year has no official schedule.
    pub calendar_provisional: bool,
}

/// PAY-2: seniority pay for the full years of service on `as_of`, from the first year on.
pub fn seniority_pay(policy: &PayrollPolicy, hired_on: Date, as_of: Date) -> (u32, Money) {
    let years = u32::try_from(age_on(hired_on, as_of)).unwrap_or(0);
    let pay = Money::from_fen(
        policy
            .seniority_per_year
            .fen()
            .saturating_mul(i64::from(years)),
    );
    (years, pay)
}

/// PAY-2: the birthday gift is due in the month of the birthday on the ID card.
pub fn birthday_gift_due(birth_date: Date, month: Month) -> bool {
    birth_date.month() == month
}

/// PAY-2: the Women's Day gift is due to female employees in March.
pub fn womens_day_gift_due(policy: &PayrollPolicy, gender: Gender, month: Month) -> bool {
    gender == Gender::Female && month == policy.womens_day_month
}

/// PAY-4: a resignation, still on probation, whose last day is within the first
/// `probation_short_stay_days` calendar days of employment.
pub fn paid_by_the_day(policy: &PayrollPolicy, facts: &PayrollFacts) -> bool {
    let Some(left_on) = facts.left_on else {
        return false;
    };
    let on_probation = facts.probation_end.is_some_and(|end| left_on <= end);
    let days_employed = (left_on - facts.hired_on).whole_days() + 1;
    facts.leaving_reason == Some(LeavingReason::Resignation)
        && on_probation
        && days_employed <= policy.probation_short_stay_days
}

/// PAY-4: the days worked in the month, by half days: scheduled days employed less absence and
/// leave.
fn half_days_worked(attendance: &MonthResult) -> HalfDays {
    let leave = attendance.leave;
    HalfDays::days(attendance.scheduled_days)
        .saturating_sub(attendance.absence.total)
        .saturating_sub(leave.personal + leave.sick_certified + leave.paid_other)
}

/// PAY-4: the daily pay times the days worked (a half day is half the daily pay).
pub fn probation_daily_pay(policy: &PayrollPolicy, worked: HalfDays) -> Money {
    Money::from_fen(
        policy
            .probation_short_stay_daily
            .fen()
            .saturating_mul(i64::from(worked.half_days()))
            / 2,
    )
}

/// PAY-5: the base salary for the scheduled days employed, at the whole month's day rate.
pub fn prorated_base(base_salary: Money, month_days: u32, employed_days: u32) -> Money {
    if employed_days >= month_days {
        return base_salary;
    }
    day_rate_deduction(base_salary, month_days, HalfDays::days(employed_days))
}

/// The last day of the month.
fn month_end(year: i32, month: Month) -> Option<Date> {
    Date::from_calendar_date(year, month, month.length(year)).ok()
}

/// PAY-1..5, LEAVE-3, ATT-2, ATT-6, ATT-7, DISC, EMP-3, EMP-4: the month's payslip. Pure: the same
/// input always gives the same payslip, and its net is the exact sum of its lines.
pub fn compute_payslip(input: &PayslipInput) -> Payslip {
    let PayslipInput {
        policy,
        attendance_policy,
        year,
        month,
        facts,
        attendance,
        ..
    } = *input;
    let month_days =
        u32::try_from(attendance.days.iter().filter(|d| d.scheduled).count()).unwrap_or(u32::MAX);
    let employed_days = attendance.scheduled_days;
    let by_the_day = paid_by_the_day(policy, facts);
    let base_only = attendance.base_salary_only && !by_the_day;
    let mut lines = Vec::new();
    if by_the_day {
        let worked = half_days_worked(attendance);
        lines.push(PayLine::new(
            PayLineKind::ProbationDailyPay,
            "PAY-4",
            probation_daily_pay(policy, worked),
            format!(
                "left on probation within {} days: {} × {worked} days worked",
                policy.probation_short_stay_days, policy.probation_short_stay_daily
            ),
        ));
    } else {
        let base = prorated_base(facts.base_salary, month_days, employed_days);
        let (rule, description) = if base == facts.base_salary {
            ("PAY-2", format!("base salary {}", facts.base_salary))
        } else {
            (
                "PAY-5",
                format!(
                    "base salary {} for {employed_days} of {month_days} scheduled days",
                    facts.base_salary
                ),
            )
        };
        lines.push(PayLine::new(
            PayLineKind::BaseSalary,
            rule,
            base,
            description,
        ));
        if !base_only {
            lines.extend(additions(input, month_end(year, month)));
        }
        lines.extend(attendance_deductions(
            attendance_policy,
            facts.base_salary,
            month_days,
            attendance,
        ));
    }
    if attendance.fines_total != Money::ZERO {
        lines.push(PayLine::new(
            PayLineKind::LatenessFines,
            "ATT-2",
            Money::from_fen(-attendance.fines_total.fen()),
            format!(
                "lateness fines of {} occurrences",
                attendance.occurrences.len()
            ),
        ));
    }
    lines.extend(input.discipline_fines.iter().map(|fine| PayLine {
        reference: Some(fine.record_id.clone()),
        ..PayLine::new(
            PayLineKind::DisciplineFine,
            "DISC",
            Money::from_fen(-fine.amount.fen()),
            format!("discipline fine: {}", fine.offense),
        )
    }));
    let leaves_this_month = facts
        .left_on
        .is_some_and(|left| left.year() == year && left.month() == month);
    if leaves_this_month && input.notice_days_in_lieu > 0 {
        let days = input.notice_days_in_lieu;
        let owed = if by_the_day {
            probation_daily_pay(policy, HalfDays::days(days))
        } else {
            day_rate_deduction(facts.base_salary, month_days, HalfDays::days(days))
        };
        lines.push(PayLine::new(
            PayLineKind::NoticePayInLieu,
            "EMP-3",
            Money::from_fen(-owed.fen()),
            format!("{days} days' pay in lieu of notice"),
        ));
    }
    let sum = |keep: fn(&Money) -> bool| {
        Money::from_fen(
            lines
                .iter()
                .map(|line| line.amount)
                .filter(keep)
                .map(Money::fen)
                .fold(0, i64::saturating_add),
        )
    };
    let earnings = sum(|amount| !amount.is_negative());
    let deductions = sum(|amount| amount.is_negative());
    let net = Money::from_fen(earnings.fen().saturating_add(deductions.fen()));
    Payslip {
        lines,
        earnings,
        deductions,
        net,
        negative_net: net.is_negative(),
        base_salary_only: base_only,
        paid_by_the_day: by_the_day,
        final_pay_withheld: leaves_this_month && !input.departure_checklist_complete,
        month_scheduled_days: month_days,
        employed_scheduled_days: employed_days,
        calendar_provisional: attendance.calendar_provisional,
    }
}

/// PAY-2: seniority, full attendance, birthday, Women's Day and the performance bonus (with
/// its LEAVE-3 forfeiture), for a month that is not PAY-3 "base salary only".
fn additions(input: &PayslipInput, month_end: Option<Date>) -> Vec<PayLine> {
    let PayslipInput {
        policy,
        month,
        facts,
        attendance,
        ..
    } = *input;
    let mut lines = Vec::new();
    let as_of = match (month_end, facts.left_on) {
        (Some(end), Some(left)) => end.min(left),
        (end, left) => end.or(left).unwrap_or(facts.hired_on),
    };
    let (years, seniority) = seniority_pay(policy, facts.hired_on, as_of);
    if years > 0 {
        lines.push(PayLine::new(
            PayLineKind::Seniority,
            "PAY-2",
            seniority,
            format!(
                "{years} full years of service × {}",
                policy.seniority_per_year
            ),
        ));
    }
    if attendance.full_attendance {
        lines.push(PayLine::new(
            PayLineKind::FullAttendance,
            "ATT-7",
            policy.full_attendance_bonus,
            "full attendance".to_owned(),
        ));
    }
    if birthday_gift_due(facts.birth_date, month) {
        lines.push(PayLine::new(
            PayLineKind::Birthday,
            "PAY-2",
            policy.birthday_gift,
            "birthday gift".to_owned(),
        ));
    }
    if womens_day_gift_due(policy, facts.gender, month) {
        lines.push(PayLine::new(
            PayLineKind::WomensDay,
            "PAY-2",
            policy.womens_day_gift,
            "Women's Day gift".to_owned(),
        ));
    }
    if let Some(bonus) = input.performance_bonus.filter(|b| *b != Money::ZERO) {
        lines.push(PayLine::new(
            PayLineKind::PerformanceBonus,
            "PAY-2",
            bonus,
            "performance bonus".to_owned(),
        ));
        if attendance.performance_bonus_forfeited {
            lines.push(PayLine::new(
                PayLineKind::PerformanceBonusForfeited,
                "LEAVE-3",
                Money::from_fen(-bonus.fen()),
                format!(
                    "performance bonus forfeited: {} days of personal leave",
                    attendance.leave.personal
                ),
            ));
        }
    }
    lines
}

/// LEAVE-3, ATT-6: personal leave and absence, each day deducting `factor` days of base salary
/// at the whole month's day rate.
fn attendance_deductions(
    policy: &AttendancePolicy,
    base_salary: Money,
    month_days: u32,
    attendance: &MonthResult,
) -> Vec<PayLine> {
    let factor = policy.personal_leave_deduction_factor;
    [
        (
            PayLineKind::PersonalLeaveDeduction,
            "LEAVE-3",
            attendance.leave.personal,
            "personal leave",
        ),
        (
            PayLineKind::AbsenceDeduction,
            "ATT-6",
            attendance.absence.total,
            "absence",
        ),
    ]
    .into_iter()
    .filter(|(_, _, days, _)| *days != HalfDays::ZERO)
    .map(|(kind, rule, days, what)| {
        let deducted = HalfDays(days.half_days().saturating_mul(factor));
        PayLine::new(
            kind,
            rule,
            Money::from_fen(-day_rate_deduction(base_salary, month_days, deducted).fen()),
            format!(
                "{what} {days} days × {factor} = {deducted} days at {base_salary} ÷ {month_days}"
            ),
        )
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::{date, time};

    use super::*;
    use crate::attendance::month_fixture::{Fixture, personal};
    use crate::calendar::official_2026;
    use crate::roster::{Half, Roster};

    fn yuan(text: &str) -> Money {
        text.parse().unwrap()
    }

    fn facts(base: &str) -> PayrollFacts {
        PayrollFacts {
            base_salary: yuan(base),
            gender: Gender::Male,
            birth_date: date!(1990 - 07 - 15),
            hired_on: date!(2020 - 01 - 01),
            probation_end: Some(date!(2020 - 01 - 31)),
            left_on: None,
            leaving_reason: None,
        }
    }

    /// March 2026: 26 scheduled days (Monday–Saturday, no holiday).
    fn march() -> Fixture {
        Fixture::clean(Month::March, Roster::default())
    }

    fn payslip_with(
        fixture: &Fixture,
        facts: &PayrollFacts,
        bonus: Option<&str>,
        fines: &[DisciplineFine],
    ) -> Payslip {
        let mut fixture_for = Fixture {
            employed_from: facts.hired_on,
            employed_until: facts.left_on,
            ..Fixture::clean(fixture.month, fixture.roster)
        };
        fixture_for.punches.clone_from(&fixture.punches);
        fixture_for.leave.clone_from(&fixture.leave);
        let attendance = fixture_for.evaluate();
        compute_payslip(&PayslipInput {
            policy: &PayrollPolicy::default(),
            attendance_policy: &AttendancePolicy::default(),
            year: 2026,
            month: fixture.month,
            facts,
            attendance: &attendance,
            performance_bonus: bonus.map(yuan),
            discipline_fines: fines,
            departure_checklist_complete: false,
            notice_days_in_lieu: 0,
        })
    }

    fn amounts(payslip: &Payslip) -> Vec<(PayLineKind, &str, String)> {
        payslip
            .lines
            .iter()
            .map(|line| (line.kind, line.rule.as_str(), line.amount.to_string()))
            .collect()
    }

    #[test]
    fn pay_1_paid_on_the_third_or_the_next_working_day() {
        let policy = PayrollPolicy::default();
        let calendar = official_2026();
        let paid = |month| pay_date(&policy, &calendar, 2026, month).unwrap();
        // 3 April 2026 is a Friday; 3 February a Tuesday.
        assert_eq!(paid(Month::March).date, date!(2026 - 04 - 03));
        assert_eq!(paid(Month::January).date, date!(2026 - 02 - 03));
        // 1–7 October are the National Day holiday: the 8th is the next working day.
        assert_eq!(paid(Month::September).date, date!(2026 - 10 - 08));
        assert!(!paid(Month::September).provisional);
        // December's salary is paid in 2027, whose schedule is not loaded: 3 January 2027 is a
        // Sunday, so Monday the 4th, provisionally.
        let december = paid(Month::December);
        assert_eq!(december.date, date!(2027 - 01 - 04));
        assert!(december.provisional);
    }

    #[test]
    fn pay_1_never_later_than_the_latest_pay_day() {
        let policy = PayrollPolicy {
            latest_pay_day: 5,
            ..PayrollPolicy::default()
        };
        let paid = pay_date(&policy, &official_2026(), 2026, Month::September).unwrap();
        assert_eq!(paid.date, date!(2026 - 10 - 05));
    }

    #[test]
    fn pay_2_seniority_counts_full_years_at_month_end() {
        let policy = PayrollPolicy::default();
        let hired = date!(2023 - 03 - 31);
        assert_eq!(seniority_pay(&policy, hired, date!(2024 - 03 - 30)).0, 0);
        assert_eq!(
            seniority_pay(&policy, hired, date!(2024 - 03 - 31)),
            (1, yuan("100.00"))
        );
        assert_eq!(
            seniority_pay(&policy, hired, date!(2026 - 03 - 31)),
            (3, yuan("300.00"))
        );
        // Hired on 29 February of a leap year: the year is full on 1 March.
        let leap = date!(2024 - 02 - 29);
        assert_eq!(seniority_pay(&policy, leap, date!(2025 - 02 - 28)).0, 0);
        assert_eq!(seniority_pay(&policy, leap, date!(2025 - 03 - 31)).0, 1);
    }

    #[test]
    fn pay_2_gifts_follow_the_birthday_month_and_womens_day() {
        let policy = PayrollPolicy::default();
        assert!(birthday_gift_due(date!(1996 - 02 - 29), Month::February));
        assert!(!birthday_gift_due(date!(1996 - 02 - 29), Month::March));
        assert!(womens_day_gift_due(&policy, Gender::Female, Month::March));
        assert!(!womens_day_gift_due(&policy, Gender::Male, Month::March));
        assert!(!womens_day_gift_due(&policy, Gender::Female, Month::April));
    }

    #[test]
    fn pay_2_two_lates_a_personal_leave_day_and_a_birthday() {
        let mut month = march();
        month.arrive(date!(2026 - 03 - 03), time!(09:10)); // 1st late: free
        month.arrive(date!(2026 - 03 - 05), time!(09:20)); // 2nd late: 10.00
        month.punch(date!(2026 - 03 - 10), &[]);
        month.take_leave(personal(
            (date!(2026 - 03 - 10), Half::Am),
            (date!(2026 - 03 - 10), Half::Pm),
        ));
        let facts = PayrollFacts {
            birth_date: date!(1990 - 03 - 15),
            ..facts("5200.00")
        };
        let payslip = payslip_with(&month, &facts, Some("500.00"), &[]);
        assert_eq!(
            amounts(&payslip),
            vec![
                (PayLineKind::BaseSalary, "PAY-2", "5200.00".into()),
                (PayLineKind::Seniority, "PAY-2", "600.00".into()),
                (PayLineKind::Birthday, "PAY-2", "100.00".into()),
                (PayLineKind::PerformanceBonus, "PAY-2", "500.00".into()),
                // 1 day × 3 at 5,200.00 ÷ 26 = 200.00 a day.
                (
                    PayLineKind::PersonalLeaveDeduction,
                    "LEAVE-3",
                    "-600.00".into()
                ),
                (PayLineKind::LatenessFines, "ATT-2", "-10.00".into()),
            ]
        );
        assert_eq!(payslip.earnings, yuan("6400.00"));
        assert_eq!(payslip.deductions, yuan("-610.00"));
        assert_eq!(payslip.net, yuan("5790.00"));
        assert_eq!(payslip.month_scheduled_days, 26);
        assert!(!payslip.base_salary_only);
    }

    #[test]
    fn pay_3_two_absence_days_pay_only_the_base() {
        let mut month = march();
        month.punch(date!(2026 - 03 - 11), &[]);
        month.punch(date!(2026 - 03 - 12), &[]);
        let facts = PayrollFacts {
            gender: Gender::Female,
            birth_date: date!(1990 - 03 - 15),
            ..facts("5200.00")
        };
        let payslip = payslip_with(&month, &facts, Some("500.00"), &[]);
        assert!(payslip.base_salary_only);
        // No seniority, birthday, Women's Day or bonus; 2 days × 3 × 200.00 deducted.
        assert_eq!(
            amounts(&payslip),
            vec![
                (PayLineKind::BaseSalary, "PAY-2", "5200.00".into()),
                (PayLineKind::AbsenceDeduction, "ATT-6", "-1200.00".into()),
            ]
        );
        assert_eq!(payslip.net, yuan("4000.00"));
    }

    #[test]
    fn pay_3_one_and_a_half_absence_days_keep_the_additions() {
        let mut month = march();
        month.punch(date!(2026 - 03 - 11), &[]);
        month.arrive(date!(2026 - 03 - 12), time!(10:00)); // 60 minutes: half a day
        let payslip = payslip_with(&month, &facts("5200.00"), None, &[]);
        assert!(!payslip.base_salary_only);
        assert!(
            payslip
                .lines
                .iter()
                .any(|l| l.kind == PayLineKind::Seniority)
        );
        // 1.5 days × 3 = 4.5 days × 200.00.
        assert_eq!(
            payslip.lines.last().map(|l| l.amount),
            Some(yuan("-900.00"))
        );
    }

    #[test]
    fn leave_3_more_than_three_personal_days_forfeit_the_bonus() {
        let mut month = march();
        for day in 16..=19 {
            let date = Date::from_calendar_date(2026, Month::March, day).unwrap();
            month.punch(date, &[]);
        }
        month.take_leave(personal(
            (date!(2026 - 03 - 16), Half::Am),
            (date!(2026 - 03 - 19), Half::Pm),
        ));
        let payslip = payslip_with(&month, &facts("5200.00"), Some("800.00"), &[]);
        let bonus: Vec<_> = amounts(&payslip)
            .into_iter()
            .filter(|(kind, ..)| {
                matches!(
                    kind,
                    PayLineKind::PerformanceBonus | PayLineKind::PerformanceBonusForfeited
                )
            })
            .collect();
        assert_eq!(
            bonus,
            vec![
                (PayLineKind::PerformanceBonus, "PAY-2", "800.00".into()),
                (
                    PayLineKind::PerformanceBonusForfeited,
                    "LEAVE-3",
                    "-800.00".into()
                ),
            ]
        );
        // 4 days × 3 × 200.00.
        assert!(amounts(&payslip).contains(&(
            PayLineKind::PersonalLeaveDeduction,
            "LEAVE-3",
            "-2400.00".into()
        )));
    }

    #[test]
    fn att_7_a_clean_month_earns_full_attendance_and_discipline_fines_are_deducted() {
        let fines = [DisciplineFine {
            record_id: "rec-1".into(),
            offense: "private_call".into(),
            amount: yuan("50.00"),
        }];
        let payslip = payslip_with(&march(), &facts("5200.00"), None, &fines);
        assert_eq!(
            amounts(&payslip),
            vec![
                (PayLineKind::BaseSalary, "PAY-2", "5200.00".into()),
                (PayLineKind::Seniority, "PAY-2", "600.00".into()),
                (PayLineKind::FullAttendance, "ATT-7", "300.00".into()),
                (PayLineKind::DisciplineFine, "DISC", "-50.00".into()),
            ]
        );
        assert_eq!(payslip.lines[3].reference.as_deref(), Some("rec-1"));
        assert_eq!(payslip.net, yuan("6050.00"));
    }

    #[test]
    fn pay_5_a_february_joiner_is_paid_for_the_scheduled_days_employed() {
        // February 2026 on the Monday–Saturday roster: 17 scheduled days (the Spring Festival
        // takes 16–21 and 23 February). Hired on Monday the 9th: 9–14 and 24–28, 11 days.
        let month = Fixture::clean(Month::February, Roster::default());
        let facts = PayrollFacts {
            hired_on: date!(2026 - 02 - 09),
            probation_end: Some(date!(2026 - 03 - 08)),
            birth_date: date!(1996 - 02 - 29),
            ..facts("5100.00")
        };
        let payslip = payslip_with(&month, &facts, None, &[]);
        assert_eq!(payslip.month_scheduled_days, 17);
        assert_eq!(payslip.employed_scheduled_days, 11);
        // 5,100.00 × 11 ÷ 17; born on 29 February, so the gift comes in February; no full
        // attendance for a partial month.
        assert_eq!(
            amounts(&payslip),
            vec![
                (PayLineKind::BaseSalary, "PAY-5", "3300.00".into()),
                (PayLineKind::Birthday, "PAY-2", "100.00".into()),
            ]
        );
        assert_eq!(payslip.net, yuan("3400.00"));
    }

    fn march_leaver(left_on: Date, reason: LeavingReason) -> PayrollFacts {
        PayrollFacts {
            hired_on: date!(2026 - 03 - 02),
            probation_end: Some(date!(2026 - 04 - 01)),
            left_on: Some(left_on),
            leaving_reason: Some(reason),
            ..facts("5200.00")
        }
    }

    #[test]
    fn pay_4_a_resignation_on_day_five_of_probation_is_paid_by_the_day() {
        let facts = march_leaver(date!(2026 - 03 - 06), LeavingReason::Resignation);
        let payslip = payslip_with(&march(), &facts, Some("500.00"), &[]);
        assert!(payslip.paid_by_the_day);
        // Monday 2 to Friday 6 March: 5 days × 30.00.
        assert_eq!(
            amounts(&payslip),
            vec![(PayLineKind::ProbationDailyPay, "PAY-4", "150.00".into())]
        );
        assert_eq!(payslip.net, yuan("150.00"));
        assert!(payslip.final_pay_withheld);
    }

    #[test]
    fn pay_4_day_seven_is_by_the_day_day_eight_is_pro_rated() {
        let seventh = march_leaver(date!(2026 - 03 - 08), LeavingReason::Resignation);
        assert!(paid_by_the_day(&PayrollPolicy::default(), &seventh));
        let eighth = march_leaver(date!(2026 - 03 - 09), LeavingReason::Resignation);
        let payslip = payslip_with(&march(), &eighth, None, &[]);
        assert!(!payslip.paid_by_the_day);
        // 2–7 and 9 March: 7 of 26 scheduled days of 5,200.00.
        assert_eq!(
            amounts(&payslip),
            vec![(PayLineKind::BaseSalary, "PAY-5", "1400.00".into())]
        );
    }

    #[test]
    fn pay_4_only_a_resignation_is_paid_by_the_day() {
        let dismissed = march_leaver(date!(2026 - 03 - 06), LeavingReason::Dismissal);
        let payslip = payslip_with(&march(), &dismissed, None, &[]);
        assert!(!payslip.paid_by_the_day);
        assert_eq!(payslip.net, yuan("1000.00")); // 5 of 26 days of 5,200.00
    }

    #[test]
    fn pay_4_half_days_worked_are_paid_by_the_half() {
        let mut month = march();
        month.arrive(date!(2026 - 03 - 04), time!(10:00)); // half a day of absence
        let facts = march_leaver(date!(2026 - 03 - 06), LeavingReason::Resignation);
        let payslip = payslip_with(&month, &facts, None, &[]);
        assert_eq!(payslip.lines[0].amount, yuan("135.00"));
    }

    #[test]
    fn negative_net_is_reported_not_floored() {
        let mut month = march();
        for day in 2..=7 {
            let date = Date::from_calendar_date(2026, Month::March, day).unwrap();
            month.punch(date, &[]);
        }
        let payslip = payslip_with(&month, &facts("5200.00"), None, &[]);
        // 6 absence days × 3 × 200.00 = 3,600.00 of a 5,200.00 base; add a 2,000.00 fine.
        let fines = [DisciplineFine {
            record_id: "rec".into(),
            offense: "funds_entry_falsified".into(),
            amount: yuan("2000.00"),
        }];
        let with_fine = payslip_with(&month, &facts("5200.00"), None, &fines);
        assert_eq!(payslip.net, yuan("1600.00"));
        assert_eq!(with_fine.net, yuan("-400.00"));
        assert!(with_fine.negative_net);
    }

    #[test]
    fn emp_3_pay_in_lieu_of_notice_is_deducted_in_the_leaving_month() {
        let month = march();
        let attendance = Fixture {
            employed_from: date!(2026 - 01 - 05),
            employed_until: Some(date!(2026 - 03 - 14)),
            ..Fixture::clean(Month::March, Roster::default())
        }
        .evaluate();
        let facts = PayrollFacts {
            hired_on: date!(2026 - 01 - 05),
            probation_end: Some(date!(2026 - 04 - 04)),
            left_on: Some(date!(2026 - 03 - 14)),
            leaving_reason: Some(LeavingReason::Resignation),
            ..facts("5200.00")
        };
        let payslip = compute_payslip(&PayslipInput {
            policy: &PayrollPolicy::default(),
            attendance_policy: &AttendancePolicy::default(),
            year: 2026,
            month: month.month,
            facts: &facts,
            attendance: &attendance,
            performance_bonus: None,
            discipline_fines: &[],
            departure_checklist_complete: true,
            notice_days_in_lieu: 3,
        });
        // 2–14 March: 12 of 26 scheduled days (2,400.00); 3 days at 200.00 owed.
        assert_eq!(
            amounts(&payslip),
            vec![
                (PayLineKind::BaseSalary, "PAY-5", "2400.00".into()),
                (PayLineKind::NoticePayInLieu, "EMP-3", "-600.00".into()),
            ]
        );
        assert!(!payslip.final_pay_withheld);
    }

    #[test]
    fn emp_4_only_the_leaving_month_is_withheld() {
        let mut facts = march_leaver(date!(2026 - 04 - 10), LeavingReason::Resignation);
        facts.probation_end = Some(date!(2026 - 03 - 31));
        let payslip = payslip_with(&march(), &facts, None, &[]);
        assert!(!payslip.final_pay_withheld);
    }

    proptest! {
        #[test]
        fn pay_2_the_net_is_the_exact_sum_of_the_lines(
            base_fen in 0i64..5_000_000,
            lates in proptest::collection::vec(6i64..=300, 0..6),
            bonus_fen in proptest::option::of(0i64..500_000),
            fine_fen in proptest::collection::vec(0i64..300_000, 0..3),
            birth_month in 1u8..=12,
        ) {
            let mut month = march();
            for (offset, minutes) in lates.iter().enumerate() {
                let date = date!(2026 - 03 - 02) + time::Duration::days(offset as i64);
                let at = time!(09:00) + time::Duration::minutes(*minutes);
                month.arrive(date, at);
            }
            let facts = PayrollFacts {
                base_salary: Money::from_fen(base_fen),
                birth_date: Date::from_calendar_date(1990, Month::try_from(birth_month).unwrap(), 1).unwrap(),
                ..facts("0.00")
            };
            let fines: Vec<_> = fine_fen.iter().map(|fen| DisciplineFine {
                record_id: "r".into(),
                offense: "o".into(),
                amount: Money::from_fen(*fen),
            }).collect();
            let bonus = bonus_fen.map(|fen| Money::from_fen(fen).to_string());
            let payslip = payslip_with(&month, &facts, bonus.as_deref(), &fines);
            let sum: i64 = payslip.lines.iter().map(|l| l.amount.fen()).sum();
            prop_assert_eq!(payslip.net.fen(), sum);
            prop_assert_eq!(payslip.earnings.fen() + payslip.deductions.fen(), sum);
            prop_assert!(payslip.deductions.fen() <= 0);
            prop_assert_eq!(payslip.negative_net, sum < 0);
        }

        #[test]
        fn pay_5_pro_rating_never_exceeds_the_base_and_grows_with_the_days(
            base_fen in 0i64..10_000_000,
            month_days in 1u32..=31,
            employed in 0u32..=31,
        ) {
            let base = Money::from_fen(base_fen);
            let employed = employed.min(month_days);
            let paid = prorated_base(base, month_days, employed);
            prop_assert!(paid <= base);
            prop_assert!(!paid.is_negative());
            if employed < month_days {
                prop_assert!(prorated_base(base, month_days, employed + 1) >= paid);
            }
        }

        #[test]
        fn pay_1_the_pay_date_is_in_the_paying_window(year in 2020i32..2030, month in 1u8..=12) {
            let policy = PayrollPolicy::default();
            let month = Month::try_from(month).unwrap();
            let paid = pay_date(&policy, &official_2026(), year, month).unwrap();
            let first = first_of_next_month(year, month).unwrap();
            prop_assert!(paid.date >= first.replace_day(3).unwrap());
            prop_assert!(paid.date <= first.replace_day(15).unwrap());
        }
    }

    #[test]
    fn pay_1_a_month_is_run_from_the_1st_of_the_next_month() {
        let refusal = may_run_month(2026, Month::March, date!(2026 - 03 - 31)).unwrap_err();
        assert_eq!(refusal.rule, "PAY-1");
        assert_eq!(
            refusal.detail,
            "2026-03 is not over yet; its payroll can be run from the 1st of the next month"
        );
        assert!(may_run_month(2026, Month::March, date!(2026 - 03 - 01)).is_err());
        assert!(may_run_month(2026, Month::April, date!(2026 - 03 - 15)).is_err());
        assert_eq!(
            may_run_month(2026, Month::March, date!(2026 - 04 - 01)),
            Ok(())
        );
        assert!(may_run_month(2026, Month::December, date!(2026 - 12 - 31)).is_err());
        assert_eq!(
            may_run_month(2026, Month::December, date!(2027 - 01 - 01)),
            Ok(())
        );
    }

    #[test]
    fn pay_1_running_a_month_first_recomputes_drafts_and_corrects_approved_revisions() {
        let run = |status, revision| Some(NewestRun { status, revision });
        let action = |newest, correcting| run_action(2026, Month::March, newest, correcting);
        assert_eq!(action(None, false), Ok(RunAction::First));
        assert_eq!(
            action(None, true),
            Err(Refusal::new(
                "PAY-1",
                "the month has no approved run to correct"
            ))
        );
        for correcting in [false, true] {
            assert_eq!(
                action(run(PayrollRunStatus::Draft, 2), correcting),
                Ok(RunAction::Recompute)
            );
        }
        assert_eq!(
            action(run(PayrollRunStatus::Approved, 2), true),
            Ok(RunAction::Correct { revision: 3 })
        );
        assert_eq!(
            action(run(PayrollRunStatus::Approved, 2), false)
                .unwrap_err()
                .detail,
            "revision 2 of 2026-03 is approved and cannot change; send a correction_reason to compute revision 3"
        );
    }

    #[test]
    fn pay_1_only_a_complete_draft_is_approved_and_it_supersedes_the_approved_one() {
        assert_eq!(may_approve_run(PayrollRunStatus::Draft), Ok(()));
        assert_eq!(
            may_approve_run(PayrollRunStatus::Approved)
                .unwrap_err()
                .detail,
            "is approved; only a draft can be approved"
        );
        assert_eq!(
            may_approve_run(PayrollRunStatus::Superseded)
                .unwrap_err()
                .detail,
            "is superseded; only a draft can be approved"
        );
        assert_eq!(check_run_complete(0), Ok(()));
        assert_eq!(
            check_run_complete(2).unwrap_err().detail,
            "2 employees have no payslip (HR facts missing); record them and run the month again"
        );
        let superseded: Vec<_> = PayrollRunStatus::ALL
            .into_iter()
            .filter(|s| s.superseded_by_approval())
            .collect();
        assert_eq!(superseded, [PayrollRunStatus::Approved]);
        assert_eq!(
            visible_run_statuses(true),
            [PayrollRunStatus::Draft, PayrollRunStatus::Approved]
        );
        assert_eq!(visible_run_statuses(false), [PayrollRunStatus::Approved]);
    }

    #[test]
    fn payroll_run_statuses_round_trip() {
        use crate::text_enum::{assert_round_trips, assert_serde_names_match};
        assert_round_trips(&PayrollRunStatus::ALL, PayrollRunStatus::as_str);
        assert_serde_names_match(&PayrollRunStatus::ALL, PayrollRunStatus::as_str);
        assert_eq!(
            PayrollRunStatus::ALL.map(PayrollRunStatus::as_str),
            ["draft", "approved", "superseded"]
        );
    }
}

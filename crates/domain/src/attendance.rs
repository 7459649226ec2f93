//! ATT — attendance (考勤, 迟到与早退, 旷工): an employee's month of punches, approved leave and
//! approved exceptions, evaluated against their shift and roster (CAL-3) into lateness fines
//! (ATT-2), absence (ATT-1, ATT-3, ATT-5, ATT-6), full attendance (ATT-7) and the deduction days
//! of LEAVE-3.
//!
//! Decisions where the rules are silent:
//! - **Reading punches.** A day's punches are those whose local date is that day, sorted. The
//!   first is the punch-in and the last the punch-out. A single punch before the midpoint of the
//!   day's expected working window is a punch-in without punch-out, at or after it a punch-out
//!   without punch-in. The punches in between, taken in pairs (out, back in), are gaps; an odd
//!   leftover middle punch is ignored. ATT-5's make-up punches arrive already merged into the
//!   punches; the once-per-employment limit is enforced where a make-up is approved.
//! - **The expected window.** 09:00–17:30 by default; a morning leave moves the start to the end
//!   of the rest break, an afternoon leave moves the end to the start of lunch, and the single
//!   punch midpoint is the midpoint of that window.
//! - **Off-post gaps** (脱岗) count only the part of the gap inside the expected window, minus the
//!   minutes inside the lunch and rest breaks, and are banded like lateness (ATT-1).
//! - **Days that count nowhere.** Outside employment a day is `not_employed`; otherwise an
//!   unscheduled day is `rest` or `holiday`; otherwise a day after `evaluated_through` is
//!   `pending`. Leave on such days is not counted either.
//! - **Excused lateness (ATT-4).** The first `excused_per_month` distinct exception dates of the
//!   month are honoured, whether or not the employee turned out late that day (the form is filed
//!   for a date). Only the punch-in lateness is excused; a missing punch-in stays an ATT-5
//!   absence.
//! - **Absence cap.** A day's absence never exceeds the part of it not on leave. ATT-3 can add
//!   more absence days than the month has (several occurrences a day), so the month's total is
//!   capped at its scheduled days; the cap is stated in the reasons.
//! - **Full attendance (ATT-7)** needs the whole month: a month with scheduled days outside
//!   employment or not yet evaluated cannot earn it.

use serde::{Serialize, Serializer};
use time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time};

use crate::calendar::BusinessCalendar;
use crate::leave::LeaveType;
use crate::money::Money;
use crate::roster::{Half, HalfDays, Roster, ScheduleReason, ScheduledDay, Shift, scheduled_day};
use crate::text_enum::text_enum;

/// The smallest unit of absence (ATT-6) and of leave.
const HALF_DAY: HalfDays = HalfDays(1);
const FULL_DAY: HalfDays = HalfDays::days(1);

/// The ATT and LEAVE-3 parameters; `Default` holds the values of RULES.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttendancePolicy {
    /// ATT-1: up to this many minutes late (early, away) is on time.
    pub on_time_grace_minutes: i64,
    /// ATT-1: up to this many minutes is lateness (迟到).
    pub late_band_max_minutes: i64,
    /// ATT-1: up to this many minutes is a half-day absence; more is a full-day absence.
    pub half_day_absence_max_minutes: i64,
    /// ATT-2: the fines of the 1st, 2nd, … late-band occurrence of a calendar month.
    pub fine_ladder: Vec<Money>,
    /// ATT-2: after the ladder each fine doubles the previous one, up to this cap.
    pub fine_cap: Money,
    /// ATT-3: late-band occurrences of a month that carry no absence; each further one adds a day.
    pub free_occurrences_before_absence: u32,
    /// ATT-4: excused lateness per calendar month.
    pub excused_per_month: u32,
    /// ATT-4: an exception form is filed within this many hours of the shift start of the day.
    pub exception_filing_hours: i64,
    /// ATT-5: make-up punches signed by the supervisor allowed per employment.
    pub make_up_punches_per_employment: u32,
    /// ATT-6, PAY-3: absence totalling this much in a month leaves only the base salary.
    pub base_salary_only_absence: HalfDays,
    /// LEAVE-3, ATT-6: days of base salary deducted per day of personal leave or absence.
    pub personal_leave_deduction_factor: u32,
    /// LEAVE-3: personal leave of MORE than this in a month forfeits the performance bonus.
    pub bonus_forfeit_personal_leave_over: HalfDays,
}

impl Default for AttendancePolicy {
    fn default() -> Self {
        AttendancePolicy {
            on_time_grace_minutes: 5,
            late_band_max_minutes: 30,
            half_day_absence_max_minutes: 240,
            fine_ladder: vec![
                Money::ZERO,
                Money::from_yuan(10),
                Money::from_yuan(20),
                Money::from_yuan(40),
            ],
            fine_cap: Money::from_yuan(100),
            free_occurrences_before_absence: 2,
            excused_per_month: 1,
            exception_filing_hours: 24,
            make_up_punches_per_employment: 1,
            base_salary_only_absence: HalfDays::days(2),
            personal_leave_deduction_factor: 3,
            bonus_forfeit_personal_leave_over: HalfDays::days(3),
        }
    }
}

/// ATT-1: how serious a late arrival, early departure or off-post gap is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Band {
    OnTime,
    Late,
    HalfDayAbsence,
    FullDayAbsence,
}

impl Band {
    /// ATT-1: the absence the band itself carries; the late band carries none (ATT-3 counts it
    /// per month instead).
    fn absence(self) -> HalfDays {
        match self {
            Band::OnTime | Band::Late => HalfDays::ZERO,
            Band::HalfDayAbsence => HALF_DAY,
            Band::FullDayAbsence => FULL_DAY,
        }
    }
}

/// ATT-1: whole minutes (seconds already dropped) late, early or away, banded: up to the grace
/// on time, then late, then a half-day absence, then a full-day absence.
pub fn classify_minutes(policy: &AttendancePolicy, minutes: i64) -> Band {
    if minutes <= policy.on_time_grace_minutes {
        Band::OnTime
    } else if minutes <= policy.late_band_max_minutes {
        Band::Late
    } else if minutes <= policy.half_day_absence_max_minutes {
        Band::HalfDayAbsence
    } else {
        Band::FullDayAbsence
    }
}

/// ATT-2: the fine of the `occurrence`-th (1-based) late-band event of a calendar month: the
/// ladder, then each fine double the previous one, never above the cap. Occurrence 0 does not
/// exist and is fined nothing.
pub fn lateness_fine(policy: &AttendancePolicy, occurrence: u32) -> Money {
    let Some(index) = occurrence.checked_sub(1) else {
        return Money::ZERO;
    };
    let ladder = &policy.fine_ladder;
    let index = usize::try_from(index).unwrap_or(usize::MAX);
    let fine = match (ladder.get(index), ladder.last()) {
        (Some(fine), _) => *fine,
        (None, Some(last)) => doubled(*last, index - (ladder.len() - 1), policy.fine_cap),
        (None, None) => Money::ZERO,
    };
    fine.min(policy.fine_cap)
}

/// `fine` doubled `times` times; stops as soon as it reaches `cap` (or cannot grow), so even
/// occurrence `u32::MAX` takes a handful of steps.
fn doubled(fine: Money, times: usize, cap: Money) -> Money {
    let mut fen = fine.fen();
    for _ in 0..times {
        if fen <= 0 || fen >= cap.fen() {
            break;
        }
        fen = fen.saturating_mul(2);
    }
    Money::from_fen(fen)
}

/// ATT-3: the absence that `occurrences` late-band events of one calendar month add up to:
/// none for the free ones, then one day for each further one (0, 0, 1, 2, 3, … days).
pub fn accumulated_absence(policy: &AttendancePolicy, occurrences: u32) -> HalfDays {
    let counted = occurrences.saturating_sub(policy.free_occurrences_before_absence);
    HalfDays(counted.saturating_mul(FULL_DAY.half_days()))
}

/// LEAVE-3: the pay deducted for `deduction` days at the day rate `base_salary ÷
/// scheduled_days`, computed as `base × days ÷ scheduled days` on fen and rounded half-even to
/// the fen once. A month without scheduled days deducts nothing.
pub fn day_rate_deduction(base_salary: Money, scheduled_days: u32, deduction: HalfDays) -> Money {
    if scheduled_days == 0 {
        return Money::ZERO;
    }
    let numerator = i128::from(base_salary.fen()) * i128::from(deduction.half_days());
    let denominator = i128::from(scheduled_days) * i128::from(FULL_DAY.half_days());
    let fen = divide_half_even(numerator, denominator);
    Money::from_fen(i64::try_from(fen).unwrap_or(if fen < 0 { i64::MIN } else { i64::MAX }))
}

/// `numerator ÷ denominator` (denominator > 0) rounded to the nearest integer, ties to even.
fn divide_half_even(numerator: i128, denominator: i128) -> i128 {
    let quotient = numerator.div_euclid(denominator);
    let twice_remainder = 2 * numerator.rem_euclid(denominator);
    let rounds_up = twice_remainder > denominator
        || (twice_remainder == denominator && quotient.rem_euclid(2) == 1);
    quotient + i128::from(rounds_up)
}

/// An approved leave request overlapping the month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovedLeave {
    pub id: String,
    pub leave_type: LeaveType,
    pub first_day: Date,
    /// `Half::Pm`: the leave begins in the afternoon of `first_day`.
    pub first_half: Half,
    pub last_day: Date,
    /// `Half::Am`: the leave ends at noon of `last_day`.
    pub last_half: Half,
    /// Sick leave with a certificate (LEAVE-5); a sick leave without one counts as personal
    /// leave (LEAVE-2) and breaks full attendance.
    pub certified: bool,
}

impl ApprovedLeave {
    /// Whether the leave covers `half` of `date`: from `first_half` on its first day up to
    /// `last_half` on its last day, and both halves of the days between.
    pub fn covers(&self, date: Date, half: Half) -> bool {
        (self.first_day..=self.last_day).contains(&date)
            && (date > self.first_day || half >= self.first_half)
            && (date < self.last_day || half <= self.last_half)
    }

    /// How the leave counts for LEAVE-3 and ATT-7.
    fn counts_as(&self) -> LeaveCounting {
        match self.leave_type {
            LeaveType::Personal => LeaveCounting::Personal,
            LeaveType::Sick if self.certified => LeaveCounting::SickCertified,
            LeaveType::Sick => LeaveCounting::Personal,
            LeaveType::Marriage
            | LeaveType::Maternity
            | LeaveType::Paternity
            | LeaveType::Bereavement => LeaveCounting::PaidOther,
        }
    }

    /// The rule that decides how this leave counts.
    fn rule(&self) -> &'static str {
        match self.leave_type {
            LeaveType::Personal => "LEAVE-3",
            LeaveType::Sick if self.certified => "LEAVE-5",
            LeaveType::Sick => "LEAVE-2",
            LeaveType::Marriage => "LEAVE-6",
            LeaveType::Maternity | LeaveType::Paternity => "LEAVE-7",
            LeaveType::Bereavement => "LEAVE-8",
        }
    }
}

/// How a day of leave counts in the month's totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LeaveCounting {
    /// Personal leave, and sick leave without a certificate (LEAVE-2, LEAVE-3).
    Personal,
    /// Sick leave with a certificate (LEAVE-5): keeps full attendance (ATT-7).
    SickCertified,
    /// Marriage, maternity, paternity and bereavement leave (LEAVE-6..8).
    PaidOther,
}

/// Why an exception form (ATT-4) or a make-up punch (ATT-5) cannot be filed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilingRefusal {
    #[error("ATT-4: an exception form must be filed within {hours} hours of the day's shift start")]
    ExceptionTooLate { hours: i64 },
    #[error("ATT-4: an exception form cannot be filed for a day that has not begun")]
    ExceptionInFuture,
    #[error("ATT-4: at most {allowed} excused lateness per month; this month already has {filed}")]
    ExceptionMonthFull { allowed: u32, filed: u32 },
    #[error("ATT-5: {allowed} make-up punch per employment; {filed} already filed")]
    MakeUpUsed { allowed: u32, filed: u32 },
}

text_enum! {
    /// ATT-4's causes of excusable lateness.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum ExceptionCause {
        RoadWorks = "road_works",
        TrafficAccident = "traffic_accident",
    }
}

impl FilingRefusal {
    pub fn rule(&self) -> &'static str {
        match self {
            FilingRefusal::MakeUpUsed { .. } => "ATT-5",
            _ => "ATT-4",
        }
    }
}

/// ATT-4: an exception form is filed between the shift start of the day it excuses and
/// `exception_filing_hours` later, and only while the month has room for another.
pub fn exception_may_be_filed(
    policy: &AttendancePolicy,
    shift_start: OffsetDateTime,
    filed_at: OffsetDateTime,
    live_forms_in_month: u32,
) -> Result<(), FilingRefusal> {
    if filed_at < shift_start {
        return Err(FilingRefusal::ExceptionInFuture);
    }
    if filed_at > shift_start + Duration::hours(policy.exception_filing_hours) {
        return Err(FilingRefusal::ExceptionTooLate {
            hours: policy.exception_filing_hours,
        });
    }
    if live_forms_in_month >= policy.excused_per_month {
        return Err(FilingRefusal::ExceptionMonthFull {
            allowed: policy.excused_per_month,
            filed: live_forms_in_month,
        });
    }
    Ok(())
}

/// ATT-5: a make-up punch may be requested while the employment's allowance lasts (pending and
/// approved requests count; rejected ones give the allowance back).
pub fn make_up_may_be_requested(
    policy: &AttendancePolicy,
    live_requests: u32,
) -> Result<(), FilingRefusal> {
    if live_requests >= policy.make_up_punches_per_employment {
        return Err(FilingRefusal::MakeUpUsed {
            allowed: policy.make_up_punches_per_employment,
            filed: live_requests,
        });
    }
    Ok(())
}

/// Everything `evaluate_month` reads.
#[derive(Debug, Clone, Copy)]
pub struct MonthInput<'a> {
    pub policy: &'a AttendancePolicy,
    pub calendar: &'a BusinessCalendar,
    pub shift: Shift,
    pub roster: Roster,
    pub year: i32,
    pub month: Month,
    /// Employment: days before `employed_from` or after `employed_until` are `not_employed`.
    pub employed_from: Date,
    pub employed_until: Option<Date>,
    /// Days after this date are `pending` (not yet evaluated; they count nowhere).
    pub evaluated_through: Date,
    /// Punches as local (Asia/Shanghai) date-times, in any order; other months are ignored.
    pub punches: &'a [PrimitiveDateTime],
    /// Approved leave overlapping the month.
    pub leave: &'a [ApprovedLeave],
    /// Dates with an approved exception form (ATT-4), in any order.
    pub excused_dates: &'a [Date],
}

/// What a late-band or worse event was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// 迟到: punch-in after the expected start.
    Late,
    /// 早退: punch-out before the expected end.
    Early,
    /// 脱岗: a gap between punches inside working time.
    OffPost,
}

/// ATT-1: one late arrival, early departure or off-post gap beyond the grace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayEvent {
    pub kind: EventKind,
    pub minutes: i64,
    pub band: Band,
    /// ATT-4: an honoured exception form excuses it; it then counts nowhere.
    pub excused: bool,
}

impl DayEvent {
    /// ATT-2, ATT-3: a late-band event that was not excused is a numbered occurrence.
    fn is_occurrence(&self) -> bool {
        self.band == Band::Late && !self.excused
    }
}

/// The headline of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DayStatus {
    OnTime,
    Late,
    Early,
    OffPost,
    HalfDayAbsence,
    FullDayAbsence,
    Leave,
    Excused,
    Rest,
    Holiday,
    NotEmployed,
    Pending,
}

impl From<EventKind> for DayStatus {
    fn from(kind: EventKind) -> Self {
        match kind {
            EventKind::Late => DayStatus::Late,
            EventKind::Early => DayStatus::Early,
            EventKind::OffPost => DayStatus::OffPost,
        }
    }
}

/// One approved leave on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayLeave {
    pub id: String,
    pub leave_type: LeaveType,
    pub counts_as: LeaveCounting,
    /// The scheduled halves of the day it covers.
    pub half_days: HalfDays,
}

/// One calendar day of the month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayResult {
    #[serde(serialize_with = "serialize_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2026-02-02"))]
    pub date: Date,
    pub status: DayStatus,
    /// A scheduled day of the roster (CAL-3), employed or not.
    pub scheduled: bool,
    /// Local time, `HH:MM:SS`.
    #[serde(serialize_with = "serialize_optional_time")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "09:06:00"))]
    pub punch_in: Option<Time>,
    #[serde(serialize_with = "serialize_optional_time")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "17:31:00"))]
    pub punch_out: Option<Time>,
    /// Whole minutes after the expected start (0 when early); absent without a punch-in.
    pub late_minutes: Option<i64>,
    /// Whole minutes before the expected end (0 when later); absent without a punch-out.
    pub early_minutes: Option<i64>,
    /// The events beyond the on-time grace, in time order.
    pub events: Vec<DayEvent>,
    /// ATT-1, ATT-5: the day's absence, at most the part of the day not on leave.
    pub absence: HalfDays,
    /// The approved leave covering the day: two entries when a morning and an afternoon leave
    /// meet on one day.
    pub leave: Vec<DayLeave>,
    /// The rule IDs that decided the day.
    pub rules: Vec<&'static str>,
}

/// ATT-2, ATT-3: one numbered late-band event of the month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Occurrence {
    /// 1-based, in time order within the month.
    pub number: u32,
    #[serde(serialize_with = "serialize_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2026-02-02"))]
    pub date: Date,
    pub kind: EventKind,
    pub minutes: i64,
    pub fine: Money,
    pub counts_as_absence: HalfDays,
    pub rules: Vec<&'static str>,
}

/// ATT-1, ATT-3, ATT-5, ATT-6: the month's absence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AbsenceTotals {
    /// Absence of the days themselves (ATT-1 bands, ATT-5 missing punches).
    pub from_days: HalfDays,
    /// ATT-3: absence the late-band occurrences add up to.
    pub from_occurrences: HalfDays,
    /// Their sum, at most the month's scheduled days.
    pub total: HalfDays,
}

/// The month's approved leave, in scheduled half days of the evaluated days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeaveTotals {
    /// Personal leave, including sick leave without a certificate (LEAVE-2, LEAVE-3).
    pub personal: HalfDays,
    pub sick_certified: HalfDays,
    /// Marriage, maternity, paternity, bereavement.
    pub paid_other: HalfDays,
}

/// One clause that fired, for a frontend to show "why".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttendanceReason {
    pub rule: &'static str,
    pub detail: String,
}

impl AttendanceReason {
    fn new(rule: &'static str, detail: impl Into<String>) -> AttendanceReason {
        AttendanceReason {
            rule,
            detail: detail.into(),
        }
    }
}

/// An employee's evaluated month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthResult {
    /// Every calendar day of the month, in date order.
    pub days: Vec<DayResult>,
    /// Scheduled days while employed: the divisor of LEAVE-3's day rate.
    pub scheduled_days: u32,
    /// CAL-2: the year has no official schedule, so holidays are unknown.
    pub calendar_provisional: bool,
    pub occurrences: Vec<Occurrence>,
    /// ATT-2: the sum of the occurrences' fines.
    pub fines_total: Money,
    pub absence: AbsenceTotals,
    pub leave: LeaveTotals,
    /// LEAVE-3, ATT-6: days of base salary deducted for personal leave and absence.
    pub deduction_days: HalfDays,
    /// LEAVE-3: more personal leave than the policy allows.
    pub performance_bonus_forfeited: bool,
    /// ATT-6, PAY-3: absence reached the threshold; only the base salary is paid.
    pub base_salary_only: bool,
    /// ATT-7
    pub full_attendance: bool,
    pub full_attendance_breaks: Vec<AttendanceReason>,
    pub reasons: Vec<AttendanceReason>,
}

/// ATT-1..7, LEAVE-3: evaluates every day of the month, numbers and fines the late-band
/// occurrences, and totals absence, leave and their consequences. Pure: the same input always
/// gives the same result.
pub fn evaluate_month(input: &MonthInput) -> MonthResult {
    let policy = input.policy;
    let excuses = ExcusePlan::for_month(input);
    let days: Vec<DayResult> = month_dates(input.year, input.month)
        .map(|date| evaluate_day(input, date, excuses.for_date(date)))
        .collect();
    let occurrences = number_occurrences(policy, &days);
    let scheduled_days = count_u32(days.iter().filter(|day| counts_in_schedule(day)));
    let fines_total = Money::from_fen(
        occurrences
            .iter()
            .map(|occurrence| occurrence.fine.fen())
            .fold(0, i64::saturating_add),
    );
    let absence = absence_totals(&days, &occurrences, scheduled_days);
    let leave = leave_totals(&days);
    let deduction_days = HalfDays(
        (leave.personal + absence.total)
            .half_days()
            .saturating_mul(policy.personal_leave_deduction_factor),
    );
    let performance_bonus_forfeited = leave.personal > policy.bonus_forfeit_personal_leave_over;
    let base_salary_only = absence.total >= policy.base_salary_only_absence;
    let full_attendance_breaks = full_attendance_breaks(&days, &occurrences, &absence, &leave);
    let mut month = MonthResult {
        days,
        scheduled_days,
        calendar_provisional: !input.calendar.is_year_published(input.year),
        occurrences,
        fines_total,
        absence,
        leave,
        deduction_days,
        performance_bonus_forfeited,
        base_salary_only,
        full_attendance: full_attendance_breaks.is_empty(),
        full_attendance_breaks,
        reasons: Vec::new(),
    };
    month.reasons = month_reasons(input, &excuses, &month);
    month
}

/// The month-level clauses that fired, in rule order.
fn month_reasons(
    input: &MonthInput,
    excuses: &ExcusePlan,
    month: &MonthResult,
) -> Vec<AttendanceReason> {
    let policy = input.policy;
    let absence = &month.absence;
    let mut reasons = Vec::new();
    if month.calendar_provisional {
        reasons.push(AttendanceReason::new(
            "CAL-2",
            format!(
                "no official schedule for {}: Monday–Friday assumed, holidays unknown",
                input.year
            ),
        ));
    }
    reasons.extend(excuses.reasons(policy));
    if !month.occurrences.is_empty() {
        reasons.push(AttendanceReason::new(
            "ATT-2",
            format!(
                "{} late, early or off-post occurrences, fines {}",
                month.occurrences.len(),
                month.fines_total
            ),
        ));
    }
    if absence.from_occurrences > HalfDays::ZERO {
        reasons.push(AttendanceReason::new(
            "ATT-3",
            format!(
                "occurrences beyond the {} free ones add {} days of absence",
                policy.free_occurrences_before_absence, absence.from_occurrences
            ),
        ));
    }
    if absence.total < absence.from_days + absence.from_occurrences {
        reasons.push(AttendanceReason::new(
            "ATT-6",
            format!(
                "absence capped at the month's {} scheduled days",
                month.scheduled_days
            ),
        ));
    }
    if month.base_salary_only {
        reasons.push(AttendanceReason::new(
            "ATT-6",
            format!(
                "absence of {} days reaches {} days: only the base salary is paid (PAY-3)",
                absence.total, policy.base_salary_only_absence
            ),
        ));
    }
    if month.deduction_days > HalfDays::ZERO {
        reasons.push(AttendanceReason::new(
            "LEAVE-3",
            format!(
                "{} × ({} days of personal leave + {} days of absence) = {} days of base salary deducted",
                policy.personal_leave_deduction_factor,
                month.leave.personal,
                absence.total,
                month.deduction_days
            ),
        ));
    }
    if month.performance_bonus_forfeited {
        reasons.push(AttendanceReason::new(
            "LEAVE-3",
            format!(
                "{} days of personal leave is more than {} days: the performance bonus is forfeited",
                month.leave.personal, policy.bonus_forfeit_personal_leave_over
            ),
        ));
    }
    if month.full_attendance {
        reasons.push(AttendanceReason::new(
            "ATT-7",
            "full attendance: no lateness, early leaving, off-post, absence or leave other than certified sick leave",
        ));
    }
    reasons
}

/// Every date of the month (none for a year the `time` crate cannot represent).
fn month_dates(year: i32, month: Month) -> impl Iterator<Item = Date> {
    (1..=month.length(year)).filter_map(move |day| Date::from_calendar_date(year, month, day).ok())
}

fn count_u32<T>(items: impl Iterator<Item = T>) -> u32 {
    u32::try_from(items.count()).unwrap_or(u32::MAX)
}

/// A scheduled day while employed: it is in the LEAVE-3 divisor, evaluated yet or not.
fn counts_in_schedule(day: &DayResult) -> bool {
    day.scheduled && day.status != DayStatus::NotEmployed
}

/// ATT-4: which exception dates of the month are honoured and which exceed the monthly limit.
struct ExcusePlan {
    honoured: Vec<Date>,
    over_limit: Vec<Date>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Excuse {
    NotFiled,
    Honoured,
    OverLimit,
}

impl ExcusePlan {
    fn for_month(input: &MonthInput) -> ExcusePlan {
        let mut dates: Vec<Date> = input
            .excused_dates
            .iter()
            .copied()
            .filter(|date| date.year() == input.year && date.month() == input.month)
            .collect();
        dates.sort_unstable();
        dates.dedup();
        let allowed = usize::try_from(input.policy.excused_per_month).unwrap_or(usize::MAX);
        let over_limit = dates.split_off(allowed.min(dates.len()));
        ExcusePlan {
            honoured: dates,
            over_limit,
        }
    }

    fn for_date(&self, date: Date) -> Excuse {
        if self.honoured.contains(&date) {
            Excuse::Honoured
        } else if self.over_limit.contains(&date) {
            Excuse::OverLimit
        } else {
            Excuse::NotFiled
        }
    }

    fn reasons(&self, policy: &AttendancePolicy) -> Vec<AttendanceReason> {
        let honoured = self.honoured.iter().map(|date| {
            AttendanceReason::new(
                "ATT-4",
                format!("exception form for {date} honoured: its lateness counts nowhere"),
            )
        });
        let limit = policy.excused_per_month;
        let refused = self.over_limit.iter().map(move |date| {
            AttendanceReason::new(
                "ATT-4",
                format!(
                    "exception form for {date} not honoured: at most {limit} per month; its lateness counts"
                ),
            )
        });
        honoured.chain(refused).collect()
    }
}

fn is_employed(input: &MonthInput, date: Date) -> bool {
    date >= input.employed_from && input.employed_until.is_none_or(|until| date <= until)
}

/// The calendar rules behind a day's schedule (CAL-1..3).
fn calendar_rules(schedule: &ScheduledDay) -> Vec<&'static str> {
    let mut rules = Vec::new();
    if matches!(
        schedule.reason,
        ScheduleReason::PublicHoliday | ScheduleReason::MakeUpWorkday
    ) {
        rules.push("CAL-1");
    }
    if schedule.provisional {
        rules.push("CAL-2");
    }
    rules.push("CAL-3");
    rules
}

fn note(rules: &mut Vec<&'static str>, rule: &'static str) {
    if !rules.contains(&rule) {
        rules.push(rule);
    }
}

/// One day: days that count nowhere are only labelled; scheduled, employed, evaluated days are
/// compared with the punches.
fn evaluate_day(input: &MonthInput, date: Date, excuse: Excuse) -> DayResult {
    let schedule = scheduled_day(input.calendar, input.roster, date);
    let rules = calendar_rules(&schedule);
    let uncounted = if !is_employed(input, date) {
        Some(DayStatus::NotEmployed)
    } else if schedule.reason == ScheduleReason::PublicHoliday {
        Some(DayStatus::Holiday)
    } else if !schedule.scheduled {
        Some(DayStatus::Rest)
    } else if date > input.evaluated_through {
        Some(DayStatus::Pending)
    } else {
        None
    };
    let day = DayResult {
        date,
        status: DayStatus::OnTime,
        scheduled: schedule.scheduled,
        punch_in: None,
        punch_out: None,
        late_minutes: None,
        early_minutes: None,
        events: Vec::new(),
        absence: HalfDays::ZERO,
        leave: Vec::new(),
        rules,
    };
    match uncounted {
        Some(status) => DayResult { status, ..day },
        None => evaluate_scheduled_day(input, excuse, day),
    }
}

/// The approved leave covering each half of a day. Overlapping leave is refused when it is
/// requested; should two cover the same half anyway, the first listed counts.
struct HalfCover<'a> {
    am: Option<&'a ApprovedLeave>,
    pm: Option<&'a ApprovedLeave>,
}

impl<'a> HalfCover<'a> {
    fn of(leave: &'a [ApprovedLeave], date: Date) -> HalfCover<'a> {
        let covering = |half| leave.iter().find(|leave| leave.covers(date, half));
        HalfCover {
            am: covering(Half::Am),
            pm: covering(Half::Pm),
        }
    }

    fn halves(&self) -> impl Iterator<Item = &'a ApprovedLeave> {
        [self.am, self.pm].into_iter().flatten()
    }

    /// The part of the day not on leave.
    fn unleft(&self) -> HalfDays {
        HalfDays(FULL_DAY.half_days() - count_u32(self.halves()))
    }

    /// The day's leave, one entry per leave request.
    fn day_leave(&self) -> Vec<DayLeave> {
        let mut entries: Vec<DayLeave> = Vec::new();
        for leave in self.halves() {
            match entries.iter_mut().find(|entry| entry.id == leave.id) {
                Some(entry) => entry.half_days += HALF_DAY,
                None => entries.push(DayLeave {
                    id: leave.id.clone(),
                    leave_type: leave.leave_type,
                    counts_as: leave.counts_as(),
                    half_days: HALF_DAY,
                }),
            }
        }
        entries
    }
}

/// The hours a day's punches are compared with: the shift, shortened by half-day leave.
#[derive(Debug, Clone, Copy)]
struct Window {
    start: Time,
    end: Time,
}

impl Window {
    /// A morning leave moves the start to the afternoon start; an afternoon leave moves the
    /// end to the morning end.
    fn expected(shift: &Shift, cover: &HalfCover) -> Window {
        Window {
            start: if cover.am.is_some() {
                shift.afternoon_start()
            } else {
                shift.start
            },
            end: if cover.pm.is_some() {
                shift.morning_end()
            } else {
                shift.end
            },
        }
    }

    /// A lone punch before this is read as a punch-in, otherwise as a punch-out.
    fn midpoint(self) -> Time {
        self.start + (self.end - self.start) / 2
    }
}

/// A day's punches read as punch-in, punch-out and the gaps between (see the module docs).
#[derive(Debug, Default)]
struct DayPunches {
    punch_in: Option<Time>,
    punch_out: Option<Time>,
    gaps: Vec<(Time, Time)>,
}

fn read_punches(input: &MonthInput, date: Date, window: Window) -> DayPunches {
    let mut times: Vec<Time> = input
        .punches
        .iter()
        .filter(|punch| punch.date() == date)
        .map(|punch| punch.time())
        .collect();
    times.sort_unstable();
    match times.as_slice() {
        [] => DayPunches::default(),
        [only] if *only < window.midpoint() => DayPunches {
            punch_in: Some(*only),
            ..DayPunches::default()
        },
        [only] => DayPunches {
            punch_out: Some(*only),
            ..DayPunches::default()
        },
        [first, middle @ .., last] => DayPunches {
            punch_in: Some(*first),
            punch_out: Some(*last),
            gaps: middle
                .chunks_exact(2)
                .map(|pair| (pair[0], pair[1]))
                .collect(),
        },
    }
}

/// ATT-1: whole minutes from `from` to `to`, seconds dropped; 0 when `to` is not later.
fn whole_minutes_between(from: Time, to: Time) -> i64 {
    (to - from).whole_minutes().max(0)
}

/// ATT-1: the minutes of an off-post gap that fall in the expected window, minus the minutes
/// of the lunch and rest breaks (CAL-3) inside it.
fn off_post_minutes(shift: &Shift, window: Window, out: Time, back: Time) -> i64 {
    let from = out.max(window.start);
    let to = back.min(window.end);
    if to <= from {
        return 0;
    }
    whole_minutes_between(from, to) - shift.break_minutes_within(from, to)
}

/// ATT-1: an event when its minutes exceed the on-time grace.
fn banded_event(
    policy: &AttendancePolicy,
    kind: EventKind,
    minutes: i64,
    excused: bool,
) -> Option<DayEvent> {
    let band = classify_minutes(policy, minutes);
    (band != Band::OnTime).then_some(DayEvent {
        kind,
        minutes,
        band,
        excused,
    })
}

/// ATT-5: a missing punch-in makes the whole unleft part of the day absent; a punch-in without
/// punch-out half a day.
fn missing_punch_absence(punches: &DayPunches, unleft: HalfDays) -> HalfDays {
    match (punches.punch_in, punches.punch_out) {
        (None, _) => unleft,
        (Some(_), None) => HALF_DAY,
        (Some(_), Some(_)) => HalfDays::ZERO,
    }
}

/// The headline: the most severe of absence, then the first late-band event, then an excused
/// lateness.
fn headline(absence: HalfDays, events: &[DayEvent]) -> DayStatus {
    if absence >= FULL_DAY {
        DayStatus::FullDayAbsence
    } else if absence > HalfDays::ZERO {
        DayStatus::HalfDayAbsence
    } else if let Some(event) = events.iter().find(|event| event.is_occurrence()) {
        event.kind.into()
    } else if events.iter().any(|event| event.excused) {
        DayStatus::Excused
    } else {
        DayStatus::OnTime
    }
}

/// A scheduled, employed, evaluated day: leave, punches, events and absence.
fn evaluate_scheduled_day(input: &MonthInput, excuse: Excuse, day: DayResult) -> DayResult {
    let policy = input.policy;
    let cover = HalfCover::of(input.leave, day.date);
    let mut rules = day.rules;
    for leave in cover.halves() {
        note(&mut rules, leave.rule());
    }
    let leave = cover.day_leave();
    let unleft = cover.unleft();
    if unleft == HalfDays::ZERO {
        return DayResult {
            status: DayStatus::Leave,
            leave,
            rules,
            ..day
        };
    }

    let window = Window::expected(&input.shift, &cover);
    let punches = read_punches(input, day.date, window);
    let late_minutes = punches
        .punch_in
        .map(|punch_in| whole_minutes_between(window.start, punch_in));
    let early_minutes = punches
        .punch_out
        .map(|punch_out| whole_minutes_between(punch_out, window.end));
    let excused = excuse == Excuse::Honoured;
    let late = late_minutes.and_then(|m| banded_event(policy, EventKind::Late, m, excused));
    let off_post = punches.gaps.iter().filter_map(|&(out, back)| {
        let minutes = off_post_minutes(&input.shift, window, out, back);
        banded_event(policy, EventKind::OffPost, minutes, false)
    });
    let early = early_minutes.and_then(|m| banded_event(policy, EventKind::Early, m, false));
    let events: Vec<DayEvent> = late.into_iter().chain(off_post).chain(early).collect();

    let missing = missing_punch_absence(&punches, unleft);
    let banded: HalfDays = events
        .iter()
        .filter(|event| !event.excused)
        .map(|event| event.band.absence())
        .sum();
    let absence = (missing + banded).min(unleft);

    if late_minutes.is_some() || early_minutes.is_some() {
        note(&mut rules, "ATT-1");
    }
    if events.iter().any(DayEvent::is_occurrence) {
        note(&mut rules, "ATT-2");
    }
    if excuse == Excuse::OverLimit || events.iter().any(|event| event.excused) {
        note(&mut rules, "ATT-4");
    }
    if missing > HalfDays::ZERO {
        note(&mut rules, "ATT-5");
    }

    DayResult {
        status: headline(absence, &events),
        punch_in: punches.punch_in,
        punch_out: punches.punch_out,
        late_minutes,
        early_minutes,
        events,
        absence,
        leave,
        rules,
        ..day
    }
}

/// ATT-2, ATT-3: the month's late-band events in time order, numbered from 1, with their fines
/// and the absence each adds.
fn number_occurrences(policy: &AttendancePolicy, days: &[DayResult]) -> Vec<Occurrence> {
    days.iter()
        .flat_map(|day| {
            day.events
                .iter()
                .filter(|event| event.is_occurrence())
                .map(move |event| (day.date, event))
        })
        .zip(1u32..)
        .map(|((date, event), number)| {
            let counts_as_absence = accumulated_absence(policy, number)
                .saturating_sub(accumulated_absence(policy, number - 1));
            let mut rules = vec!["ATT-1", "ATT-2"];
            if counts_as_absence > HalfDays::ZERO {
                rules.push("ATT-3");
            }
            Occurrence {
                number,
                date,
                kind: event.kind,
                minutes: event.minutes,
                fine: lateness_fine(policy, number),
                counts_as_absence,
                rules,
            }
        })
        .collect()
}

/// ATT-6: the days' absence plus ATT-3's, capped at the month's scheduled days.
fn absence_totals(
    days: &[DayResult],
    occurrences: &[Occurrence],
    scheduled_days: u32,
) -> AbsenceTotals {
    let from_days = days.iter().map(|day| day.absence).sum();
    let from_occurrences = occurrences
        .iter()
        .map(|occurrence| occurrence.counts_as_absence)
        .sum();
    let cap = HalfDays(scheduled_days.saturating_mul(FULL_DAY.half_days()));
    AbsenceTotals {
        from_days,
        from_occurrences,
        total: (from_days + from_occurrences).min(cap),
    }
}

fn leave_totals(days: &[DayResult]) -> LeaveTotals {
    let mut totals = LeaveTotals::default();
    for entry in days.iter().flat_map(|day| &day.leave) {
        let total = match entry.counts_as {
            LeaveCounting::Personal => &mut totals.personal,
            LeaveCounting::SickCertified => &mut totals.sick_certified,
            LeaveCounting::PaidOther => &mut totals.paid_other,
        };
        *total += entry.half_days;
    }
    totals
}

/// ATT-7: why the month is not full attendance (empty when it is). A month with scheduled
/// days outside employment or not yet evaluated cannot earn it.
fn full_attendance_breaks(
    days: &[DayResult],
    occurrences: &[Occurrence],
    absence: &AbsenceTotals,
    leave: &LeaveTotals,
) -> Vec<AttendanceReason> {
    let scheduled_with =
        |status| count_u32(days.iter().filter(|d| d.scheduled && d.status == status));
    let mut breaks = Vec::new();
    let not_employed = scheduled_with(DayStatus::NotEmployed);
    if not_employed > 0 {
        breaks.push(AttendanceReason::new(
            "ATT-7",
            format!("{not_employed} scheduled days outside employment: a partial month"),
        ));
    }
    let pending = scheduled_with(DayStatus::Pending);
    if pending > 0 {
        breaks.push(AttendanceReason::new(
            "ATT-7",
            format!("{pending} scheduled days not yet evaluated"),
        ));
    }
    if !occurrences.is_empty() {
        breaks.push(AttendanceReason::new(
            "ATT-7",
            format!("{} late, early or off-post occurrences", occurrences.len()),
        ));
    }
    if absence.total > HalfDays::ZERO {
        breaks.push(AttendanceReason::new(
            "ATT-7",
            format!("{} days of absence", absence.total),
        ));
    }
    if leave.personal > HalfDays::ZERO {
        breaks.push(AttendanceReason::new(
            "ATT-7",
            format!(
                "{} days of personal leave (sick leave without a certificate included)",
                leave.personal
            ),
        ));
    }
    if leave.paid_other > HalfDays::ZERO {
        breaks.push(AttendanceReason::new(
            "ATT-7",
            format!(
                "{} days of marriage, maternity, paternity or bereavement leave",
                leave.paid_other
            ),
        ));
    }
    breaks
}

/// Local dates on the wire as `YYYY-MM-DD`, like the API's dates.
fn serialize_date<S: Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&format_args!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    ))
}

/// Local times of day on the wire as `HH:MM:SS`.
fn serialize_optional_time<S: Serializer>(
    time: &Option<Time>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match time {
        Some(time) => serializer.collect_str(&format_args!(
            "{:02}:{:02}:{:02}",
            time.hour(),
            time.minute(),
            time.second()
        )),
        None => serializer.serialize_none(),
    }
}

/// A month of punches and leave on the official 2026 calendar, for the tests of the rules
/// that read an evaluated month (ATT, PAY).
#[cfg(test)]
pub(crate) mod month_fixture {
    use time::macros::{date, time};

    use super::*;
    use crate::calendar::official_2026;
    use crate::roster::scheduled_days;

    pub(crate) const IN: Time = time!(08:58);
    pub(crate) const OUT: Time = time!(17:31);

    /// An employee's month, owning what `MonthInput` borrows.
    pub(crate) struct Fixture {
        pub(crate) policy: AttendancePolicy,
        pub(crate) calendar: BusinessCalendar,
        pub(crate) roster: Roster,
        pub(crate) year: i32,
        pub(crate) month: Month,
        pub(crate) employed_from: Date,
        pub(crate) employed_until: Option<Date>,
        pub(crate) evaluated_through: Date,
        pub(crate) punches: Vec<PrimitiveDateTime>,
        pub(crate) leave: Vec<ApprovedLeave>,
        pub(crate) excused_dates: Vec<Date>,
    }

    impl Fixture {
        /// A clean month on the official 2026 calendar: every scheduled day punched in at
        /// 08:58 and out at 17:31, employed and evaluated throughout.
        pub(crate) fn clean(month: Month, roster: Roster) -> Fixture {
            let calendar = official_2026();
            let first = Date::from_calendar_date(2026, month, 1).unwrap();
            let last = Date::from_calendar_date(2026, month, month.length(2026)).unwrap();
            let punches = scheduled_days(&calendar, roster, first, last)
                .into_iter()
                .flat_map(|date| [date.with_time(IN), date.with_time(OUT)])
                .collect();
            Fixture {
                policy: AttendancePolicy::default(),
                calendar,
                roster,
                year: 2026,
                month,
                employed_from: date!(2020 - 01 - 01),
                employed_until: None,
                evaluated_through: last,
                punches,
                leave: Vec::new(),
                excused_dates: Vec::new(),
            }
        }

        pub(crate) fn february() -> Fixture {
            Fixture::clean(Month::February, Roster::default())
        }

        /// Replaces the punches of `date`.
        pub(crate) fn punch(&mut self, date: Date, times: &[Time]) {
            self.punches.retain(|punch| punch.date() != date);
            self.punches
                .extend(times.iter().map(|&time| date.with_time(time)));
        }

        pub(crate) fn arrive(&mut self, date: Date, at: Time) {
            self.punch(date, &[at, OUT]);
        }

        pub(crate) fn leave_early(&mut self, date: Date, at: Time) {
            self.punch(date, &[IN, at]);
        }

        pub(crate) fn take_leave(&mut self, leave: ApprovedLeave) {
            self.leave.push(leave);
        }

        pub(crate) fn evaluate(&self) -> MonthResult {
            evaluate_month(&MonthInput {
                policy: &self.policy,
                calendar: &self.calendar,
                shift: Shift::default(),
                roster: self.roster,
                year: self.year,
                month: self.month,
                employed_from: self.employed_from,
                employed_until: self.employed_until,
                evaluated_through: self.evaluated_through,
                punches: &self.punches,
                leave: &self.leave,
                excused_dates: &self.excused_dates,
            })
        }
    }

    pub(crate) fn day(result: &MonthResult, date: Date) -> &DayResult {
        result.days.iter().find(|day| day.date == date).unwrap()
    }

    pub(crate) fn leave(
        id: &str,
        leave_type: LeaveType,
        (first_day, first_half): (Date, Half),
        (last_day, last_half): (Date, Half),
    ) -> ApprovedLeave {
        ApprovedLeave {
            id: id.into(),
            leave_type,
            first_day,
            first_half,
            last_day,
            last_half,
            certified: false,
        }
    }

    pub(crate) fn personal(first: (Date, Half), last: (Date, Half)) -> ApprovedLeave {
        leave("personal", LeaveType::Personal, first, last)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::Weekday;
    use time::macros::{date, datetime, time};

    use super::*;
    use crate::calendar::official_2026;
    use crate::roster::scheduled_days;

    use super::month_fixture::*;

    #[test]
    fn att_4_exception_causes_are_stored_as_their_wire_names() {
        use crate::text_enum::{assert_round_trips, assert_serde_names_match};
        assert_round_trips(&ExceptionCause::ALL, ExceptionCause::as_str);
        assert_serde_names_match(&ExceptionCause::ALL, ExceptionCause::as_str);
    }

    fn yuan(text: &str) -> Money {
        text.parse().unwrap()
    }

    fn fines(result: &MonthResult) -> Vec<Money> {
        result.occurrences.iter().map(|o| o.fine).collect()
    }

    /// The first `count` scheduled days of February 2026 on the default roster.
    fn february_days(count: usize) -> Vec<Date> {
        let calendar = official_2026();
        let mut days = scheduled_days(
            &calendar,
            Roster::default(),
            date!(2026 - 02 - 01),
            date!(2026 - 02 - 28),
        );
        days.truncate(count);
        days
    }

    #[test]
    fn att_1_six_minutes_late_is_late_but_five_is_on_time() {
        let policy = AttendancePolicy::default();
        assert_eq!(classify_minutes(&policy, 5), Band::OnTime);
        assert_eq!(classify_minutes(&policy, 6), Band::Late);

        let mut month = Fixture::february();
        // 09:05:59 is 5 whole minutes late: the seconds are dropped.
        month.arrive(date!(2026 - 02 - 02), time!(09:05:59));
        month.arrive(date!(2026 - 02 - 03), time!(09:06:00));
        let result = month.evaluate();
        let on_time = day(&result, date!(2026 - 02 - 02));
        assert_eq!(on_time.status, DayStatus::OnTime);
        assert_eq!(on_time.late_minutes, Some(5));
        assert!(on_time.events.is_empty());
        let late = day(&result, date!(2026 - 02 - 03));
        assert_eq!(late.status, DayStatus::Late);
        assert_eq!(late.late_minutes, Some(6));
        assert_eq!(late.rules, ["CAL-3", "ATT-1", "ATT-2"]);
        assert_eq!(result.occurrences.len(), 1);
        assert_eq!(result.occurrences[0].date, date!(2026 - 02 - 03));
    }

    #[test]
    fn att_1_thirty_minutes_is_late_and_thirty_one_a_half_day_absence() {
        let policy = AttendancePolicy::default();
        assert_eq!(classify_minutes(&policy, 30), Band::Late);
        assert_eq!(classify_minutes(&policy, 31), Band::HalfDayAbsence);

        let mut month = Fixture::february();
        month.arrive(date!(2026 - 02 - 02), time!(09:30:59));
        month.arrive(date!(2026 - 02 - 03), time!(09:31));
        let result = month.evaluate();
        assert_eq!(day(&result, date!(2026 - 02 - 02)).status, DayStatus::Late);
        let half = day(&result, date!(2026 - 02 - 03));
        assert_eq!(half.status, DayStatus::HalfDayAbsence);
        assert_eq!(half.absence, HalfDays(1));
        assert_eq!(result.occurrences.len(), 1);
        assert_eq!(result.absence.total, HalfDays(1));
    }

    #[test]
    fn att_1_240_minutes_is_a_half_day_absence_and_241_a_full_day() {
        let policy = AttendancePolicy::default();
        assert_eq!(classify_minutes(&policy, 240), Band::HalfDayAbsence);
        assert_eq!(classify_minutes(&policy, 241), Band::FullDayAbsence);

        let mut month = Fixture::february();
        // The seed: "by 13:00" is a half day.
        month.arrive(date!(2026 - 02 - 02), time!(13:00:59));
        month.arrive(date!(2026 - 02 - 03), time!(13:01));
        let result = month.evaluate();
        let half = day(&result, date!(2026 - 02 - 02));
        assert_eq!(
            (half.status, half.absence),
            (DayStatus::HalfDayAbsence, HalfDays(1))
        );
        let full = day(&result, date!(2026 - 02 - 03));
        assert_eq!(
            (full.status, full.absence),
            (DayStatus::FullDayAbsence, HalfDays::days(1))
        );
        assert_eq!(result.absence.from_days, HalfDays(3));
    }

    #[test]
    fn att_1_leaving_early_is_banded_against_the_shift_end() {
        let mut month = Fixture::february();
        let cases = [
            (date!(2026 - 02 - 02), time!(17:24:01), 5, DayStatus::OnTime),
            (date!(2026 - 02 - 03), time!(17:24), 6, DayStatus::Early),
            (date!(2026 - 02 - 04), time!(17:00), 30, DayStatus::Early),
            (
                date!(2026 - 02 - 05),
                time!(16:59),
                31,
                DayStatus::HalfDayAbsence,
            ),
            (
                date!(2026 - 02 - 06),
                time!(13:30),
                240,
                DayStatus::HalfDayAbsence,
            ),
            (
                date!(2026 - 02 - 07),
                time!(13:29),
                241,
                DayStatus::FullDayAbsence,
            ),
        ];
        for (date, at, _, _) in cases {
            month.leave_early(date, at);
        }
        let result = month.evaluate();
        for (date, _, minutes, status) in cases {
            let day = day(&result, date);
            assert_eq!(day.early_minutes, Some(minutes), "{date}");
            assert_eq!(day.status, status, "{date}");
        }
        let kinds: Vec<EventKind> = result.occurrences.iter().map(|o| o.kind).collect();
        assert_eq!(kinds, [EventKind::Early, EventKind::Early]);
    }

    #[test]
    fn att_2_fines_for_occurrences_one_to_seven() {
        let policy = AttendancePolicy::default();
        let ladder: Vec<Money> = (1..=7).map(|n| lateness_fine(&policy, n)).collect();
        let expected = [
            "0.00", "10.00", "20.00", "40.00", "80.00", "100.00", "100.00",
        ];
        assert_eq!(ladder, expected.map(yuan));
        assert_eq!(lateness_fine(&policy, 0), Money::ZERO);
        assert_eq!(lateness_fine(&policy, u32::MAX), yuan("100.00"));
    }

    #[test]
    fn att_2_month_fines_at_the_2nd_3rd_4th_6th_and_7th_occurrence() {
        for (lates, total) in [
            (1, "0.00"),
            (2, "10.00"),
            (3, "30.00"),
            (4, "70.00"),
            (5, "150.00"),
            (6, "250.00"),
            (7, "350.00"),
        ] {
            let mut month = Fixture::february();
            for date in february_days(lates) {
                month.arrive(date, time!(09:10));
            }
            let result = month.evaluate();
            assert_eq!(result.fines_total, yuan(total), "{lates} occurrences");
            let numbers: Vec<u32> = result.occurrences.iter().map(|o| o.number).collect();
            assert_eq!(numbers, (1..=lates as u32).collect::<Vec<_>>());
        }
    }

    #[test]
    fn att_2_occurrences_are_numbered_in_time_order_across_kinds() {
        let mut month = Fixture::february();
        // One day late, away and early: three occurrences in the order they happened.
        month.punch(
            date!(2026 - 02 - 03),
            &[time!(17:20), time!(09:10), time!(10:00), time!(10:15)],
        );
        month.arrive(date!(2026 - 02 - 02), time!(09:20));
        let result = month.evaluate();
        let listed: Vec<(Date, EventKind, i64)> = result
            .occurrences
            .iter()
            .map(|o| (o.date, o.kind, o.minutes))
            .collect();
        assert_eq!(
            listed,
            [
                (date!(2026 - 02 - 02), EventKind::Late, 20),
                (date!(2026 - 02 - 03), EventKind::Late, 10),
                (date!(2026 - 02 - 03), EventKind::OffPost, 15),
                (date!(2026 - 02 - 03), EventKind::Early, 10),
            ]
        );
        assert_eq!(
            fines(&result),
            ["0.00", "10.00", "20.00", "40.00"].map(yuan)
        );
        // The day shows the first occurrence as its headline and lists all three.
        let busy = day(&result, date!(2026 - 02 - 03));
        assert_eq!(busy.status, DayStatus::Late);
        assert_eq!(busy.events.len(), 3);
    }

    #[test]
    fn att_3_accumulated_absence_is_0_0_1_2_days() {
        let policy = AttendancePolicy::default();
        let days: Vec<HalfDays> = (1..=4).map(|n| accumulated_absence(&policy, n)).collect();
        assert_eq!(
            days,
            [
                HalfDays::ZERO,
                HalfDays::ZERO,
                HalfDays::days(1),
                HalfDays::days(2)
            ]
        );
        assert_eq!(accumulated_absence(&policy, 0), HalfDays::ZERO);
    }

    #[test]
    fn att_3_the_third_occurrence_adds_a_day_of_absence_and_its_fine_still_applies() {
        let mut month = Fixture::february();
        for date in february_days(4) {
            month.arrive(date, time!(09:10));
        }
        let result = month.evaluate();
        let per_occurrence: Vec<HalfDays> = result
            .occurrences
            .iter()
            .map(|o| o.counts_as_absence)
            .collect();
        assert_eq!(
            per_occurrence,
            [
                HalfDays::ZERO,
                HalfDays::ZERO,
                HalfDays::days(1),
                HalfDays::days(1)
            ]
        );
        assert_eq!(result.occurrences[2].rules, ["ATT-1", "ATT-2", "ATT-3"]);
        assert_eq!(result.occurrences[2].fine, yuan("20.00"));
        assert_eq!(
            result.absence,
            AbsenceTotals {
                from_days: HalfDays::ZERO,
                from_occurrences: HalfDays::days(2),
                total: HalfDays::days(2),
            }
        );
        assert!(result.base_salary_only);
        assert_eq!(result.deduction_days, HalfDays::days(6));
    }

    #[test]
    fn att_4_an_excused_lateness_counts_nowhere_and_only_one_per_month_is_honoured() {
        let mut month = Fixture::february();
        // 45 minutes would be a half-day absence; the form for 3 February excuses it.
        month.arrive(date!(2026 - 02 - 03), time!(09:45));
        month.arrive(date!(2026 - 02 - 05), time!(09:10));
        month.excused_dates = vec![date!(2026 - 02 - 05), date!(2026 - 02 - 03)];
        let result = month.evaluate();

        let excused = day(&result, date!(2026 - 02 - 03));
        assert_eq!(excused.status, DayStatus::Excused);
        assert_eq!(excused.absence, HalfDays::ZERO);
        assert!(excused.events[0].excused);
        assert!(excused.rules.contains(&"ATT-4"));

        let refused = day(&result, date!(2026 - 02 - 05));
        assert_eq!(refused.status, DayStatus::Late);
        assert!(refused.rules.contains(&"ATT-4"));
        assert_eq!(result.occurrences.len(), 1);
        assert_eq!(result.occurrences[0].date, date!(2026 - 02 - 05));
        assert_eq!(result.absence.total, HalfDays::ZERO);

        let att_4: Vec<&str> = result
            .reasons
            .iter()
            .filter(|r| r.rule == "ATT-4")
            .map(|r| r.detail.as_str())
            .collect();
        assert_eq!(att_4.len(), 2);
        assert!(att_4[0].contains("2026-02-03 honoured"));
        assert!(att_4[1].contains("2026-02-05 not honoured"));
    }

    #[test]
    fn att_4_an_excused_lateness_keeps_full_attendance() {
        let mut month = Fixture::february();
        month.arrive(date!(2026 - 02 - 03), time!(09:10));
        month.excused_dates = vec![date!(2026 - 02 - 03)];
        let result = month.evaluate();
        assert!(
            result.full_attendance,
            "{:?}",
            result.full_attendance_breaks
        );
        assert!(result.occurrences.is_empty());
    }

    #[test]
    fn att_5_a_punch_in_without_punch_out_is_a_half_day_absence() {
        let mut month = Fixture::february();
        month.punch(date!(2026 - 02 - 02), &[time!(08:55)]);
        let result = month.evaluate();
        let day = day(&result, date!(2026 - 02 - 02));
        assert_eq!(day.status, DayStatus::HalfDayAbsence);
        assert_eq!((day.punch_in, day.punch_out), (Some(time!(08:55)), None));
        assert_eq!(day.absence, HalfDays(1));
        assert!(day.rules.contains(&"ATT-5"));
    }

    #[test]
    fn att_5_no_punch_in_is_a_full_day_absence() {
        let mut month = Fixture::february();
        month.punch(date!(2026 - 02 - 02), &[]);
        // A lone punch after the shift's midpoint (13:15) is a punch-out: no punch-in.
        month.punch(date!(2026 - 02 - 03), &[time!(17:35)]);
        let result = month.evaluate();
        for date in [date!(2026 - 02 - 02), date!(2026 - 02 - 03)] {
            let day = day(&result, date);
            assert_eq!(day.status, DayStatus::FullDayAbsence, "{date}");
            assert_eq!(day.absence, HalfDays::days(1));
            assert_eq!(day.punch_in, None);
        }
        assert_eq!(
            day(&result, date!(2026 - 02 - 03)).punch_out,
            Some(time!(17:35))
        );
        assert_eq!(result.absence.total, HalfDays::days(2));
    }

    #[test]
    fn att_1_a_day_is_never_more_than_one_day_absent() {
        let mut month = Fixture::february();
        // 45 minutes late (half day), away 10:00–14:00 (150 minutes net of the breaks: half
        // a day) and 30 minutes early (late band): one day, not one and a half.
        month.punch(
            date!(2026 - 02 - 02),
            &[time!(09:45), time!(10:00), time!(14:00), time!(17:00)],
        );
        let result = month.evaluate();
        assert_eq!(
            day(&result, date!(2026 - 02 - 02)).absence,
            HalfDays::days(1)
        );
    }

    #[test]
    fn att_6_absence_never_exceeds_the_scheduled_days() {
        let mut month = Fixture::february();
        // Late and early every scheduled day: 34 occurrences would add 32 days (ATT-3).
        for date in february_days(17) {
            month.punch(date, &[time!(09:10), time!(17:20)]);
        }
        let result = month.evaluate();
        assert_eq!(result.occurrences.len(), 34);
        assert_eq!(result.absence.from_occurrences, HalfDays::days(32));
        assert_eq!(result.absence.total, HalfDays::days(17));
        assert!(
            result
                .reasons
                .iter()
                .any(|r| r.rule == "ATT-6" && r.detail.contains("capped at the month's 17"))
        );
        // 0 + 10 + 20 + 40 + 80 + 29 × 100.00
        assert_eq!(result.fines_total, yuan("3050.00"));
    }

    #[test]
    fn cal_3_a_make_up_saturday_is_worked_even_on_a_saturday_rest_roster() {
        let saturday_off = Roster {
            rest_day: Weekday::Saturday,
        };
        let mut month = Fixture::clean(Month::February, saturday_off);
        // 2026-02-28 is an official make-up working day (Spring Festival): no punch is absence.
        month.punch(date!(2026 - 02 - 28), &[]);
        let result = month.evaluate();
        let make_up = day(&result, date!(2026 - 02 - 28));
        assert!(make_up.scheduled);
        assert_eq!(make_up.status, DayStatus::FullDayAbsence);
        assert_eq!(make_up.rules, ["CAL-1", "CAL-3", "ATT-5"]);
        assert_eq!(
            day(&result, date!(2026 - 02 - 14)).status,
            DayStatus::OnTime
        );
        assert_eq!(day(&result, date!(2026 - 02 - 07)).status, DayStatus::Rest);
        assert_eq!(
            day(&result, date!(2026 - 02 - 08)).status,
            DayStatus::OnTime
        );
        for holiday in 15..=23 {
            let date = date!(2026 - 02 - 01).replace_day(holiday).unwrap();
            assert_eq!(day(&result, date).status, DayStatus::Holiday, "{date}");
        }
        // 28 days − 9 holidays − Saturday 7 February.
        assert_eq!(result.scheduled_days, 18);
        assert!(!result.calendar_provisional);
    }

    #[test]
    fn cal_3_the_make_up_sunday_20_september_and_labour_day() {
        let mut september = Fixture::clean(Month::September, Roster::default());
        assert!(
            september
                .punches
                .iter()
                .any(|p| p.date() == date!(2026 - 09 - 20))
        );
        september.punch(date!(2026 - 09 - 20), &[]);
        let result = september.evaluate();
        let sunday = day(&result, date!(2026 - 09 - 20));
        assert!(sunday.scheduled);
        assert_eq!(sunday.status, DayStatus::FullDayAbsence);
        assert_eq!(day(&result, date!(2026 - 09 - 13)).status, DayStatus::Rest);

        let may = Fixture::clean(Month::May, Roster::default()).evaluate();
        for holiday in 1..=5 {
            let date = date!(2026 - 05 - 01).replace_day(holiday).unwrap();
            let day = day(&may, date);
            assert_eq!(day.status, DayStatus::Holiday, "{date}");
            assert_eq!(day.rules, ["CAL-1", "CAL-3"]);
        }
        assert!(may.full_attendance);
    }

    #[test]
    fn leave_a_morning_leave_moves_the_expected_start_and_an_afternoon_leave_the_end() {
        let mut month = Fixture::february();
        for date in [date!(2026 - 02 - 03), date!(2026 - 02 - 04)] {
            month.take_leave(personal((date, Half::Am), (date, Half::Am)));
        }
        month.arrive(date!(2026 - 02 - 03), time!(13:35:59));
        month.arrive(date!(2026 - 02 - 04), time!(13:36));
        for date in [date!(2026 - 02 - 05), date!(2026 - 02 - 06)] {
            month.take_leave(personal((date, Half::Pm), (date, Half::Pm)));
        }
        month.leave_early(date!(2026 - 02 - 05), time!(11:55));
        month.leave_early(date!(2026 - 02 - 06), time!(11:54));
        let result = month.evaluate();

        let on_time = day(&result, date!(2026 - 02 - 03));
        assert_eq!(
            (on_time.status, on_time.late_minutes),
            (DayStatus::OnTime, Some(5))
        );
        assert_eq!(on_time.leave[0].half_days, HalfDays(1));
        let late = day(&result, date!(2026 - 02 - 04));
        assert_eq!((late.status, late.late_minutes), (DayStatus::Late, Some(6)));
        let stays = day(&result, date!(2026 - 02 - 05));
        assert_eq!(
            (stays.status, stays.early_minutes),
            (DayStatus::OnTime, Some(5))
        );
        let early = day(&result, date!(2026 - 02 - 06));
        assert_eq!(
            (early.status, early.early_minutes),
            (DayStatus::Early, Some(6))
        );
        assert_eq!(result.leave.personal, HalfDays::days(2));
    }

    #[test]
    fn att_5_a_half_day_leave_without_punches_is_a_half_day_absence() {
        let mut month = Fixture::february();
        let date = date!(2026 - 02 - 03);
        month.take_leave(personal((date, Half::Am), (date, Half::Am)));
        month.punch(date, &[]);
        let result = month.evaluate();
        let day = day(&result, date);
        assert_eq!(day.status, DayStatus::HalfDayAbsence);
        assert_eq!(day.absence, HalfDays(1));
        assert_eq!(result.absence.total, HalfDays(1));
        assert_eq!(result.leave.personal, HalfDays(1));
    }

    #[test]
    fn leave_a_full_day_leave_needs_no_punches_and_skips_rest_days() {
        let mut month = Fixture::february();
        // Friday afternoon to Monday noon: Friday PM, Saturday, Sunday (rest), Monday AM.
        month.take_leave(personal(
            (date!(2026 - 02 - 06), Half::Pm),
            (date!(2026 - 02 - 09), Half::Am),
        ));
        month.punch(date!(2026 - 02 - 07), &[]);
        month.punch(date!(2026 - 02 - 09), &[time!(13:25), OUT]);
        let result = month.evaluate();
        let saturday = day(&result, date!(2026 - 02 - 07));
        assert_eq!(saturday.status, DayStatus::Leave);
        assert_eq!(saturday.absence, HalfDays::ZERO);
        assert_eq!(
            saturday.leave,
            [DayLeave {
                id: "personal".into(),
                leave_type: LeaveType::Personal,
                counts_as: LeaveCounting::Personal,
                half_days: HalfDays::days(1),
            }]
        );
        assert!(saturday.rules.contains(&"LEAVE-3"));
        assert_eq!(day(&result, date!(2026 - 02 - 08)).status, DayStatus::Rest);
        assert_eq!(
            day(&result, date!(2026 - 02 - 09)).status,
            DayStatus::OnTime
        );
        assert_eq!(result.leave.personal, HalfDays::days(2));
        assert_eq!(result.absence.total, HalfDays::ZERO);
    }

    #[test]
    fn leave_a_morning_and_an_afternoon_leave_on_one_day_are_both_listed() {
        let mut month = Fixture::february();
        let date = date!(2026 - 02 - 03);
        month.take_leave(personal((date, Half::Am), (date, Half::Am)));
        let mut sick = leave("sick", LeaveType::Sick, (date, Half::Pm), (date, Half::Pm));
        sick.certified = true;
        month.take_leave(sick);
        month.punch(date, &[]);
        let result = month.evaluate();
        let day = day(&result, date);
        assert_eq!(day.status, DayStatus::Leave);
        let counted: Vec<(LeaveCounting, HalfDays)> = day
            .leave
            .iter()
            .map(|l| (l.counts_as, l.half_days))
            .collect();
        assert_eq!(
            counted,
            [
                (LeaveCounting::Personal, HalfDays(1)),
                (LeaveCounting::SickCertified, HalfDays(1))
            ]
        );
        assert_eq!(result.leave.personal, HalfDays(1));
        assert_eq!(result.leave.sick_certified, HalfDays(1));
    }

    #[test]
    fn february_2026_totals() {
        let mut month = Fixture::february();
        month.arrive(date!(2026 - 02 - 02), time!(09:10)); // occurrence 1
        month.leave_early(date!(2026 - 02 - 03), time!(17:20)); // occurrence 2
        month.punch(
            date!(2026 - 02 - 04),
            &[IN, time!(10:00), time!(10:20), OUT],
        ); // occurrence 3: off post 20 minutes, one day of absence
        month.punch(date!(2026 - 02 - 05), &[]); // full day
        month.punch(date!(2026 - 02 - 06), &[IN]); // half day
        month.take_leave(personal(
            (date!(2026 - 02 - 09), Half::Am),
            (date!(2026 - 02 - 10), Half::Pm),
        ));
        let mut sick = leave(
            "sick",
            LeaveType::Sick,
            (date!(2026 - 02 - 11), Half::Am),
            (date!(2026 - 02 - 11), Half::Am),
        );
        sick.certified = true;
        month.take_leave(sick);
        month.arrive(date!(2026 - 02 - 11), time!(13:28));
        month.arrive(date!(2026 - 02 - 12), time!(09:45)); // half day
        let result = month.evaluate();

        assert_eq!(result.days.len(), 28);
        assert_eq!(result.scheduled_days, 17);
        assert!(!result.calendar_provisional);
        let statuses: Vec<DayStatus> = (2..=12)
            .map(|d| day(&result, date!(2026 - 02 - 01).replace_day(d).unwrap()).status)
            .collect();
        use DayStatus::*;
        assert_eq!(
            statuses,
            [
                Late,
                Early,
                OffPost,
                FullDayAbsence,
                HalfDayAbsence,
                OnTime,
                Rest,
                Leave,
                Leave,
                OnTime,
                HalfDayAbsence
            ]
        );
        assert_eq!(fines(&result), ["0.00", "10.00", "20.00"].map(yuan));
        assert_eq!(result.fines_total, yuan("30.00"));
        assert_eq!(
            result.absence,
            AbsenceTotals {
                from_days: HalfDays::days(2),
                from_occurrences: HalfDays::days(1),
                total: HalfDays::days(3),
            }
        );
        assert_eq!(
            result.leave,
            LeaveTotals {
                personal: HalfDays::days(2),
                sick_certified: HalfDays(1),
                paid_other: HalfDays::ZERO,
            }
        );
        // 3 × (2 days of personal leave + 3 days of absence).
        assert_eq!(result.deduction_days, HalfDays::days(15));
        assert!(!result.performance_bonus_forfeited);
        assert!(result.base_salary_only);
        assert!(!result.full_attendance);
        assert_eq!(result.full_attendance_breaks.len(), 3);
        assert_eq!(
            day_rate_deduction(
                yuan("5100.00"),
                result.scheduled_days,
                result.deduction_days
            ),
            yuan("4500.00")
        );
        let rules: Vec<&str> = result.reasons.iter().map(|r| r.rule).collect();
        assert_eq!(rules, ["ATT-2", "ATT-3", "ATT-6", "LEAVE-3"]);
    }

    #[test]
    fn att_7_a_clean_month_is_full_attendance_and_one_six_minute_lateness_is_not() {
        let clean = Fixture::february().evaluate();
        assert!(clean.full_attendance);
        assert!(clean.full_attendance_breaks.is_empty());
        assert_eq!(clean.reasons.last().map(|r| r.rule), Some("ATT-7"));
        assert_eq!(clean.fines_total, Money::ZERO);

        let mut month = Fixture::february();
        month.arrive(date!(2026 - 02 - 10), time!(09:06));
        let result = month.evaluate();
        assert!(!result.full_attendance);
        assert_eq!(result.full_attendance_breaks[0].rule, "ATT-7");
        // The first occurrence costs nothing (ATT-2) but still breaks full attendance.
        assert_eq!(result.fines_total, Money::ZERO);
    }

    #[test]
    fn att_7_certified_sick_leave_keeps_full_attendance_and_uncertified_does_not() {
        let mut month = Fixture::february();
        let sick_day = (date!(2026 - 02 - 10), Half::Am);
        let sick_end = (date!(2026 - 02 - 10), Half::Pm);
        let mut sick = leave("sick", LeaveType::Sick, sick_day, sick_end);
        sick.certified = true;
        month.take_leave(sick.clone());
        let certified = month.evaluate();
        assert!(certified.full_attendance);
        assert_eq!(certified.leave.sick_certified, HalfDays::days(1));
        assert_eq!(certified.deduction_days, HalfDays::ZERO);
        assert!(day(&certified, sick_day.0).rules.contains(&"LEAVE-5"));

        sick.certified = false;
        month.leave = vec![sick];
        let uncertified = month.evaluate();
        assert!(!uncertified.full_attendance);
        assert_eq!(uncertified.leave.personal, HalfDays::days(1));
        assert_eq!(uncertified.deduction_days, HalfDays::days(3));
        assert!(day(&uncertified, sick_day.0).rules.contains(&"LEAVE-2"));
    }

    #[test]
    fn att_7_other_leave_breaks_full_attendance() {
        let mut month = Fixture::february();
        month.take_leave(leave(
            "marriage",
            LeaveType::Marriage,
            (date!(2026 - 02 - 10), Half::Am),
            (date!(2026 - 02 - 12), Half::Pm),
        ));
        let result = month.evaluate();
        assert_eq!(result.leave.paid_other, HalfDays::days(3));
        assert!(!result.full_attendance);
        assert_eq!(result.deduction_days, HalfDays::ZERO);
    }

    #[test]
    fn att_6_absence_of_one_and_a_half_days_keeps_the_full_salary_and_two_do_not() {
        let mut month = Fixture::february();
        month.punch(date!(2026 - 02 - 02), &[]);
        month.punch(date!(2026 - 02 - 03), &[IN]);
        let one_and_a_half = month.evaluate();
        assert_eq!(one_and_a_half.absence.total, HalfDays(3));
        assert!(!one_and_a_half.base_salary_only);
        assert_eq!(one_and_a_half.deduction_days, HalfDays(9));

        month.punch(date!(2026 - 02 - 03), &[]);
        let two = month.evaluate();
        assert_eq!(two.absence.total, HalfDays::days(2));
        assert!(two.base_salary_only);
        assert_eq!(two.deduction_days, HalfDays::days(6));
    }

    #[test]
    fn leave_3_three_days_of_personal_leave_keep_the_bonus_and_three_and_a_half_forfeit_it() {
        let mut month = Fixture::february();
        month.take_leave(personal(
            (date!(2026 - 02 - 02), Half::Am),
            (date!(2026 - 02 - 04), Half::Pm),
        ));
        let three = month.evaluate();
        assert_eq!(three.leave.personal, HalfDays::days(3));
        assert!(!three.performance_bonus_forfeited);
        assert_eq!(three.deduction_days, HalfDays::days(9));

        month.leave[0].last_day = date!(2026 - 02 - 05);
        month.leave[0].last_half = Half::Am;
        let three_and_a_half = month.evaluate();
        assert_eq!(three_and_a_half.leave.personal, HalfDays(7));
        assert!(three_and_a_half.performance_bonus_forfeited);
        assert_eq!(three_and_a_half.deduction_days, HalfDays(21));
        assert!(
            three_and_a_half
                .reasons
                .iter()
                .any(|r| r.rule == "LEAVE-3" && r.detail.contains("forfeited"))
        );
    }

    #[test]
    fn leave_3_day_rate_deduction_is_exact_and_rounds_half_even_once() {
        assert_eq!(
            day_rate_deduction(yuan("5200.00"), 26, HalfDays::days(3)),
            yuan("600.00")
        );
        // 5000.00 × 1.5 ÷ 26 = 288.4615…
        assert_eq!(
            day_rate_deduction(yuan("5000.00"), 26, HalfDays(3)),
            yuan("288.46")
        );
        // 4000.13 × 13 ÷ 26 = 2000.065 → 2000.06; 4000.15 → 2000.075 → 2000.08.
        assert_eq!(
            day_rate_deduction(yuan("4000.13"), 26, HalfDays::days(13)),
            yuan("2000.06")
        );
        assert_eq!(
            day_rate_deduction(yuan("4000.15"), 26, HalfDays::days(13)),
            yuan("2000.08")
        );
        assert_eq!(
            day_rate_deduction(yuan("5200.00"), 0, HalfDays::days(3)),
            Money::ZERO
        );
    }

    #[test]
    fn att_1_an_off_post_gap_excludes_lunch_and_rest() {
        let mut month = Fixture::february();
        // 11:55–13:40 is 105 minutes, 90 of them lunch and rest: 15 minutes away.
        month.punch(
            date!(2026 - 02 - 02),
            &[IN, time!(11:55), time!(13:40), OUT],
        );
        // Out for exactly the breaks.
        month.punch(
            date!(2026 - 02 - 03),
            &[IN, time!(12:00), time!(13:30), OUT],
        );
        // 14:00–16:00: two hours away is a half-day absence.
        month.punch(
            date!(2026 - 02 - 04),
            &[IN, time!(14:00), time!(16:00), OUT],
        );
        // An odd leftover middle punch is ignored.
        month.punch(date!(2026 - 02 - 05), &[IN, time!(10:00), OUT]);
        let result = month.evaluate();
        let away = day(&result, date!(2026 - 02 - 02));
        assert_eq!(away.status, DayStatus::OffPost);
        assert_eq!(
            away.events,
            [DayEvent {
                kind: EventKind::OffPost,
                minutes: 15,
                band: Band::Late,
                excused: false,
            }]
        );
        assert_eq!(
            day(&result, date!(2026 - 02 - 03)).status,
            DayStatus::OnTime
        );
        assert_eq!(
            day(&result, date!(2026 - 02 - 04)).status,
            DayStatus::HalfDayAbsence
        );
        assert_eq!(
            day(&result, date!(2026 - 02 - 05)).status,
            DayStatus::OnTime
        );
    }

    #[test]
    fn att_7_a_partial_month_is_never_full_attendance() {
        let mut joiner = Fixture::february();
        joiner.employed_from = date!(2026 - 02 - 10);
        let result = joiner.evaluate();
        assert_eq!(
            day(&result, date!(2026 - 02 - 09)).status,
            DayStatus::NotEmployed
        );
        // 10–14 and 24–28 February.
        assert_eq!(result.scheduled_days, 10);
        assert!(!result.full_attendance);
        assert!(
            result.full_attendance_breaks[0]
                .detail
                .contains("outside employment")
        );

        let mut leaver = Fixture::february();
        leaver.employed_until = Some(date!(2026 - 02 - 13));
        assert_eq!(leaver.evaluate().scheduled_days, 11);

        let mut mid_month = Fixture::february();
        mid_month.evaluated_through = date!(2026 - 02 - 25);
        mid_month
            .punches
            .retain(|p| p.date() <= date!(2026 - 02 - 25));
        let result = mid_month.evaluate();
        assert_eq!(
            day(&result, date!(2026 - 02 - 26)).status,
            DayStatus::Pending
        );
        // Pending days count nowhere, but stay in the day-rate divisor.
        assert_eq!(result.absence.total, HalfDays::ZERO);
        assert_eq!(result.scheduled_days, 17);
        assert!(!result.full_attendance);
        assert!(
            result.full_attendance_breaks[0]
                .detail
                .contains("not yet evaluated")
        );
    }

    #[test]
    fn punches_in_any_order_and_of_other_months_are_read_alike() {
        let mut month = Fixture::february();
        month.punches.reverse();
        month.punches.push(datetime!(2026-01-31 09:30));
        month.punches.push(datetime!(2026-03-01 07:00));
        let result = month.evaluate();
        assert!(result.full_attendance);
        assert_eq!(result, Fixture::february().evaluate());
    }

    #[test]
    fn cal_2_a_year_without_schedule_is_provisional() {
        let mut month = Fixture::february();
        month.year = 2027;
        month.punches.clear();
        month.employed_from = date!(2027 - 02 - 01);
        month.evaluated_through = date!(2027 - 01 - 31);
        let result = month.evaluate();
        assert!(result.calendar_provisional);
        assert_eq!(result.reasons[0].rule, "CAL-2");
        assert!(result.days[0].rules.contains(&"CAL-2"));
    }

    #[test]
    fn a_day_serializes_with_local_dates_times_and_snake_case() {
        let mut month = Fixture::february();
        month.arrive(date!(2026 - 02 - 03), time!(09:06));
        let result = month.evaluate();
        let json = serde_json::to_value(day(&result, date!(2026 - 02 - 03))).unwrap();
        assert_eq!(json["date"], "2026-02-03");
        assert_eq!(json["status"], "late");
        assert_eq!(json["punch_in"], "09:06:00");
        assert_eq!(json["punch_out"], "17:31:00");
        assert_eq!(json["events"][0]["kind"], "late");
        assert_eq!(json["events"][0]["band"], "late");
        assert_eq!(json["absence"], 0.0);
        let json = serde_json::to_value(&result).unwrap();
        assert_eq!(json["occurrences"][0]["fine"], "0.00");
        assert_eq!(json["occurrences"][0]["date"], "2026-02-03");
        assert_eq!(json["fines_total"], "0.00");
        assert_eq!(json["days"][0]["punch_in"], serde_json::Value::Null);
    }

    fn february_punch() -> impl Strategy<Value = PrimitiveDateTime> {
        (1u8..=28, 6u8..=21, 0u8..60, 0u8..60).prop_map(|(day, hour, minute, second)| {
            PrimitiveDateTime::new(
                Date::from_calendar_date(2026, Month::February, day).unwrap(),
                Time::from_hms(hour, minute, second).unwrap(),
            )
        })
    }

    proptest! {
        #[test]
        fn att_2_a_fine_never_exceeds_the_cap(n in 0u32..=u32::MAX) {
            let policy = AttendancePolicy::default();
            prop_assert!(lateness_fine(&policy, n) <= policy.fine_cap);
            prop_assert!(lateness_fine(&policy, n) >= Money::ZERO);
        }

        #[test]
        fn att_1_more_minutes_never_give_a_milder_band(a in -60i64..2000, b in -60i64..2000) {
            let policy = AttendancePolicy::default();
            let (fewer, more) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(classify_minutes(&policy, fewer) <= classify_minutes(&policy, more));
        }

        #[test]
        fn att_month_totals_stay_within_their_bounds(
            punches in proptest::collection::vec(february_punch(), 0..120)
        ) {
            let mut month = Fixture::february();
            month.punches = punches;
            let result = month.evaluate();
            let occurrences = i64::try_from(result.occurrences.len()).unwrap();
            prop_assert!(result.fines_total.fen() <= month.policy.fine_cap.fen() * occurrences);
            prop_assert!(result.absence.total <= HalfDays::days(result.scheduled_days));
            prop_assert!(result.days.iter().all(|day| day.absence <= HalfDays::days(1)));
            prop_assert_eq!(result.full_attendance, result.full_attendance_breaks.is_empty());
        }
    }

    #[test]
    fn att_4_exception_forms_are_filed_within_24_hours_and_once_a_month() {
        let policy = AttendancePolicy::default();
        let start = time::macros::datetime!(2026-03-02 09:00 +8);
        assert_eq!(
            exception_may_be_filed(&policy, start, start + Duration::hours(24), 0),
            Ok(())
        );
        assert_eq!(
            exception_may_be_filed(&policy, start, start + Duration::minutes(24 * 60 + 1), 0),
            Err(FilingRefusal::ExceptionTooLate { hours: 24 })
        );
        assert_eq!(
            exception_may_be_filed(&policy, start, start - Duration::minutes(1), 0),
            Err(FilingRefusal::ExceptionInFuture)
        );
        assert_eq!(
            exception_may_be_filed(&policy, start, start + Duration::hours(1), 1),
            Err(FilingRefusal::ExceptionMonthFull {
                allowed: 1,
                filed: 1
            })
        );
    }

    #[test]
    fn att_5_one_make_up_punch_per_employment() {
        let policy = AttendancePolicy::default();
        assert_eq!(make_up_may_be_requested(&policy, 0), Ok(()));
        let refusal = make_up_may_be_requested(&policy, 1).unwrap_err();
        assert_eq!(refusal.rule(), "ATT-5");
    }
}

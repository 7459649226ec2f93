//! LEAVE — leave requests (请休假): durations, entitlements, approval chains, notice and the
//! consequences of personal leave.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time};

use crate::calendar::{BusinessCalendar, OnCalendar, SHANGHAI, clock_hours_deadline};
use crate::person::{EmploymentPolicy, Gender, age_on};
use crate::roster::{Half, HalfDays, Roster, Shift, scheduled_day};
use crate::text_enum::text_enum;

// Dates travel as `YYYY-MM-DD` (DESIGN.md, API conventions).
use crate::iso_date;

text_enum! {
    /// The kinds of leave of the HR document.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum LeaveType {
        /// 事假 (LEAVE-3, LEAVE-4)
        Personal = "personal",
        /// 病假 (LEAVE-5)
        Sick = "sick",
        /// 婚假 (LEAVE-6)
        Marriage = "marriage",
        /// 产假 (LEAVE-7)
        Maternity = "maternity",
        /// 陪护假 (LEAVE-7)
        Paternity = "paternity",
        /// 丧假 (LEAVE-8)
        Bereavement = "bereavement",
    }
}

/// Every leave type, in the order a balance sheet lists them.
const LEAVE_TYPES: [LeaveType; 6] = [
    LeaveType::Personal,
    LeaveType::Sick,
    LeaveType::Marriage,
    LeaveType::Maternity,
    LeaveType::Paternity,
    LeaveType::Bereavement,
];

fn leave_name(leave_type: LeaveType) -> &'static str {
    match leave_type {
        LeaveType::Personal => "personal",
        LeaveType::Sick => "sick",
        LeaveType::Marriage => "marriage",
        LeaveType::Maternity => "maternity",
        LeaveType::Paternity => "paternity",
        LeaveType::Bereavement => "bereavement",
    }
}

/// LEAVE: maternity leave runs in calendar days; every other type in scheduled days.
fn counts_calendar_days(leave_type: LeaveType) -> bool {
    leave_type == LeaveType::Maternity
}

fn day_unit(leave_type: LeaveType) -> &'static str {
    if counts_calendar_days(leave_type) {
        "calendar days"
    } else {
        "working days"
    }
}

/// LEAVE-5: hospital grades (医院等级), lowest first so that grades compare by rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum HospitalGrade {
    /// 一级
    #[serde(rename = "grade_1")]
    Grade1,
    /// 二级乙等
    #[serde(rename = "grade_2b")]
    Grade2B,
    /// 二级甲等
    #[serde(rename = "grade_2a")]
    Grade2A,
    /// 三级乙等
    #[serde(rename = "grade_3b")]
    Grade3B,
    /// 三级甲等
    #[serde(rename = "grade_3a")]
    Grade3A,
    /// 三级特等
    #[serde(rename = "grade_3s")]
    Grade3S,
}

/// LEAVE-5: the sick-leave certificate (诊断证明) the employee hands in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SickCertificate {
    pub reference: String,
    pub hospital_grade: HospitalGrade,
}

/// LEAVE-8: whose funeral a bereavement leave is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Parent,
    Spouse,
    Child,
    Sibling,
    /// The spouse's parent (岳父母, 公婆).
    SpouseParent,
}

/// China's 34 provincial-level divisions (LEAVE-8: where the funeral is).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Province {
    Beijing,
    Tianjin,
    Hebei,
    Shanxi,
    InnerMongolia,
    Liaoning,
    Jilin,
    Heilongjiang,
    Shanghai,
    Jiangsu,
    Zhejiang,
    Anhui,
    Fujian,
    Jiangxi,
    Shandong,
    Henan,
    Hubei,
    Hunan,
    Guangdong,
    Guangxi,
    Hainan,
    Chongqing,
    Sichuan,
    Guizhou,
    Yunnan,
    Tibet,
    Shaanxi,
    Gansu,
    Qinghai,
    Ningxia,
    Xinjiang,
    HongKong,
    Macau,
    Taiwan,
}

/// The LEAVE and EMP-1 parameters; `Default` holds the values of RULES.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeavePolicy {
    /// LEAVE-1: the longest leave the department head and HR approve without the general
    /// manager.
    pub single_approver_chain_max: HalfDays,
    /// LEAVE-1: personal leave of this many consecutive days or more needs the general manager.
    pub personal_needs_general_manager_from: HalfDays,
    /// LEAVE-2: personal leave starts at least this many days after the filing date.
    pub personal_notice_days: u32,
    /// LEAVE-2: paperwork filed afterwards (emergency, sick, paternity, bereavement) is due
    /// within this many clock hours.
    pub late_filing_hours: u32,
    /// LEAVE-2
    pub marriage_notice_days: u32,
    /// LEAVE-2
    pub maternity_notice_months: u32,
    /// LEAVE-3: days of base salary deducted per day of personal leave.
    pub personal_deduction_factor: u32,
    /// LEAVE-4: personal leave allowed in total during probation.
    pub probation_personal_total: HalfDays,
    /// LEAVE-4: personal leave allowed in one block during probation.
    pub probation_personal_consecutive: HalfDays,
    /// LEAVE-4: MORE personal leave than this in a calendar year flags a termination review.
    pub yearly_review_over: HalfDays,
    /// EMP-1: probation never runs past this many months after hiring.
    pub probation_cap_months: u32,
    /// LEAVE-5
    pub minimum_hospital_grade: HospitalGrade,
    /// LEAVE-6
    pub marriage_days: HalfDays,
    /// LEAVE-6
    pub late_marriage_days: HalfDays,
    /// LEAVE-6: age on the registration date from which a man's marriage is late.
    pub late_marriage_age_man: i32,
    /// LEAVE-6: age on the registration date from which a woman's marriage is late.
    pub late_marriage_age_woman: i32,
    /// LEAVE-6: the leave ends within this many months of the registration date.
    pub marriage_window_months: u32,
    /// LEAVE-7: in calendar days.
    pub maternity_days: HalfDays,
    /// LEAVE-7: how many calendar days before the expected delivery date the leave may start.
    pub maternity_days_before: u32,
    /// LEAVE-7
    pub paternity_days: HalfDays,
    /// LEAVE-8: for a parent, spouse, child or sibling.
    pub bereavement_close_days: HalfDays,
    /// LEAVE-8: for a spouse's parent.
    pub bereavement_in_law_days: HalfDays,
    /// LEAVE-8
    pub travel_days_home_province: HalfDays,
    /// LEAVE-8
    pub travel_days_elsewhere: HalfDays,
    /// LEAVE-8: funerals here earn the shorter travel allowance.
    pub home_province: Province,
}

impl Default for LeavePolicy {
    fn default() -> Self {
        LeavePolicy {
            single_approver_chain_max: HalfDays::days(1),
            personal_needs_general_manager_from: HalfDays::days(7),
            personal_notice_days: 1,
            late_filing_hours: 24,
            marriage_notice_days: 14,
            maternity_notice_months: 1,
            personal_deduction_factor: 3,
            probation_personal_total: HalfDays::days(3),
            probation_personal_consecutive: HalfDays::days(2),
            yearly_review_over: HalfDays::days(30),
            probation_cap_months: EmploymentPolicy::default().probation_cap_months,
            minimum_hospital_grade: HospitalGrade::Grade2A,
            marriage_days: HalfDays::days(3),
            late_marriage_days: HalfDays::days(7),
            late_marriage_age_man: 25,
            late_marriage_age_woman: 23,
            marriage_window_months: 6,
            maternity_days: HalfDays::days(90),
            maternity_days_before: 15,
            paternity_days: HalfDays::days(3),
            bereavement_close_days: HalfDays::days(3),
            bereavement_in_law_days: HalfDays::days(1),
            travel_days_home_province: HalfDays::days(2),
            travel_days_elsewhere: HalfDays::days(4),
            home_province: Province::Sichuan,
        }
    }
}

/// The half days a leave covers: from `first_half` of `first_day` to `last_half` of
/// `last_day`, both included. `first_half: pm` begins in the afternoon; `last_half: am` ends at
/// noon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeaveSpan {
    #[serde(with = "iso_date")]
    pub first_day: Date,
    pub first_half: Half,
    #[serde(with = "iso_date")]
    pub last_day: Date,
    pub last_half: Half,
}

impl LeaveSpan {
    /// Half days numbered consecutively across dates, so spans compare as integer ranges.
    fn slot(date: Date, half: Half) -> i64 {
        i64::from(date.to_julian_day()) * 2 + i64::from(half == Half::Pm)
    }

    fn first_slot(&self) -> i64 {
        Self::slot(self.first_day, self.first_half)
    }

    fn last_slot(&self) -> i64 {
        Self::slot(self.last_day, self.last_half)
    }

    /// The span ends no earlier than it starts (a single day pm→am does not).
    pub fn is_valid(&self) -> bool {
        self.first_slot() <= self.last_slot()
    }

    /// Whether the two spans share a half day; a leave ending at noon and another starting that
    /// afternoon do not.
    pub fn overlaps(&self, other: &LeaveSpan) -> bool {
        self.first_slot() <= other.last_slot() && other.first_slot() <= self.last_slot()
    }

    /// How many halves of `date` the span covers (0 outside it).
    fn halves_on(&self, date: Date) -> u32 {
        if date < self.first_day || date > self.last_day {
            return 0;
        }
        let starts_late = date == self.first_day && self.first_half == Half::Pm;
        let ends_early = date == self.last_day && self.last_half == Half::Am;
        2 - u32::from(starts_late) - u32::from(ends_early)
    }
}

fn half_label(half: Half) -> &'static str {
    match half {
        Half::Am => "am",
        Half::Pm => "pm",
    }
}

impl fmt::Display for LeaveSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} to {} {}",
            self.first_day,
            half_label(self.first_half),
            self.last_day,
            half_label(self.last_half)
        )
    }
}

/// The employee asking for leave, as the employee record has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applicant {
    pub gender: Gender,
    pub birth_date: Date,
    pub hired_on: Date,
    pub left_on: Option<Date>,
    /// The last day of probation (inclusive), already including earlier extensions.
    pub probation_end: Option<Date>,
}

/// The facts a leave type depends on; each type reads only its own.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct LeaveFacts {
    /// LEAVE-6: the date on the marriage certificate.
    #[serde(with = "iso_date::option")]
    pub marriage_registered_on: Option<Date>,
    /// LEAVE-6
    pub first_marriage: Option<bool>,
    /// LEAVE-7: maternity and paternity.
    #[serde(with = "iso_date::option")]
    pub expected_delivery_on: Option<Date>,
    /// LEAVE-8
    pub relation: Option<Relation>,
    /// LEAVE-8
    pub funeral_province: Option<Province>,
    /// LEAVE-5: may follow later (see `certificate_due_by`).
    pub certificate: Option<SickCertificate>,
    /// LEAVE-2: personal leave filed after it started.
    pub emergency: bool,
}

/// A leave request as the client sends it; the span's fields sit at the top level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeaveApplication {
    pub leave_type: LeaveType,
    #[serde(flatten)]
    pub span: LeaveSpan,
    #[serde(default)]
    pub facts: LeaveFacts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LeaveStatus {
    Pending,
    Approved,
}

/// The employee's other leave that is pending or approved (not rejected/withdrawn); when a
/// stored request is assessed again, leave it out of its own list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingLeave {
    pub id: String,
    pub leave_type: LeaveType,
    pub status: LeaveStatus,
    pub span: LeaveSpan,
    pub duration: HalfDays,
    pub expected_delivery_on: Option<Date>,
    /// The entitlement assessed when it was filed (`LeaveAssessment::entitlement`); the
    /// balance sheet shows it for marriage leave, whose 3 or 7 days depend on facts kept there.
    pub entitlement: Option<HalfDays>,
}

/// Who approves, in order (LEAVE-1): the department head, HR and the general manager.
pub use crate::approval::StepKind as ApprovalStep;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RefusalCode {
    /// The span ends before it starts.
    InvalidSpan,
    /// The span holds no scheduled day.
    EmptySpan,
    /// It shares a half day with another pending or approved leave.
    Overlap,
    /// It starts before hiring or ends after leaving.
    OutsideEmployment,
    /// LEAVE-2 notice not met.
    TooLate,
    /// A fact the leave type needs is absent; `field` names it.
    MissingFact,
    /// LEAVE-6
    NotFirstMarriage,
    /// LEAVE-6: marriage leave is one block.
    SplitMarriageLeave,
    /// LEAVE-6: from the registration date to 6 months after it.
    OutsideMarriageWindow,
    /// LEAVE-6, LEAVE-7, LEAVE-8: longer than the event entitles to.
    OverEntitlement,
    /// LEAVE-7: maternity for a man, paternity for a woman.
    WrongGender,
    /// LEAVE-5
    CertificateGradeTooLow,
    /// LEAVE-7: one maternity block per expected delivery.
    SplitMaternityLeave,
    /// LEAVE-7: one paternity block per expected delivery.
    SplitPaternityLeave,
    /// LEAVE-7: from 15 days before the expected date to that date.
    MaternityStartOutOfRange,
}

/// Why a request was refused, pointing at the field to fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeaveRefusal {
    pub code: RefusalCode,
    /// The JSON field the client sent, e.g. `facts.marriage_registered_on` or `first_day`;
    /// absent when the cause lies in the employee's record or history.
    pub field: Option<&'static str>,
    pub rule: &'static str,
    pub detail: String,
}

/// One clause that fired, for a frontend to show "why".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeaveReason {
    pub rule: &'static str,
    pub detail: String,
}

/// What a personal leave costs the employee (LEAVE-3, LEAVE-4, EMP-1); all zero for the
/// other types.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeaveConsequences {
    /// LEAVE-3: days of base salary deducted.
    pub deduction_days: HalfDays,
    /// LEAVE-4: calendar days the probation moves by (after the EMP-1 cap).
    pub probation_extension_days: u32,
    /// LEAVE-4, EMP-1: the new last day of probation, when it moves.
    #[serde(with = "iso_date::option")]
    pub probation_end_after: Option<Date>,
    /// LEAVE-4: the year's personal leave exceeds the review threshold.
    pub yearly_review_flag: bool,
}

/// An admissible request: what it counts, who approves it, and what it costs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeaveAssessment {
    pub duration: HalfDays,
    /// The fixed entitlement of the event; `None` for personal and sick leave.
    pub entitlement: Option<HalfDays>,
    pub chain: Vec<ApprovalStep>,
    /// CAL-2: the duration rests on a year without an official holiday schedule.
    pub calendar_provisional: bool,
    /// LEAVE-5: a sick leave filed without its certificate must have it by then.
    #[serde(with = "time::serde::rfc3339::option")]
    pub certificate_due_by: Option<OffsetDateTime>,
    pub consequences: LeaveConsequences,
    pub reasons: Vec<LeaveReason>,
}

/// A fixed entitlement and what it is made of, for the reason shown with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entitlement {
    pub amount: HalfDays,
    /// How the amount came about, e.g. "for a late marriage (man aged 25 on 2026-06-15)".
    pub basis: String,
}

/// `months` calendar months after `date`; a day the target month lacks becomes its last day
/// (31 January + 1 month = 28 February), as for the periods of Civil Code art. 202. Saturates
/// at `Date::MAX`.
fn add_months(date: Date, months: u32) -> Date {
    let month_index = i64::from(date.year()) * 12 + i64::from(u8::from(date.month()) - 1);
    let target = month_index + i64::from(months);
    let (Ok(year), Ok(month_number)) = (
        i32::try_from(target.div_euclid(12)),
        u8::try_from(target.rem_euclid(12) + 1),
    ) else {
        return Date::MAX;
    };
    let Ok(month) = Month::try_from(month_number) else {
        return Date::MAX;
    };
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(Date::MAX)
}

fn add_days(date: Date, days: u32) -> Date {
    date.saturating_add(Duration::days(i64::from(days)))
}

fn local_instant(date: Date, time: Time) -> OffsetDateTime {
    PrimitiveDateTime::new(date, time).assume_offset(SHANGHAI)
}

fn local_time_label(instant: OffsetDateTime) -> String {
    let local = instant.to_offset(SHANGHAI);
    format!("{} {:02}:{:02}", local.date(), local.hour(), local.minute())
}

/// LEAVE-2: when the leave starts: shift start, or the afternoon start for a pm start.
pub fn leave_start_instant(shift: Shift, span: &LeaveSpan) -> OffsetDateTime {
    let time = match span.first_half {
        Half::Am => shift.start,
        Half::Pm => shift.afternoon_start(),
    };
    local_instant(span.first_day, time)
}

/// LEAVE-2, LEAVE-5: when the leave ends: shift end, or the morning end for an am end.
pub fn leave_end_instant(shift: Shift, span: &LeaveSpan) -> OffsetDateTime {
    let time = match span.last_half {
        Half::Am => shift.morning_end(),
        Half::Pm => shift.end,
    };
    local_instant(span.last_day, time)
}

/// The span's half days within `from..=to`: scheduled ones (CAL-3) for every type but
/// maternity, all of them for maternity.
fn count_span_within(
    calendar: &BusinessCalendar,
    roster: Roster,
    leave_type: LeaveType,
    span: &LeaveSpan,
    from: Date,
    to: Date,
) -> OnCalendar<HalfDays> {
    let mut halves = 0;
    let mut provisional = false;
    let mut date = span.first_day.max(from);
    let last = span.last_day.min(to);
    while date <= last {
        let counted = if counts_calendar_days(leave_type) {
            true
        } else {
            let day = scheduled_day(calendar, roster, date);
            provisional |= day.provisional;
            day.scheduled
        };
        if counted {
            halves += span.halves_on(date);
        }
        match date.next_day() {
            Some(next) => date = next,
            None => break,
        }
    }
    OnCalendar {
        value: HalfDays(halves),
        provisional,
    }
}

fn count_span(
    calendar: &BusinessCalendar,
    roster: Roster,
    leave_type: LeaveType,
    span: &LeaveSpan,
) -> OnCalendar<HalfDays> {
    count_span_within(
        calendar,
        roster,
        leave_type,
        span,
        span.first_day,
        span.last_day,
    )
}

/// LEAVE: the half days a leave takes: the employee's scheduled half days (CAL-3) for every
/// type but maternity, which counts calendar days; the halves of the first and last day are
/// honoured either way. An invalid span takes nothing.
pub fn leave_duration(
    calendar: &BusinessCalendar,
    roster: Roster,
    leave_type: LeaveType,
    span: &LeaveSpan,
) -> HalfDays {
    count_span(calendar, roster, leave_type, span).value
}

/// 1 January..=31 December of `year`; a year the calendar cannot represent yields an empty
/// range (first after last).
fn year_bounds(year: i32) -> (Date, Date) {
    (
        Date::from_calendar_date(year, Month::January, 1).unwrap_or(Date::MAX),
        Date::from_calendar_date(year, Month::December, 31).unwrap_or(Date::MIN),
    )
}

/// LEAVE-1: department head then HR up to `single_approver_chain_max`; anything longer
/// (Reading: 1.5 days included) adds the general manager, and so does personal leave of
/// `personal_needs_general_manager_from` consecutive days or more.
pub fn approval_chain(
    policy: &LeavePolicy,
    leave_type: LeaveType,
    duration: HalfDays,
) -> (Vec<ApprovalStep>, LeaveReason) {
    let long = duration > policy.single_approver_chain_max;
    let long_personal =
        leave_type == LeaveType::Personal && duration >= policy.personal_needs_general_manager_from;
    let detail = if long_personal {
        format!(
            "personal leave of {duration} consecutive days ({} or more) always needs the general manager",
            policy.personal_needs_general_manager_from
        )
    } else if long {
        format!(
            "{duration} days is more than {} day: department head, HR, then the general manager",
            policy.single_approver_chain_max
        )
    } else {
        format!(
            "{duration} days is at most {} day: department head, then HR",
            policy.single_approver_chain_max
        )
    };
    let mut chain = vec![ApprovalStep::DepartmentHead, ApprovalStep::Hr];
    if long || long_personal {
        chain.push(ApprovalStep::GeneralManager);
    }
    (
        chain,
        LeaveReason {
            rule: "LEAVE-1",
            detail,
        },
    )
}

/// LEAVE-2: what the notice rule asks of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Filed ahead: the leave may start on `earliest_start` at the earliest.
    Ahead { earliest_start: Date, terms: String },
    /// Paperwork afterwards: the request is due by `filed_by`.
    Afterwards {
        filed_by: OffsetDateTime,
        terms: String,
    },
}

/// LEAVE-2: personal leave 1 day ahead, or in an emergency within 24 hours of its start;
/// marriage 14 days ahead; maternity 1 calendar month ahead; sick leave within 24 hours of
/// its end. Paternity and bereavement have no notice rule (Reading: within 24 hours of the
/// start, like an emergency).
pub fn notice_deadline(
    policy: &LeavePolicy,
    shift: Shift,
    leave_type: LeaveType,
    span: &LeaveSpan,
    emergency: bool,
    filed_at: OffsetDateTime,
) -> Notice {
    let filed_on = filed_at.to_offset(SHANGHAI).date();
    let hours = policy.late_filing_hours;
    let ahead = |earliest_start, terms| Notice::Ahead {
        earliest_start,
        terms,
    };
    let afterwards = |instant, what: &str| Notice::Afterwards {
        filed_by: clock_hours_deadline(instant, hours),
        terms: format!("paperwork within {hours} hours of {what}"),
    };
    match leave_type {
        LeaveType::Personal if emergency => afterwards(
            leave_start_instant(shift, span),
            "its start in an emergency",
        ),
        LeaveType::Personal => ahead(
            add_days(filed_on, policy.personal_notice_days),
            format!("{} day's notice", policy.personal_notice_days),
        ),
        LeaveType::Marriage => ahead(
            add_days(filed_on, policy.marriage_notice_days),
            format!("{} days' notice", policy.marriage_notice_days),
        ),
        LeaveType::Maternity => ahead(
            add_months(filed_on, policy.maternity_notice_months),
            format!("{} month's notice", policy.maternity_notice_months),
        ),
        LeaveType::Sick => afterwards(leave_end_instant(shift, span), "its end"),
        LeaveType::Paternity | LeaveType::Bereavement => {
            afterwards(leave_start_instant(shift, span), "its start")
        }
    }
}

/// LEAVE-2: whether a request filed at `filed_at` meets `notice`.
pub fn notice_met(notice: &Notice, span: &LeaveSpan, filed_at: OffsetDateTime) -> bool {
    match notice {
        Notice::Ahead { earliest_start, .. } => span.first_day >= *earliest_start,
        Notice::Afterwards { filed_by, .. } => filed_at <= *filed_by,
    }
}

/// LEAVE-6: 3 days, or 7 for a late marriage: on the registration date the man is 25 or
/// older, the woman 23 or older (the employee's own age and gender).
pub fn marriage_entitlement(
    policy: &LeavePolicy,
    gender: Gender,
    birth_date: Date,
    registered_on: Date,
) -> Entitlement {
    let age = age_on(birth_date, registered_on);
    let (who, late_from) = match gender {
        Gender::Male => ("man", policy.late_marriage_age_man),
        Gender::Female => ("woman", policy.late_marriage_age_woman),
    };
    if age >= late_from {
        Entitlement {
            amount: policy.late_marriage_days,
            basis: format!(
                "for a late marriage ({who} aged {age} on the registration date {registered_on}, {late_from} or over)"
            ),
        }
    } else {
        Entitlement {
            amount: policy.marriage_days,
            basis: format!(
                "for a first marriage ({who} aged {age} on the registration date {registered_on}, under {late_from})"
            ),
        }
    }
}

/// LEAVE-6: the leave starts on or after the registration date and ends within
/// `marriage_window_months` of it (the last allowed day is returned).
pub fn marriage_window(policy: &LeavePolicy, registered_on: Date) -> (Date, Date) {
    (
        registered_on,
        add_months(registered_on, policy.marriage_window_months),
    )
}

/// LEAVE-7: 90 calendar days, starting no earlier than 15 days before the expected delivery
/// date and no later than that date.
pub fn maternity_entitlement(policy: &LeavePolicy) -> Entitlement {
    Entitlement {
        amount: policy.maternity_days,
        basis: format!(
            "({} before the expected delivery date at most)",
            policy.maternity_days_before
        ),
    }
}

/// LEAVE-7: the first and last allowed start date of a maternity leave.
pub fn maternity_start_window(policy: &LeavePolicy, expected_delivery_on: Date) -> (Date, Date) {
    (
        expected_delivery_on
            .saturating_sub(Duration::days(i64::from(policy.maternity_days_before))),
        expected_delivery_on,
    )
}

/// LEAVE-7: 3 scheduled days of paternity leave.
pub fn paternity_entitlement(policy: &LeavePolicy) -> Entitlement {
    Entitlement {
        amount: policy.paternity_days,
        basis: String::new(),
    }
}

/// LEAVE-8: 3 days for a parent, spouse, child or sibling, 1 for a spouse's parent, plus 2
/// travel days for a funeral in the home province (Sichuan) or 4 elsewhere.
pub fn bereavement_entitlement(
    policy: &LeavePolicy,
    relation: Relation,
    funeral_province: Province,
) -> Entitlement {
    let (base, whose) = match relation {
        Relation::Parent => (policy.bereavement_close_days, "a parent"),
        Relation::Spouse => (policy.bereavement_close_days, "a spouse"),
        Relation::Child => (policy.bereavement_close_days, "a child"),
        Relation::Sibling => (policy.bereavement_close_days, "a sibling"),
        Relation::SpouseParent => (policy.bereavement_in_law_days, "a spouse's parent"),
    };
    let home = policy.home_province;
    let (travel, place) = if funeral_province == home {
        (policy.travel_days_home_province, format!("in {home:?}"))
    } else {
        (
            policy.travel_days_elsewhere,
            format!("in {funeral_province:?}, outside {home:?}"),
        )
    };
    Entitlement {
        amount: base + travel,
        basis: format!("({base} for {whose} + {travel} travel days for a funeral {place})"),
    }
}

/// LEAVE-3: each day of personal leave deducts 3 days of base salary.
pub fn personal_deduction(policy: &LeavePolicy, duration: HalfDays) -> HalfDays {
    HalfDays(duration.half_days() * policy.personal_deduction_factor)
}

/// How a probation moves after a personal leave (LEAVE-4, EMP-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbationExtension {
    /// The personal leave over the probation limits that this request causes.
    pub excess: HalfDays,
    /// Calendar days the probation actually moves by.
    pub days: u32,
    pub new_end: Date,
    /// EMP-1 stopped the extension short of the excess.
    pub capped: bool,
}

/// EMP-1: the last day a probation may reach. Probation ends are inclusive last days, so
/// `probation_cap_months` from hiring on 2 March run through 1 September (as a 1-month
/// probation runs through 1 April); a month without the hiring day ends on its last day.
pub fn probation_last_possible_day(policy: &LeavePolicy, hired_on: Date) -> Date {
    let same_day = add_months(hired_on, policy.probation_cap_months);
    if same_day.day() < hired_on.day() {
        same_day
    } else {
        same_day.previous_day().unwrap_or(same_day)
    }
}

/// LEAVE-4, EMP-1: personal leave during probation beyond 2 consecutive or 3 total days
/// extends probation by the excess, in calendar days rounded up to whole days (Reading), but
/// never past its 6-month limit ([`probation_last_possible_day`]). The excess is the larger of what THIS request puts over
/// the consecutive limit and over the total limit; total excess that `earlier` (the personal
/// leave already taken or pending during probation) caused is not counted again.
pub fn probation_extension(
    policy: &LeavePolicy,
    hired_on: Date,
    probation_end: Date,
    earlier: HalfDays,
    request: HalfDays,
) -> ProbationExtension {
    let consecutive_excess = request.saturating_sub(policy.probation_personal_consecutive);
    let already_counted = earlier.max(policy.probation_personal_total);
    let total_excess = (earlier + request).saturating_sub(already_counted);
    let excess = consecutive_excess.max(total_excess);
    let wanted_end = add_days(probation_end, excess.whole_days_rounded_up());
    let cap = probation_last_possible_day(policy, hired_on);
    // An end already past the cap (bad data) is left where it is, never pulled back.
    let new_end = wanted_end.min(cap).max(probation_end);
    let days = u32::try_from((new_end - probation_end).whole_days()).unwrap_or(0);
    ProbationExtension {
        excess,
        days,
        new_end,
        capped: new_end < wanted_end,
    }
}

/// LEAVE-4: more than 30 days of personal leave in a calendar year flags a termination review.
pub fn yearly_review_due(policy: &LeavePolicy, personal_in_year: HalfDays) -> bool {
    personal_in_year > policy.yearly_review_over
}

/// The personal leave of `existing` within `year`, in scheduled days.
fn personal_leave_in_year(
    calendar: &BusinessCalendar,
    roster: Roster,
    existing: &[ExistingLeave],
    year: i32,
) -> HalfDays {
    let (first, last) = year_bounds(year);
    existing
        .iter()
        .filter(|leave| leave.leave_type == LeaveType::Personal)
        .map(|leave| {
            count_span_within(calendar, roster, leave.leave_type, &leave.span, first, last).value
        })
        .sum()
}

/// Personal leave that counts toward the probation limits (Reading: a leave counts, in full,
/// when it starts on or before the last day of probation, the same test as for a new request).
fn personal_leave_during_probation(existing: &[ExistingLeave], probation_end: Date) -> HalfDays {
    existing
        .iter()
        .filter(|leave| {
            leave.leave_type == LeaveType::Personal && leave.span.first_day <= probation_end
        })
        .map(|leave| leave.duration)
        .sum()
}

/// Everything `assess_leave` reads, so the per-rule checks share one argument.
struct Request<'a> {
    policy: &'a LeavePolicy,
    calendar: &'a BusinessCalendar,
    shift: Shift,
    roster: Roster,
    applicant: &'a Applicant,
    application: &'a LeaveApplication,
    existing: &'a [ExistingLeave],
    filed_at: OffsetDateTime,
}

impl Request<'_> {
    fn leave_type(&self) -> LeaveType {
        self.application.leave_type
    }

    fn span(&self) -> &LeaveSpan {
        &self.application.span
    }

    fn facts(&self) -> &LeaveFacts {
        &self.application.facts
    }

    fn name(&self) -> &'static str {
        leave_name(self.leave_type())
    }
}

/// The refusals and reasons gathered while every rule is checked.
#[derive(Default)]
struct Findings {
    refusals: Vec<LeaveRefusal>,
    reasons: Vec<LeaveReason>,
}

impl Findings {
    fn refuse(
        &mut self,
        code: RefusalCode,
        field: Option<&'static str>,
        rule: &'static str,
        detail: String,
    ) {
        self.refusals.push(LeaveRefusal {
            code,
            field,
            rule,
            detail,
        });
    }

    fn because(&mut self, rule: &'static str, detail: String) {
        self.reasons.push(LeaveReason { rule, detail });
    }

    /// A fact the leave type needs; its absence is refused as `missing_fact`.
    fn required<T: Copy>(
        &mut self,
        request: &Request<'_>,
        rule: &'static str,
        value: Option<T>,
        field: &'static str,
    ) -> Option<T> {
        if value.is_none() {
            self.refuse(
                RefusalCode::MissingFact,
                Some(field),
                rule,
                format!("{} leave needs {field}", request.name()),
            );
        }
        value
    }

    /// Refuses a request longer than a fixed entitlement, else records the entitlement.
    fn within_entitlement(
        &mut self,
        request: &Request<'_>,
        rule: &'static str,
        entitlement: &Entitlement,
        duration: Option<HalfDays>,
    ) {
        let stated = format!(
            "{} leave is {} {}{}{}",
            request.name(),
            entitlement.amount,
            day_unit(request.leave_type()),
            if entitlement.basis.is_empty() {
                ""
            } else {
                " "
            },
            entitlement.basis
        );
        match duration {
            Some(duration) if duration > entitlement.amount => self.refuse(
                RefusalCode::OverEntitlement,
                Some("last_day"),
                rule,
                format!("{stated}; this request is {duration}"),
            ),
            _ => self.because(rule, stated),
        }
    }
}

/// LEAVE (preamble): a leave must be a valid span of scheduled days inside employment that
/// overlaps no other pending or approved leave. Returns the counted duration when the span
/// is valid.
fn check_span(request: &Request<'_>, findings: &mut Findings) -> Option<OnCalendar<HalfDays>> {
    let span = request.span();
    let applicant = request.applicant;
    if span.first_day < applicant.hired_on {
        findings.refuse(
            RefusalCode::OutsideEmployment,
            Some("first_day"),
            "LEAVE",
            format!(
                "the leave starts on {} but the employee was hired on {}",
                span.first_day, applicant.hired_on
            ),
        );
    }
    if let Some(left_on) = applicant.left_on
        && span.last_day > left_on
    {
        findings.refuse(
            RefusalCode::OutsideEmployment,
            Some("last_day"),
            "LEAVE",
            format!(
                "the leave ends on {} but the employee left on {left_on}",
                span.last_day
            ),
        );
    }
    if !span.is_valid() {
        findings.refuse(
            RefusalCode::InvalidSpan,
            Some("last_day"),
            "LEAVE",
            format!("the leave {span} ends before it starts"),
        );
        return None;
    }
    for other in request.existing.iter().filter(|o| o.span.overlaps(span)) {
        findings.refuse(
            RefusalCode::Overlap,
            Some("first_day"),
            "LEAVE",
            format!(
                "{span} overlaps the {} leave {} ({})",
                leave_name(other.leave_type),
                other.id,
                other.span
            ),
        );
    }
    let counted = count_span(request.calendar, request.roster, request.leave_type(), span);
    let unit = day_unit(request.leave_type());
    if counted.value == HalfDays::ZERO {
        findings.refuse(
            RefusalCode::EmptySpan,
            Some("first_day"),
            "LEAVE",
            format!("{span} holds none of the employee's {unit}"),
        );
    } else {
        findings.because("LEAVE", format!("{span} is {} {unit}", counted.value));
    }
    if counted.provisional {
        findings.because(
            "CAL-2",
            "a year of the leave has no official holiday schedule yet: the count is provisional"
                .into(),
        );
    }
    Some(counted)
}

/// LEAVE-2 applied to the request.
fn check_notice(request: &Request<'_>, findings: &mut Findings) {
    let span = request.span();
    let notice = notice_deadline(
        request.policy,
        request.shift,
        request.leave_type(),
        span,
        request.facts().emergency,
        request.filed_at,
    );
    let met = notice_met(&notice, span, request.filed_at);
    let (detail, field) = match &notice {
        Notice::Ahead {
            earliest_start,
            terms,
        } => (
            format!(
                "{} leave needs {terms}: filed on {}, it may start on {earliest_start} at the earliest; it starts on {}",
                request.name(),
                request.filed_at.to_offset(SHANGHAI).date(),
                span.first_day
            ),
            Some("first_day"),
        ),
        Notice::Afterwards { filed_by, terms } => (
            format!(
                "{} leave needs {terms}: due by {}; filed at {}",
                request.name(),
                local_time_label(*filed_by),
                local_time_label(request.filed_at)
            ),
            None,
        ),
    };
    if met {
        findings.because("LEAVE-2", detail);
    } else {
        findings.refuse(RefusalCode::TooLate, field, "LEAVE-2", detail);
    }
}

/// What a type-specific check adds to the assessment.
#[derive(Default)]
struct TypeOutcome {
    entitlement: Option<HalfDays>,
    certificate_due_by: Option<OffsetDateTime>,
}

/// LEAVE-5: a certificate from a hospital of grade 2A or higher; without one yet, it is due
/// 24 hours after the leave ends, or the days count as personal leave (LEAVE-2).
fn check_sick(request: &Request<'_>, findings: &mut Findings) -> TypeOutcome {
    let minimum = request.policy.minimum_hospital_grade;
    match &request.facts().certificate {
        Some(certificate) if certificate.hospital_grade < minimum => {
            findings.refuse(
                RefusalCode::CertificateGradeTooLow,
                Some("facts.certificate.hospital_grade"),
                "LEAVE-5",
                format!(
                    "certificate {} is from a {:?} hospital; sick leave needs {minimum:?} or higher",
                    certificate.reference, certificate.hospital_grade
                ),
            );
            TypeOutcome::default()
        }
        Some(certificate) => {
            findings.because(
                "LEAVE-5",
                format!(
                    "certificate {} from a {:?} hospital ({minimum:?} or higher)",
                    certificate.reference, certificate.hospital_grade
                ),
            );
            TypeOutcome::default()
        }
        None => {
            let due = clock_hours_deadline(
                leave_end_instant(request.shift, request.span()),
                request.policy.late_filing_hours,
            );
            findings.because(
                "LEAVE-5",
                format!(
                    "no certificate yet: it is due by {}, else the days count as personal leave (LEAVE-2)",
                    local_time_label(due)
                ),
            );
            TypeOutcome {
                entitlement: None,
                certificate_due_by: Some(due),
            }
        }
    }
}

/// LEAVE-6: first marriage only, one block, within the window after registration, up to 3
/// or 7 days.
fn check_marriage(
    request: &Request<'_>,
    findings: &mut Findings,
    duration: Option<HalfDays>,
) -> TypeOutcome {
    let facts = request.facts();
    let registered_on = findings.required(
        request,
        "LEAVE-6",
        facts.marriage_registered_on,
        "facts.marriage_registered_on",
    );
    let first_marriage = findings.required(
        request,
        "LEAVE-6",
        facts.first_marriage,
        "facts.first_marriage",
    );
    if first_marriage == Some(false) {
        findings.refuse(
            RefusalCode::NotFirstMarriage,
            Some("facts.first_marriage"),
            "LEAVE-6",
            "marriage leave is for a first marriage only".into(),
        );
    }
    if let Some(earlier) = request
        .existing
        .iter()
        .find(|leave| leave.leave_type == LeaveType::Marriage)
    {
        findings.refuse(
            RefusalCode::SplitMarriageLeave,
            None,
            "LEAVE-6",
            format!(
                "marriage leave is taken in one block and {} ({}) already is that block",
                earlier.id, earlier.span
            ),
        );
    }
    let Some(registered_on) = registered_on else {
        return TypeOutcome::default();
    };
    let span = request.span();
    let (window_start, window_end) = marriage_window(request.policy, registered_on);
    if span.first_day < window_start {
        findings.refuse(
            RefusalCode::OutsideMarriageWindow,
            Some("first_day"),
            "LEAVE-6",
            format!(
                "marriage leave starts on or after the registration date {registered_on}; this request starts on {}",
                span.first_day
            ),
        );
    }
    if span.last_day > window_end {
        findings.refuse(
            RefusalCode::OutsideMarriageWindow,
            Some("last_day"),
            "LEAVE-6",
            format!(
                "marriage leave ends within {} months of the registration date {registered_on}, by {window_end}; this request ends on {}",
                request.policy.marriage_window_months, span.last_day
            ),
        );
    }
    let applicant = request.applicant;
    let entitlement = marriage_entitlement(
        request.policy,
        applicant.gender,
        applicant.birth_date,
        registered_on,
    );
    findings.within_entitlement(request, "LEAVE-6", &entitlement, duration);
    TypeOutcome {
        entitlement: Some(entitlement.amount),
        certificate_due_by: None,
    }
}

/// LEAVE-7 for both birth leaves: the right gender (Reading: maternity for women, paternity for
/// men), the expected delivery date, and one block per expected date. Returns that date.
fn check_birth_leave(
    request: &Request<'_>,
    findings: &mut Findings,
    gender: Gender,
    split_code: RefusalCode,
) -> Option<Date> {
    if request.applicant.gender != gender {
        findings.refuse(
            RefusalCode::WrongGender,
            None,
            "LEAVE-7",
            format!(
                "{} leave is for {gender:?} employees; this employee is {:?}",
                request.name(),
                request.applicant.gender
            ),
        );
    }
    let expected = findings.required(
        request,
        "LEAVE-7",
        request.facts().expected_delivery_on,
        "facts.expected_delivery_on",
    )?;
    if let Some(earlier) = request.existing.iter().find(|leave| {
        leave.leave_type == request.leave_type() && leave.expected_delivery_on == Some(expected)
    }) {
        findings.refuse(
            split_code,
            Some("facts.expected_delivery_on"),
            "LEAVE-7",
            format!(
                "{} leave for the delivery expected on {expected} is one block and {} ({}) already is that block",
                request.name(),
                earlier.id,
                earlier.span
            ),
        );
    }
    Some(expected)
}

/// LEAVE-7: maternity leave starts 15 days before the expected date at the earliest and on it
/// at the latest, and lasts up to 90 calendar days.
fn check_maternity(
    request: &Request<'_>,
    findings: &mut Findings,
    duration: Option<HalfDays>,
) -> TypeOutcome {
    if let Some(expected) = check_birth_leave(
        request,
        findings,
        Gender::Female,
        RefusalCode::SplitMaternityLeave,
    ) {
        let (earliest, latest) = maternity_start_window(request.policy, expected);
        let first_day = request.span().first_day;
        if first_day < earliest || first_day > latest {
            findings.refuse(
                RefusalCode::MaternityStartOutOfRange,
                Some("first_day"),
                "LEAVE-7",
                format!(
                    "maternity leave starts between {earliest} ({} days before the expected date) and {latest}; this request starts on {first_day}",
                    request.policy.maternity_days_before
                ),
            );
        }
    }
    let entitlement = maternity_entitlement(request.policy);
    findings.within_entitlement(request, "LEAVE-7", &entitlement, duration);
    TypeOutcome {
        entitlement: Some(entitlement.amount),
        certificate_due_by: None,
    }
}

/// LEAVE-7: 3 scheduled days of paternity leave per expected delivery.
fn check_paternity(
    request: &Request<'_>,
    findings: &mut Findings,
    duration: Option<HalfDays>,
) -> TypeOutcome {
    check_birth_leave(
        request,
        findings,
        Gender::Male,
        RefusalCode::SplitPaternityLeave,
    );
    let entitlement = paternity_entitlement(request.policy);
    findings.within_entitlement(request, "LEAVE-7", &entitlement, duration);
    TypeOutcome {
        entitlement: Some(entitlement.amount),
        certificate_due_by: None,
    }
}

/// LEAVE-8: the relation and the funeral's province set the days.
fn check_bereavement(
    request: &Request<'_>,
    findings: &mut Findings,
    duration: Option<HalfDays>,
) -> TypeOutcome {
    let facts = request.facts();
    let relation = findings.required(request, "LEAVE-8", facts.relation, "facts.relation");
    let province = findings.required(
        request,
        "LEAVE-8",
        facts.funeral_province,
        "facts.funeral_province",
    );
    let (Some(relation), Some(province)) = (relation, province) else {
        return TypeOutcome::default();
    };
    let entitlement = bereavement_entitlement(request.policy, relation, province);
    findings.within_entitlement(request, "LEAVE-8", &entitlement, duration);
    TypeOutcome {
        entitlement: Some(entitlement.amount),
        certificate_due_by: None,
    }
}

/// LEAVE-3, LEAVE-4, EMP-1: what a personal leave of `duration` costs.
fn personal_consequences(
    request: &Request<'_>,
    findings: &mut Findings,
    duration: HalfDays,
) -> LeaveConsequences {
    let policy = request.policy;
    let span = request.span();
    let deduction_days = personal_deduction(policy, duration);
    findings.because(
        "LEAVE-3",
        format!(
            "each personal day deducts {} days of base salary: {duration} days deduct {deduction_days}",
            policy.personal_deduction_factor
        ),
    );
    let mut consequences = LeaveConsequences {
        deduction_days,
        ..LeaveConsequences::default()
    };
    if let Some(probation_end) = request.applicant.probation_end
        && span.first_day <= probation_end
    {
        let earlier = personal_leave_during_probation(request.existing, probation_end);
        let extension = probation_extension(
            policy,
            request.applicant.hired_on,
            probation_end,
            earlier,
            duration,
        );
        if extension.excess > HalfDays::ZERO {
            findings.because(
                "LEAVE-4",
                format!(
                    "on probation personal leave is limited to {} days in total and {} in a row; with {earlier} days before, these {duration} days exceed them by {}: probation moves by {} days to {}",
                    policy.probation_personal_total,
                    policy.probation_personal_consecutive,
                    extension.excess,
                    extension.days,
                    extension.new_end
                ),
            );
            consequences.probation_extension_days = extension.days;
            consequences.probation_end_after = Some(extension.new_end);
        }
        if extension.capped {
            findings.because(
                "EMP-1",
                format!(
                    "probation lasts {} months after hiring on {} at most: it ends on {}",
                    policy.probation_cap_months, request.applicant.hired_on, extension.new_end
                ),
            );
        }
    }
    for year in span.first_day.year()..=span.last_day.year() {
        let (first, last) = year_bounds(year);
        let this_year = count_span_within(
            request.calendar,
            request.roster,
            LeaveType::Personal,
            span,
            first,
            last,
        )
        .value;
        let total =
            personal_leave_in_year(request.calendar, request.roster, request.existing, year)
                + this_year;
        if yearly_review_due(policy, total) {
            consequences.yearly_review_flag = true;
            findings.because(
                "LEAVE-4",
                format!(
                    "{total} days of personal leave in {year} is more than {}: termination review",
                    policy.yearly_review_over
                ),
            );
        }
    }
    consequences
}

/// LEAVE: decides a leave request. Every refusal is collected, not just the first; an
/// admissible request gets its duration, entitlement, approval chain (LEAVE-1), certificate
/// deadline (LEAVE-5), consequences (LEAVE-3, LEAVE-4) and the reasons for each.
#[expect(
    clippy::too_many_arguments,
    reason = "each input is a distinct fact the service loads; bundling them would only move the list"
)]
pub fn assess_leave(
    policy: &LeavePolicy,
    calendar: &BusinessCalendar,
    shift: Shift,
    roster: Roster,
    applicant: &Applicant,
    application: &LeaveApplication,
    existing: &[ExistingLeave],
    filed_at: OffsetDateTime,
) -> Result<LeaveAssessment, Vec<LeaveRefusal>> {
    let request = Request {
        policy,
        calendar,
        shift,
        roster,
        applicant,
        application,
        existing,
        filed_at,
    };
    let mut findings = Findings::default();
    let counted = check_span(&request, &mut findings);
    check_notice(&request, &mut findings);
    let duration = counted.map(|c| c.value);
    let outcome = match application.leave_type {
        LeaveType::Personal => TypeOutcome::default(),
        LeaveType::Sick => check_sick(&request, &mut findings),
        LeaveType::Marriage => check_marriage(&request, &mut findings, duration),
        LeaveType::Maternity => check_maternity(&request, &mut findings, duration),
        LeaveType::Paternity => check_paternity(&request, &mut findings, duration),
        LeaveType::Bereavement => check_bereavement(&request, &mut findings, duration),
    };
    let Some(counted) = counted.filter(|_| findings.refusals.is_empty()) else {
        return Err(findings.refusals);
    };
    let (chain, chain_reason) = approval_chain(policy, application.leave_type, counted.value);
    findings.reasons.push(chain_reason);
    let consequences = if application.leave_type == LeaveType::Personal {
        personal_consequences(&request, &mut findings, counted.value)
    } else {
        LeaveConsequences::default()
    };
    Ok(LeaveAssessment {
        duration: counted.value,
        entitlement: outcome.entitlement,
        chain,
        calendar_provisional: counted.provisional,
        certificate_due_by: outcome.certificate_due_by,
        consequences,
        reasons: findings.reasons,
    })
}

/// LEAVE-4: the probation and yearly limits of personal leave, for the balance sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonalLimits {
    /// The last day of probation, when probation falls in the year shown.
    #[serde(with = "iso_date::option")]
    pub probation_end: Option<Date>,
    /// What is left of the probation total before probation is extended.
    pub probation_remaining: Option<HalfDays>,
    /// More personal leave than this in the year flags a termination review.
    pub yearly_review_over: HalfDays,
    pub yearly_review_flag: bool,
}

/// One leave type's use in a year (`GET /employees/{id}/leave-balances?year=`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeaveBalance {
    pub leave_type: LeaveType,
    /// Approved leave within the year.
    pub taken: HalfDays,
    /// Pending leave within the year.
    pub pending: HalfDays,
    /// What one event entitles to, where that is fixed (in calendar days for maternity).
    pub entitlement: Option<HalfDays>,
    /// Personal leave only.
    pub personal: Option<PersonalLimits>,
    /// CAL-2: the year has no official holiday schedule, so scheduled days are provisional.
    pub calendar_provisional: bool,
    pub reasons: Vec<LeaveReason>,
}

/// The fixed entitlement shown for `leave_type` and the note explaining it.
fn balance_entitlement(
    policy: &LeavePolicy,
    leave_type: LeaveType,
    of_type: &[&ExistingLeave],
) -> (Option<HalfDays>, Option<LeaveReason>) {
    let reason = |rule, detail: String| Some(LeaveReason { rule, detail });
    match leave_type {
        LeaveType::Personal | LeaveType::Sick => (None, None),
        LeaveType::Marriage => match of_type.iter().find_map(|leave| leave.entitlement) {
            Some(assessed) => (
                Some(assessed),
                reason(
                    "LEAVE-6",
                    format!("the marriage leave already filed was assessed at {assessed} days"),
                ),
            ),
            None => (
                Some(policy.marriage_days),
                reason(
                    "LEAVE-6",
                    format!(
                        "{} days for a first marriage; {} for a late one (man {} or older, woman {} or older on the registration date)",
                        policy.marriage_days,
                        policy.late_marriage_days,
                        policy.late_marriage_age_man,
                        policy.late_marriage_age_woman
                    ),
                ),
            ),
        },
        LeaveType::Maternity => (
            Some(policy.maternity_days),
            reason(
                "LEAVE-7",
                format!(
                    "{} calendar days per delivery, starting at most {} days before the expected date",
                    policy.maternity_days, policy.maternity_days_before
                ),
            ),
        ),
        LeaveType::Paternity => (
            Some(policy.paternity_days),
            reason(
                "LEAVE-7",
                format!("{} working days per delivery", policy.paternity_days),
            ),
        ),
        LeaveType::Bereavement => (
            None,
            reason(
                "LEAVE-8",
                format!(
                    "per bereavement: {} days for a parent, spouse, child or sibling, {} for a spouse's parent, plus {} travel days for a funeral in {:?} or {} elsewhere",
                    policy.bereavement_close_days,
                    policy.bereavement_in_law_days,
                    policy.travel_days_home_province,
                    policy.home_province,
                    policy.travel_days_elsewhere
                ),
            ),
        ),
    }
}

/// LEAVE-4: the personal-leave limits as they stand in `year`; the probation limit is shown
/// when probation (hiring to its last day) falls in that year.
fn personal_limits(
    policy: &LeavePolicy,
    applicant: &Applicant,
    existing: &[ExistingLeave],
    in_year: HalfDays,
    year: i32,
) -> PersonalLimits {
    let probation_end = applicant
        .probation_end
        .filter(|end| (applicant.hired_on.year()..=end.year()).contains(&year));
    PersonalLimits {
        probation_end,
        probation_remaining: probation_end.map(|end| {
            policy
                .probation_personal_total
                .saturating_sub(personal_leave_during_probation(existing, end))
        }),
        yearly_review_over: policy.yearly_review_over,
        yearly_review_flag: yearly_review_due(policy, in_year),
    }
}

/// LEAVE: per leave type, the approved and pending leave within `year`, the fixed entitlement
/// where there is one, and for personal leave its LEAVE-4 limits.
pub fn leave_balances(
    policy: &LeavePolicy,
    applicant: &Applicant,
    existing: &[ExistingLeave],
    year: i32,
    calendar: &BusinessCalendar,
    roster: Roster,
) -> Vec<LeaveBalance> {
    let (first, last) = year_bounds(year);
    LEAVE_TYPES
        .into_iter()
        .map(|leave_type| {
            let of_type: Vec<&ExistingLeave> = existing
                .iter()
                .filter(|leave| leave.leave_type == leave_type)
                .collect();
            let within_year = |status| -> HalfDays {
                of_type
                    .iter()
                    .filter(|leave| leave.status == status)
                    .map(|leave| {
                        count_span_within(calendar, roster, leave_type, &leave.span, first, last)
                            .value
                    })
                    .sum()
            };
            let taken = within_year(LeaveStatus::Approved);
            let pending = within_year(LeaveStatus::Pending);
            let (entitlement, note) = balance_entitlement(policy, leave_type, &of_type);
            let personal = (leave_type == LeaveType::Personal)
                .then(|| personal_limits(policy, applicant, existing, taken + pending, year));
            LeaveBalance {
                leave_type,
                taken,
                pending,
                entitlement,
                personal,
                calendar_provisional: !counts_calendar_days(leave_type)
                    && !calendar.is_year_published(year),
                reasons: note.into_iter().collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::Weekday;
    use time::macros::{date, datetime};

    use super::*;
    use crate::calendar::official_2026;

    /// Filed well ahead of every leave below unless a test says otherwise.
    const EARLY: OffsetDateTime = datetime!(2026-01-05 10:00 +8);

    fn woman() -> Applicant {
        Applicant {
            gender: Gender::Female,
            birth_date: date!(1995 - 05 - 10),
            hired_on: date!(2024 - 01 - 02),
            left_on: None,
            probation_end: None,
        }
    }

    fn man() -> Applicant {
        Applicant {
            gender: Gender::Male,
            ..woman()
        }
    }

    /// Hired on Monday 2 March 2026 with one month of probation (EMP-1).
    fn on_probation() -> Applicant {
        Applicant {
            hired_on: date!(2026 - 03 - 02),
            probation_end: Some(date!(2026 - 04 - 01)),
            ..woman()
        }
    }

    fn whole_days(first_day: Date, last_day: Date) -> LeaveSpan {
        halves(first_day, Half::Am, last_day, Half::Pm)
    }

    fn halves(first_day: Date, first_half: Half, last_day: Date, last_half: Half) -> LeaveSpan {
        LeaveSpan {
            first_day,
            first_half,
            last_day,
            last_half,
        }
    }

    fn application(leave_type: LeaveType, span: LeaveSpan, facts: LeaveFacts) -> LeaveApplication {
        LeaveApplication {
            leave_type,
            span,
            facts,
        }
    }

    fn personal(span: LeaveSpan) -> LeaveApplication {
        application(LeaveType::Personal, span, LeaveFacts::default())
    }

    fn existing(id: &str, leave_type: LeaveType, span: LeaveSpan) -> ExistingLeave {
        ExistingLeave {
            id: id.into(),
            leave_type,
            status: LeaveStatus::Approved,
            span,
            duration: leave_duration(&official_2026(), Roster::default(), leave_type, &span),
            expected_delivery_on: None,
            entitlement: None,
        }
    }

    fn assess_for(
        applicant: &Applicant,
        application: &LeaveApplication,
        existing: &[ExistingLeave],
        filed_at: OffsetDateTime,
    ) -> Result<LeaveAssessment, Vec<LeaveRefusal>> {
        assess_leave(
            &LeavePolicy::default(),
            &official_2026(),
            Shift::default(),
            Roster::default(),
            applicant,
            application,
            existing,
            filed_at,
        )
    }

    fn assess(application: &LeaveApplication) -> Result<LeaveAssessment, Vec<LeaveRefusal>> {
        assess_for(&woman(), application, &[], EARLY)
    }

    fn codes(result: &Result<LeaveAssessment, Vec<LeaveRefusal>>) -> Vec<RefusalCode> {
        match result {
            Ok(_) => Vec::new(),
            Err(refusals) => refusals.iter().map(|r| r.code).collect(),
        }
    }

    fn duration(leave_type: LeaveType, span: LeaveSpan) -> HalfDays {
        leave_duration(&official_2026(), Roster::default(), leave_type, &span)
    }

    // ---- LEAVE-1 approval chains ----

    const SHORT_CHAIN: [ApprovalStep; 2] = [ApprovalStep::DepartmentHead, ApprovalStep::Hr];
    const LONG_CHAIN: [ApprovalStep; 3] = [
        ApprovalStep::DepartmentHead,
        ApprovalStep::Hr,
        ApprovalStep::GeneralManager,
    ];

    #[test]
    fn leave_1_half_a_day_and_one_day_go_to_the_department_head_then_hr() {
        let policy = LeavePolicy::default();
        for half_days in [1, 2] {
            let (chain, reason) = approval_chain(&policy, LeaveType::Sick, HalfDays(half_days));
            assert_eq!(chain, SHORT_CHAIN, "{half_days} half days");
            assert_eq!(reason.rule, "LEAVE-1");
        }
    }

    #[test]
    fn leave_1_one_and_a_half_and_two_days_add_the_general_manager() {
        let policy = LeavePolicy::default();
        // Reading: the rules leave 1 < d < 2 open; 1.5 days takes the longer chain.
        for half_days in [3, 4] {
            let (chain, _) = approval_chain(&policy, LeaveType::Sick, HalfDays(half_days));
            assert_eq!(chain, LONG_CHAIN, "{half_days} half days");
        }
    }

    #[test]
    fn leave_1_personal_leave_of_7_days_always_needs_the_general_manager() {
        let policy = LeavePolicy::default();
        let (chain, reason) = approval_chain(&policy, LeaveType::Personal, HalfDays::days(7));
        assert_eq!(chain, LONG_CHAIN);
        assert!(
            reason.detail.contains("7 consecutive days"),
            "{}",
            reason.detail
        );
        // The clause stands on its own: even if longer leave needed no general manager,
        // 7 days of personal leave still would.
        let lenient = LeavePolicy {
            single_approver_chain_max: HalfDays::days(10),
            ..LeavePolicy::default()
        };
        assert_eq!(
            approval_chain(&lenient, LeaveType::Personal, HalfDays::days(7)).0,
            LONG_CHAIN
        );
        assert_eq!(
            approval_chain(&lenient, LeaveType::Personal, HalfDays(13)).0,
            SHORT_CHAIN
        );
        assert_eq!(
            approval_chain(&lenient, LeaveType::Sick, HalfDays::days(7)).0,
            SHORT_CHAIN
        );
    }

    #[test]
    fn leave_1_the_service_computes_the_chain_of_an_assessed_request() {
        let half_day = personal(halves(
            date!(2026 - 03 - 10),
            Half::Am,
            date!(2026 - 03 - 10),
            Half::Am,
        ));
        assert_eq!(assess(&half_day).unwrap().chain, SHORT_CHAIN);
        let two_days = personal(whole_days(date!(2026 - 03 - 10), date!(2026 - 03 - 11)));
        assert_eq!(assess(&two_days).unwrap().chain, LONG_CHAIN);
    }

    // ---- LEAVE-2 notice ----

    #[test]
    fn leave_2_personal_leave_filed_the_day_before_is_on_time_and_the_same_day_too_late() {
        let leave = personal(whole_days(date!(2026 - 03 - 10), date!(2026 - 03 - 10)));
        assert!(assess_for(&woman(), &leave, &[], datetime!(2026-03-09 23:30 +8)).is_ok());
        let same_day = assess_for(&woman(), &leave, &[], datetime!(2026-03-10 08:00 +8));
        assert_eq!(codes(&same_day), [RefusalCode::TooLate]);
        let refusal = &same_day.unwrap_err()[0];
        assert_eq!(
            (refusal.rule, refusal.field),
            ("LEAVE-2", Some("first_day"))
        );
        assert_eq!(
            refusal.detail,
            "personal leave needs 1 day's notice: filed on 2026-03-10, it may start on 2026-03-11 at the earliest; it starts on 2026-03-10"
        );
        // 16:30 UTC on 9 March is already 00:30 on 10 March in Shanghai.
        assert_eq!(
            codes(&assess_for(
                &woman(),
                &leave,
                &[],
                datetime!(2026-03-09 16:30 UTC)
            )),
            [RefusalCode::TooLate]
        );
    }

    #[test]
    fn leave_2_emergency_personal_leave_filed_23_hours_after_the_start_is_on_time_25_too_late() {
        let mut leave = personal(whole_days(date!(2026 - 03 - 10), date!(2026 - 03 - 10)));
        leave.facts.emergency = true;
        // The leave starts at 09:00 on 10 March.
        assert!(assess_for(&woman(), &leave, &[], datetime!(2026-03-11 08:00 +8)).is_ok());
        assert!(assess_for(&woman(), &leave, &[], datetime!(2026-03-11 09:00 +8)).is_ok());
        assert_eq!(
            codes(&assess_for(
                &woman(),
                &leave,
                &[],
                datetime!(2026-03-11 10:00 +8)
            )),
            [RefusalCode::TooLate]
        );
        // An afternoon start starts the 24 hours at 13:30.
        leave.span.first_half = Half::Pm;
        assert!(assess_for(&woman(), &leave, &[], datetime!(2026-03-11 13:30 +8)).is_ok());
        assert_eq!(
            codes(&assess_for(
                &woman(),
                &leave,
                &[],
                datetime!(2026-03-11 13:31 +8)
            )),
            [RefusalCode::TooLate]
        );
    }

    fn marriage_facts(registered_on: Date) -> LeaveFacts {
        LeaveFacts {
            marriage_registered_on: Some(registered_on),
            first_marriage: Some(true),
            ..LeaveFacts::default()
        }
    }

    #[test]
    fn leave_2_marriage_leave_14_days_ahead_is_on_time_13_too_late() {
        // Monday 16 March to Wednesday 18 March.
        let leave = application(
            LeaveType::Marriage,
            whole_days(date!(2026 - 03 - 16), date!(2026 - 03 - 18)),
            marriage_facts(date!(2026 - 03 - 01)),
        );
        assert!(assess_for(&woman(), &leave, &[], datetime!(2026-03-02 17:00 +8)).is_ok());
        assert_eq!(
            codes(&assess_for(
                &woman(),
                &leave,
                &[],
                datetime!(2026-03-03 09:00 +8)
            )),
            [RefusalCode::TooLate]
        );
    }

    fn maternity(span: LeaveSpan, expected_delivery_on: Date) -> LeaveApplication {
        application(
            LeaveType::Maternity,
            span,
            LeaveFacts {
                expected_delivery_on: Some(expected_delivery_on),
                ..LeaveFacts::default()
            },
        )
    }

    #[test]
    fn leave_2_maternity_leave_needs_one_calendar_month_counted_across_february() {
        let starting = |first_day: Date| {
            maternity(
                whole_days(first_day, first_day + Duration::days(60)),
                date!(2026 - 04 - 05),
            )
        };
        let filed_28_february = datetime!(2026-02-28 10:00 +8);
        // 28 February + 1 month = 28 March: exactly one month ahead, and one day short.
        assert!(
            assess_for(
                &woman(),
                &starting(date!(2026 - 03 - 28)),
                &[],
                filed_28_february
            )
            .is_ok()
        );
        assert_eq!(
            codes(&assess_for(
                &woman(),
                &starting(date!(2026 - 03 - 27)),
                &[],
                filed_28_february
            )),
            [RefusalCode::TooLate]
        );
        // A 31 March start: filed 28 February is on time, 1 March (+1 month = 1 April) is not.
        assert!(
            assess_for(
                &woman(),
                &starting(date!(2026 - 03 - 31)),
                &[],
                filed_28_february
            )
            .is_ok()
        );
        assert_eq!(
            codes(&assess_for(
                &woman(),
                &starting(date!(2026 - 03 - 31)),
                &[],
                datetime!(2026-03-01 10:00 +8)
            )),
            [RefusalCode::TooLate]
        );
        // 31 January + 1 month is the last day of February.
        let february = maternity(
            whole_days(date!(2026 - 02 - 28), date!(2026 - 04 - 30)),
            date!(2026 - 03 - 05),
        );
        assert!(assess_for(&woman(), &february, &[], datetime!(2026-01-31 10:00 +8)).is_ok());
        assert_eq!(
            add_months(date!(2028 - 01 - 31), 1),
            date!(2028 - 02 - 29),
            "a leap year's February"
        );
    }

    fn sick(span: LeaveSpan, certificate: Option<SickCertificate>) -> LeaveApplication {
        application(
            LeaveType::Sick,
            span,
            LeaveFacts {
                certificate,
                ..LeaveFacts::default()
            },
        )
    }

    fn certificate(hospital_grade: HospitalGrade) -> Option<SickCertificate> {
        Some(SickCertificate {
            reference: "ZD-2026-0311".into(),
            hospital_grade,
        })
    }

    #[test]
    fn leave_2_sick_leave_may_start_the_same_day_and_be_filed_24_hours_after_its_end_not_25() {
        // Ends Wednesday 11 March at 17:30.
        let leave = sick(
            whole_days(date!(2026 - 03 - 10), date!(2026 - 03 - 11)),
            certificate(HospitalGrade::Grade3A),
        );
        assert!(assess_for(&woman(), &leave, &[], datetime!(2026-03-10 08:00 +8)).is_ok());
        assert!(assess_for(&woman(), &leave, &[], datetime!(2026-03-12 17:30 +8)).is_ok());
        assert_eq!(
            codes(&assess_for(
                &woman(),
                &leave,
                &[],
                datetime!(2026-03-12 18:30 +8)
            )),
            [RefusalCode::TooLate]
        );
    }

    #[test]
    fn leave_2_paternity_and_bereavement_may_be_filed_up_to_24_hours_after_the_start() {
        let start = date!(2026 - 03 - 10);
        let notice = |leave_type| {
            notice_deadline(
                &LeavePolicy::default(),
                Shift::default(),
                leave_type,
                &whole_days(start, start),
                false,
                EARLY,
            )
        };
        for leave_type in [LeaveType::Paternity, LeaveType::Bereavement] {
            let Notice::Afterwards { filed_by, .. } = notice(leave_type) else {
                panic!("{leave_type:?} has no notice ahead");
            };
            assert_eq!(filed_by, datetime!(2026-03-11 09:00 +8));
        }
    }

    // ---- LEAVE-6 marriage ----

    #[test]
    fn leave_6_a_man_of_24_gets_3_days_and_of_25_on_his_birthday_7() {
        let policy = LeavePolicy::default();
        let born = date!(2001 - 06 - 15);
        let at =
            |registered_on| marriage_entitlement(&policy, Gender::Male, born, registered_on).amount;
        assert_eq!(at(date!(2026 - 06 - 14)), HalfDays::days(3));
        // Registered on his 25th birthday: late.
        assert_eq!(at(date!(2026 - 06 - 15)), HalfDays::days(7));
    }

    #[test]
    fn leave_6_a_woman_of_22_gets_3_days_and_of_23_on_her_birthday_7() {
        let policy = LeavePolicy::default();
        let born = date!(2003 - 09 - 01);
        let at = |registered_on| {
            marriage_entitlement(&policy, Gender::Female, born, registered_on).amount
        };
        assert_eq!(at(date!(2026 - 08 - 31)), HalfDays::days(3));
        assert_eq!(at(date!(2026 - 09 - 01)), HalfDays::days(7));
        // The same age is not late for a man.
        assert_eq!(
            marriage_entitlement(&policy, Gender::Male, born, date!(2026 - 09 - 01)).amount,
            HalfDays::days(3)
        );
    }

    #[test]
    fn leave_6_a_late_marriage_allows_7_working_days_and_refuses_8() {
        let bride = Applicant {
            birth_date: date!(2001 - 06 - 15),
            ..woman()
        };
        let facts = marriage_facts(date!(2026 - 06 - 15));
        let filed = datetime!(2026-06-01 10:00 +8);
        // Wednesday 1 July to Wednesday 8 July, Sunday 5 July is the rest day: 7 days.
        let seven = application(
            LeaveType::Marriage,
            whole_days(date!(2026 - 07 - 01), date!(2026 - 07 - 08)),
            facts.clone(),
        );
        let assessment = assess_for(&bride, &seven, &[], filed).unwrap();
        assert_eq!(assessment.duration, HalfDays::days(7));
        assert_eq!(assessment.entitlement, Some(HalfDays::days(7)));
        let eight = application(
            LeaveType::Marriage,
            whole_days(date!(2026 - 07 - 01), date!(2026 - 07 - 09)),
            facts,
        );
        let refusals = assess_for(&bride, &eight, &[], filed).unwrap_err();
        assert_eq!(refusals.len(), 1);
        assert_eq!(refusals[0].code, RefusalCode::OverEntitlement);
        assert_eq!(refusals[0].rule, "LEAVE-6");
        assert_eq!(
            refusals[0].detail,
            "marriage leave is 7 working days for a late marriage (woman aged 25 on the registration date 2026-06-15, 23 or over); this request is 8"
        );
    }

    #[test]
    fn leave_6_only_a_first_marriage_earns_marriage_leave() {
        let mut facts = marriage_facts(date!(2026 - 03 - 01));
        facts.first_marriage = Some(false);
        let leave = application(
            LeaveType::Marriage,
            whole_days(date!(2026 - 03 - 16), date!(2026 - 03 - 17)),
            facts,
        );
        let refusals = assess(&leave).unwrap_err();
        assert_eq!(
            codes(&Err(refusals.clone())),
            [RefusalCode::NotFirstMarriage]
        );
        assert_eq!(refusals[0].field, Some("facts.first_marriage"));
    }

    #[test]
    fn leave_6_marriage_leave_is_one_block() {
        let first = existing(
            "lv-1",
            LeaveType::Marriage,
            whole_days(date!(2026 - 03 - 16), date!(2026 - 03 - 17)),
        );
        let second = application(
            LeaveType::Marriage,
            whole_days(date!(2026 - 04 - 07), date!(2026 - 04 - 07)),
            marriage_facts(date!(2026 - 03 - 01)),
        );
        let result = assess_for(&woman(), &second, &[first], EARLY);
        assert_eq!(codes(&result), [RefusalCode::SplitMarriageLeave]);
    }

    #[test]
    fn leave_6_marriage_leave_lies_within_6_months_after_registration() {
        let registered = date!(2026 - 01 - 15);
        let marriage = |first_day, last_day| {
            application(
                LeaveType::Marriage,
                whole_days(first_day, last_day),
                marriage_facts(registered),
            )
        };
        // 15 January + 6 months = 15 July, the last allowed day.
        assert!(assess(&marriage(date!(2026 - 07 - 13), date!(2026 - 07 - 15))).is_ok());
        let late = assess(&marriage(date!(2026 - 07 - 14), date!(2026 - 07 - 16)));
        assert_eq!(codes(&late), [RefusalCode::OutsideMarriageWindow]);
        assert_eq!(late.unwrap_err()[0].field, Some("last_day"));
        let early = assess_for(
            &woman(),
            &marriage(date!(2026 - 01 - 14), date!(2026 - 01 - 16)),
            &[],
            datetime!(2025-12-01 10:00 +8),
        );
        assert_eq!(codes(&early), [RefusalCode::OutsideMarriageWindow]);
        assert_eq!(early.unwrap_err()[0].field, Some("first_day"));
    }

    #[test]
    fn leave_6_marriage_leave_names_each_missing_fact() {
        let leave = application(
            LeaveType::Marriage,
            whole_days(date!(2026 - 03 - 16), date!(2026 - 03 - 17)),
            LeaveFacts::default(),
        );
        let refusals = assess(&leave).unwrap_err();
        let fields: Vec<_> = refusals.iter().map(|r| (r.code, r.field)).collect();
        assert_eq!(
            fields,
            [
                (
                    RefusalCode::MissingFact,
                    Some("facts.marriage_registered_on")
                ),
                (RefusalCode::MissingFact, Some("facts.first_marriage")),
            ]
        );
    }

    // ---- LEAVE-7 maternity and paternity ----

    #[test]
    fn leave_7_maternity_is_90_calendar_days_across_february_in_a_leap_and_a_common_year() {
        // 15 January + 90 days: February has 29 days in 2028 and 28 in 2026.
        for (last_ok, expected) in [
            (date!(2028 - 04 - 13), date!(2028 - 01 - 30)),
            (date!(2026 - 04 - 14), date!(2026 - 01 - 30)),
        ] {
            let first = last_ok
                .replace_month(Month::January)
                .unwrap()
                .replace_day(15)
                .unwrap();
            let filed = datetime!(2025-12-01 10:00 +8);
            let ok = maternity(whole_days(first, last_ok), expected);
            let assessment = assess_for(&woman(), &ok, &[], filed).unwrap();
            assert_eq!(assessment.duration, HalfDays::days(90));
            assert_eq!(assessment.entitlement, Some(HalfDays::days(90)));
            // Calendar days do not depend on the (unpublished) 2028 holiday schedule.
            assert!(!assessment.calendar_provisional);
            let too_long = maternity(whole_days(first, last_ok.next_day().unwrap()), expected);
            let refusals = assess_for(&woman(), &too_long, &[], filed).unwrap_err();
            assert_eq!(
                codes(&Err(refusals.clone())),
                [RefusalCode::OverEntitlement]
            );
            assert!(
                refusals[0]
                    .detail
                    .starts_with("maternity leave is 90 calendar days")
            );
            assert!(refusals[0].detail.ends_with("this request is 91"));
        }
    }

    #[test]
    fn leave_7_maternity_starts_15_days_before_the_expected_date_at_the_earliest_not_16() {
        let expected = date!(2026 - 06 - 20);
        let starting = |first_day: Date| {
            maternity(
                whole_days(first_day, first_day + Duration::days(30)),
                expected,
            )
        };
        assert!(assess(&starting(date!(2026 - 06 - 05))).is_ok());
        assert!(assess(&starting(expected)).is_ok());
        for first_day in [date!(2026 - 06 - 04), date!(2026 - 06 - 21)] {
            assert_eq!(
                codes(&assess(&starting(first_day))),
                [RefusalCode::MaternityStartOutOfRange],
                "{first_day}"
            );
        }
    }

    #[test]
    fn leave_7_maternity_is_one_block_per_expected_delivery() {
        let expected = date!(2026 - 06 - 20);
        let mut earlier = existing(
            "lv-9",
            LeaveType::Maternity,
            whole_days(date!(2026 - 06 - 10), date!(2026 - 07 - 10)),
        );
        earlier.expected_delivery_on = Some(expected);
        let rest = maternity(
            whole_days(date!(2026 - 07 - 11), date!(2026 - 08 - 10)),
            expected,
        );
        assert_eq!(
            codes(&assess_for(&woman(), &rest, &[earlier], EARLY)),
            [
                RefusalCode::SplitMaternityLeave,
                RefusalCode::MaternityStartOutOfRange
            ]
        );
    }

    #[test]
    fn leave_7_maternity_is_for_women_and_paternity_for_men() {
        let span = whole_days(date!(2026 - 06 - 10), date!(2026 - 06 - 11));
        let expected = date!(2026 - 06 - 20);
        let facts = LeaveFacts {
            expected_delivery_on: Some(expected),
            ..LeaveFacts::default()
        };
        let maternity = application(LeaveType::Maternity, span, facts.clone());
        let paternity = application(LeaveType::Paternity, span, facts);
        assert_eq!(
            codes(&assess_for(&man(), &maternity, &[], EARLY)),
            [RefusalCode::WrongGender]
        );
        assert_eq!(
            codes(&assess_for(&woman(), &paternity, &[], EARLY)),
            [RefusalCode::WrongGender]
        );
        assert!(assess_for(&man(), &paternity, &[], EARLY).is_ok());
    }

    #[test]
    fn leave_7_paternity_is_3_scheduled_days_around_the_rest_day() {
        let expected = date!(2026 - 03 - 06);
        let paternity = |last_day| {
            application(
                LeaveType::Paternity,
                whole_days(date!(2026 - 03 - 06), last_day),
                LeaveFacts {
                    expected_delivery_on: Some(expected),
                    ..LeaveFacts::default()
                },
            )
        };
        // Friday 6 to Monday 9 March around Sunday's rest day: 3 days, filed an hour in.
        let filed = datetime!(2026-03-06 10:00 +8);
        let assessment = assess_for(&man(), &paternity(date!(2026 - 03 - 09)), &[], filed).unwrap();
        assert_eq!(assessment.duration, HalfDays::days(3));
        assert_eq!(assessment.entitlement, Some(HalfDays::days(3)));
        assert_eq!(
            codes(&assess_for(
                &man(),
                &paternity(date!(2026 - 03 - 10)),
                &[],
                filed
            )),
            [RefusalCode::OverEntitlement]
        );
        let mut earlier = existing(
            "lv-3",
            LeaveType::Paternity,
            whole_days(date!(2026 - 03 - 02), date!(2026 - 03 - 02)),
        );
        earlier.expected_delivery_on = Some(expected);
        assert_eq!(
            codes(&assess_for(
                &man(),
                &paternity(date!(2026 - 03 - 09)),
                &[earlier],
                filed
            )),
            [RefusalCode::SplitPaternityLeave]
        );
    }

    // ---- LEAVE-8 bereavement ----

    #[test]
    fn leave_8_a_parent_in_sichuan_is_3_plus_2_and_a_spouses_parent_elsewhere_1_plus_4() {
        let policy = LeavePolicy::default();
        let parent = bereavement_entitlement(&policy, Relation::Parent, Province::Sichuan);
        assert_eq!(parent.amount, HalfDays::days(5));
        assert_eq!(
            parent.basis,
            "(3 for a parent + 2 travel days for a funeral in Sichuan)"
        );
        let in_law = bereavement_entitlement(&policy, Relation::SpouseParent, Province::Guangdong);
        assert_eq!(in_law.amount, HalfDays::days(5));
        assert_eq!(
            in_law.basis,
            "(1 for a spouse's parent + 4 travel days for a funeral in Guangdong, outside Sichuan)"
        );
    }

    #[test]
    fn leave_8_a_sibling_elsewhere_allows_7_days_and_refuses_8() {
        let bereavement = |last_day| {
            application(
                LeaveType::Bereavement,
                whole_days(date!(2026 - 03 - 02), last_day),
                LeaveFacts {
                    relation: Some(Relation::Sibling),
                    funeral_province: Some(Province::Guangdong),
                    ..LeaveFacts::default()
                },
            )
        };
        // Monday 2 to Monday 9 March, Sunday off: 7 days.
        let assessment = assess(&bereavement(date!(2026 - 03 - 09))).unwrap();
        assert_eq!(assessment.duration, HalfDays::days(7));
        assert_eq!(assessment.entitlement, Some(HalfDays::days(7)));
        let refusals = assess(&bereavement(date!(2026 - 03 - 10))).unwrap_err();
        assert_eq!(refusals[0].code, RefusalCode::OverEntitlement);
        assert_eq!(
            refusals[0].detail,
            "bereavement leave is 7 working days (3 for a sibling + 4 travel days for a funeral in Guangdong, outside Sichuan); this request is 8"
        );
    }

    #[test]
    fn leave_8_bereavement_needs_the_relation_and_the_province() {
        let leave = application(
            LeaveType::Bereavement,
            whole_days(date!(2026 - 03 - 02), date!(2026 - 03 - 02)),
            LeaveFacts::default(),
        );
        let fields: Vec<_> = assess(&leave)
            .unwrap_err()
            .iter()
            .map(|r| r.field)
            .collect();
        assert_eq!(
            fields,
            [Some("facts.relation"), Some("facts.funeral_province")]
        );
    }

    // ---- durations ----

    #[test]
    fn leave_durations_skip_the_may_day_holiday_2026_05_01_to_05() {
        // Thursday 30 April to Wednesday 6 May: only the Thursday and the Wednesday.
        let span = whole_days(date!(2026 - 04 - 30), date!(2026 - 05 - 06));
        assert_eq!(duration(LeaveType::Personal, span), HalfDays::days(2));
        assert_eq!(duration(LeaveType::Maternity, span), HalfDays::days(7));
        let holiday_only = personal(whole_days(date!(2026 - 05 - 01), date!(2026 - 05 - 05)));
        assert_eq!(codes(&assess(&holiday_only)), [RefusalCode::EmptySpan]);
    }

    #[test]
    fn leave_durations_count_the_make_up_saturday_2026_02_28_even_on_a_saturday_rest_day() {
        let saturday_off = Roster {
            rest_day: Weekday::Saturday,
        };
        let count = |first, last| {
            leave_duration(
                &official_2026(),
                saturday_off,
                LeaveType::Personal,
                &whole_days(first, last),
            )
        };
        // Friday 27 February to Monday 2 March: the make-up Saturday is worked.
        assert_eq!(
            count(date!(2026 - 02 - 27), date!(2026 - 03 - 02)),
            HalfDays::days(4)
        );
        // The same weekdays a week later: that Saturday is the rest day.
        assert_eq!(
            count(date!(2026 - 03 - 06), date!(2026 - 03 - 09)),
            HalfDays::days(3)
        );
        // Spring Festival: Friday 13, make-up Saturday 14, 15–23 off, Tuesday 24.
        assert_eq!(
            count(date!(2026 - 02 - 13), date!(2026 - 02 - 24)),
            HalfDays::days(3)
        );
    }

    #[test]
    fn leave_durations_honour_half_days() {
        let count = |span| duration(LeaveType::Personal, span);
        // Tuesday afternoon to Thursday noon: 0.5 + 1 + 0.5.
        assert_eq!(
            count(halves(
                date!(2026 - 03 - 10),
                Half::Pm,
                date!(2026 - 03 - 12),
                Half::Am
            )),
            HalfDays(4)
        );
        let tuesday = date!(2026 - 03 - 10);
        assert_eq!(
            count(halves(tuesday, Half::Am, tuesday, Half::Am)),
            HalfDays(1)
        );
        assert_eq!(
            count(halves(tuesday, Half::Pm, tuesday, Half::Pm)),
            HalfDays(1)
        );
        assert_eq!(
            count(halves(tuesday, Half::Am, tuesday, Half::Pm)),
            HalfDays(2)
        );
        // Sunday afternoon (rest day) to Monday noon: only Monday morning.
        assert_eq!(
            count(halves(
                date!(2026 - 03 - 08),
                Half::Pm,
                date!(2026 - 03 - 09),
                Half::Am
            )),
            HalfDays(1)
        );
    }

    #[test]
    fn leave_spans_ending_before_they_start_are_invalid() {
        let tuesday = date!(2026 - 03 - 10);
        for span in [
            halves(tuesday, Half::Pm, tuesday, Half::Am),
            whole_days(tuesday, date!(2026 - 03 - 09)),
        ] {
            assert!(!span.is_valid());
            assert_eq!(duration(LeaveType::Personal, span), HalfDays::ZERO);
            let refusals = assess(&personal(span)).unwrap_err();
            assert_eq!(codes(&Err(refusals.clone())), [RefusalCode::InvalidSpan]);
            assert_eq!(refusals[0].field, Some("last_day"));
        }
    }

    #[test]
    fn leave_overlapping_another_leave_is_refused_but_adjacent_halves_are_not() {
        let taken = existing(
            "lv-7",
            LeaveType::Sick,
            halves(
                date!(2026 - 03 - 10),
                Half::Am,
                date!(2026 - 03 - 11),
                Half::Am,
            ),
        );
        let afternoon_on = personal(halves(
            date!(2026 - 03 - 11),
            Half::Pm,
            date!(2026 - 03 - 12),
            Half::Pm,
        ));
        assert!(assess_for(&woman(), &afternoon_on, std::slice::from_ref(&taken), EARLY).is_ok());
        let whole_day = personal(whole_days(date!(2026 - 03 - 11), date!(2026 - 03 - 11)));
        let refusals = assess_for(&woman(), &whole_day, &[taken], EARLY).unwrap_err();
        assert_eq!(codes(&Err(refusals.clone())), [RefusalCode::Overlap]);
        assert_eq!(
            refusals[0].detail,
            "2026-03-11 am to 2026-03-11 pm overlaps the sick leave lv-7 (2026-03-10 am to 2026-03-11 am)"
        );
    }

    #[test]
    fn leave_outside_employment_is_refused() {
        let newcomer = Applicant {
            hired_on: date!(2026 - 03 - 02),
            left_on: Some(date!(2026 - 06 - 30)),
            ..woman()
        };
        let before = personal(whole_days(date!(2026 - 02 - 27), date!(2026 - 03 - 02)));
        let refusals = assess_for(&newcomer, &before, &[], EARLY).unwrap_err();
        assert_eq!(
            (refusals[0].code, refusals[0].field),
            (RefusalCode::OutsideEmployment, Some("first_day"))
        );
        let after = personal(whole_days(date!(2026 - 06 - 29), date!(2026 - 07 - 01)));
        let refusals = assess_for(&newcomer, &after, &[], EARLY).unwrap_err();
        assert_eq!(
            (refusals[0].code, refusals[0].field),
            (RefusalCode::OutsideEmployment, Some("last_day"))
        );
    }

    #[test]
    fn leave_refusals_are_all_collected() {
        let taken = existing(
            "lv-1",
            LeaveType::Personal,
            whole_days(date!(2026 - 03 - 16), date!(2026 - 03 - 16)),
        );
        let leave = application(
            LeaveType::Marriage,
            whole_days(date!(2026 - 03 - 16), date!(2026 - 03 - 17)),
            LeaveFacts::default(),
        );
        let result = assess_for(&woman(), &leave, &[taken], datetime!(2026-03-10 10:00 +8));
        assert_eq!(
            codes(&result),
            [
                RefusalCode::Overlap,
                RefusalCode::TooLate,
                RefusalCode::MissingFact,
                RefusalCode::MissingFact
            ]
        );
    }

    // ---- LEAVE-3, LEAVE-4, EMP-1 consequences of personal leave ----

    #[test]
    fn leave_3_each_personal_day_deducts_3_days_of_base_salary() {
        let leave = personal(halves(
            date!(2026 - 03 - 10),
            Half::Am,
            date!(2026 - 03 - 11),
            Half::Am,
        ));
        let consequences = assess(&leave).unwrap().consequences;
        assert_eq!(consequences.deduction_days, HalfDays(9));
        let sick_leave = sick(
            whole_days(date!(2026 - 03 - 10), date!(2026 - 03 - 10)),
            certificate(HospitalGrade::Grade2A),
        );
        assert_eq!(
            assess(&sick_leave).unwrap().consequences,
            LeaveConsequences::default()
        );
    }

    #[test]
    fn leave_4_three_consecutive_days_on_probation_extend_it_by_1_day() {
        let filed = datetime!(2026-03-05 10:00 +8);
        let three = personal(whole_days(date!(2026 - 03 - 10), date!(2026 - 03 - 12)));
        let consequences = assess_for(&on_probation(), &three, &[], filed)
            .unwrap()
            .consequences;
        assert_eq!(consequences.probation_extension_days, 1);
        assert_eq!(
            consequences.probation_end_after,
            Some(date!(2026 - 04 - 02))
        );
        let two = personal(whole_days(date!(2026 - 03 - 10), date!(2026 - 03 - 11)));
        let consequences = assess_for(&on_probation(), &two, &[], filed)
            .unwrap()
            .consequences;
        assert_eq!(consequences.probation_extension_days, 0);
        assert_eq!(consequences.probation_end_after, None);
        // Leave after probation ended does not touch it.
        let after = personal(whole_days(date!(2026 - 04 - 06), date!(2026 - 04 - 09)));
        let consequences = assess_for(&on_probation(), &after, &[], filed)
            .unwrap()
            .consequences;
        assert_eq!(consequences.probation_end_after, None);
    }

    #[test]
    fn leave_4_four_days_over_two_requests_extend_only_by_what_the_second_causes() {
        let filed = datetime!(2026-03-05 10:00 +8);
        let mut first = existing(
            "lv-1",
            LeaveType::Personal,
            whole_days(date!(2026 - 03 - 10), date!(2026 - 03 - 11)),
        );
        first.status = LeaveStatus::Pending;
        let second = personal(whole_days(date!(2026 - 03 - 17), date!(2026 - 03 - 18)));
        let consequences = assess_for(
            &on_probation(),
            &second,
            std::slice::from_ref(&first),
            filed,
        )
        .unwrap()
        .consequences;
        assert_eq!(consequences.probation_extension_days, 1);
        assert_eq!(
            consequences.probation_end_after,
            Some(date!(2026 - 04 - 02))
        );
        // A third day: the fourth's excess is already counted, this one adds 1 day more.
        let policy = LeavePolicy::default();
        let third = probation_extension(
            &policy,
            date!(2026 - 03 - 02),
            date!(2026 - 04 - 02),
            HalfDays::days(4),
            HalfDays::days(1),
        );
        assert_eq!((third.excess, third.days), (HalfDays::days(1), 1));
        // Half a day over rounds up to a whole day (Reading).
        let half_over = probation_extension(
            &policy,
            date!(2026 - 03 - 02),
            date!(2026 - 04 - 01),
            HalfDays::ZERO,
            HalfDays(5),
        );
        assert_eq!((half_over.excess, half_over.days), (HalfDays(1), 1));
    }

    #[test]
    fn emp_1_probation_is_never_extended_beyond_6_months_after_hiring() {
        let policy = LeavePolicy::default();
        assert_eq!(
            probation_last_possible_day(&policy, date!(2026 - 03 - 02)),
            date!(2026 - 09 - 01)
        );
        // 31 August + 6 months has no 31 February: probation may run through 28 February.
        assert_eq!(
            probation_last_possible_day(&policy, date!(2026 - 08 - 31)),
            date!(2027 - 02 - 28)
        );
        let near_the_cap = Applicant {
            probation_end: Some(date!(2026 - 08 - 31)),
            ..on_probation()
        };
        // Monday 24 to Friday 28 August: 5 days, 3 over the consecutive limit; hired 2 March,
        // so 6 months of probation end on 1 September at the latest.
        let leave = personal(whole_days(date!(2026 - 08 - 24), date!(2026 - 08 - 28)));
        let assessment = assess_for(&near_the_cap, &leave, &[], EARLY).unwrap();
        assert_eq!(
            assessment.consequences.probation_end_after,
            Some(date!(2026 - 09 - 01))
        );
        assert_eq!(assessment.consequences.probation_extension_days, 1);
        assert!(
            assessment
                .reasons
                .iter()
                .any(|r| r.rule == "EMP-1" && r.detail.contains("2026-09-01")),
            "{:?}",
            assessment.reasons
        );
    }

    #[test]
    fn leave_4_30_days_of_personal_leave_in_a_year_pass_and_30_5_flag_a_review() {
        // 2 March to 2 April 2026: 26 scheduled days in March and 2 in April.
        let taken = existing(
            "lv-1",
            LeaveType::Personal,
            whole_days(date!(2026 - 03 - 02), date!(2026 - 04 - 02)),
        );
        assert_eq!(taken.duration, HalfDays::days(28));
        let two = personal(whole_days(date!(2026 - 06 - 01), date!(2026 - 06 - 02)));
        let at_30 = assess_for(&woman(), &two, std::slice::from_ref(&taken), EARLY).unwrap();
        assert!(!at_30.consequences.yearly_review_flag);
        let two_and_a_half = personal(halves(
            date!(2026 - 06 - 01),
            Half::Am,
            date!(2026 - 06 - 03),
            Half::Am,
        ));
        let at_30_5 = assess_for(&woman(), &two_and_a_half, &[taken], EARLY).unwrap();
        assert!(at_30_5.consequences.yearly_review_flag);
        assert!(at_30_5.reasons.iter().any(|r| r.rule == "LEAVE-4"
            && r.detail
                == "30.5 days of personal leave in 2026 is more than 30: termination review"));
    }

    // ---- LEAVE-5 sick leave ----

    #[test]
    fn leave_5_a_certificate_from_a_grade_2b_hospital_is_refused_and_2a_accepted() {
        let span = whole_days(date!(2026 - 03 - 10), date!(2026 - 03 - 10));
        let refusals = assess(&sick(span, certificate(HospitalGrade::Grade2B))).unwrap_err();
        assert_eq!(
            (refusals[0].code, refusals[0].field),
            (
                RefusalCode::CertificateGradeTooLow,
                Some("facts.certificate.hospital_grade")
            )
        );
        let assessment = assess(&sick(span, certificate(HospitalGrade::Grade2A))).unwrap();
        assert_eq!(assessment.certificate_due_by, None);
        assert_eq!(assessment.entitlement, None);
    }

    #[test]
    fn leave_5_sick_leave_without_a_certificate_has_it_due_24_hours_after_the_end() {
        // Ends Wednesday 11 March at noon.
        let span = halves(
            date!(2026 - 03 - 10),
            Half::Am,
            date!(2026 - 03 - 11),
            Half::Am,
        );
        let assessment = assess(&sick(span, None)).unwrap();
        assert_eq!(
            assessment.certificate_due_by,
            Some(datetime!(2026-03-12 12:00 +8))
        );
        assert!(
            assessment
                .reasons
                .iter()
                .any(|r| r.rule == "LEAVE-5" && r.detail.contains("count as personal leave"))
        );
    }

    // ---- balances ----

    #[test]
    fn leave_balances_count_the_year_by_status_and_show_fixed_entitlements() {
        let mut pending = existing(
            "lv-2",
            LeaveType::Personal,
            whole_days(date!(2026 - 03 - 17), date!(2026 - 03 - 17)),
        );
        pending.status = LeaveStatus::Pending;
        let leaves = [
            existing(
                "lv-1",
                LeaveType::Personal,
                whole_days(date!(2026 - 03 - 10), date!(2026 - 03 - 10)),
            ),
            pending,
            // 28–31 December 2026 count in 2026; January 2027 does not.
            existing(
                "lv-3",
                LeaveType::Sick,
                whole_days(date!(2026 - 12 - 28), date!(2027 - 01 - 05)),
            ),
        ];
        let balances = leave_balances(
            &LeavePolicy::default(),
            &on_probation(),
            &leaves,
            2026,
            &official_2026(),
            Roster::default(),
        );
        let kinds: Vec<LeaveType> = balances.iter().map(|b| b.leave_type).collect();
        assert_eq!(kinds, LEAVE_TYPES);
        let personal = &balances[0];
        assert_eq!(
            (personal.taken, personal.pending),
            (HalfDays::days(1), HalfDays::days(1))
        );
        let limits = personal.personal.as_ref().unwrap();
        assert_eq!(limits.probation_end, Some(date!(2026 - 04 - 01)));
        assert_eq!(limits.probation_remaining, Some(HalfDays::days(1)));
        assert_eq!(limits.yearly_review_over, HalfDays::days(30));
        assert!(!limits.yearly_review_flag);
        assert_eq!(balances[1].taken, HalfDays::days(4));
        let entitlements: Vec<Option<HalfDays>> = balances.iter().map(|b| b.entitlement).collect();
        assert_eq!(
            entitlements,
            [
                None,
                None,
                Some(HalfDays::days(3)),
                Some(HalfDays::days(90)),
                Some(HalfDays::days(3)),
                None
            ]
        );
        assert!(balances[5].reasons[0].detail.starts_with("per bereavement"));
        // The year after, probation is history.
        let next_year = leave_balances(
            &LeavePolicy::default(),
            &on_probation(),
            &leaves,
            2027,
            &official_2026(),
            Roster::default(),
        );
        assert_eq!(next_year[0].personal.as_ref().unwrap().probation_end, None);
        assert!(next_year[0].calendar_provisional);
        assert!(!next_year[3].calendar_provisional);
    }

    #[test]
    fn leave_balances_show_the_assessed_marriage_entitlement_once_filed() {
        let mut marriage = existing(
            "lv-4",
            LeaveType::Marriage,
            whole_days(date!(2026 - 07 - 01), date!(2026 - 07 - 08)),
        );
        marriage.entitlement = Some(HalfDays::days(7));
        let balances = leave_balances(
            &LeavePolicy::default(),
            &woman(),
            &[marriage],
            2026,
            &official_2026(),
            Roster::default(),
        );
        assert_eq!(balances[2].entitlement, Some(HalfDays::days(7)));
        assert_eq!(balances[2].taken, HalfDays::days(7));
    }

    // ---- the wire ----

    #[test]
    fn leave_enums_use_their_snake_case_wire_names() {
        let json = |value: serde_json::Value| value.as_str().unwrap().to_owned();
        let grades: Vec<String> = [
            HospitalGrade::Grade1,
            HospitalGrade::Grade2B,
            HospitalGrade::Grade2A,
            HospitalGrade::Grade3B,
            HospitalGrade::Grade3A,
            HospitalGrade::Grade3S,
        ]
        .iter()
        .map(|g| json(serde_json::to_value(g).unwrap()))
        .collect();
        assert_eq!(
            grades,
            [
                "grade_1", "grade_2b", "grade_2a", "grade_3b", "grade_3a", "grade_3s"
            ]
        );
        for (province, name) in [
            (Province::InnerMongolia, "inner_mongolia"),
            (Province::Shanxi, "shanxi"),
            (Province::Shaanxi, "shaanxi"),
            (Province::HongKong, "hong_kong"),
            (Province::Sichuan, "sichuan"),
        ] {
            assert_eq!(json(serde_json::to_value(province).unwrap()), name);
        }
        assert_eq!(
            json(serde_json::to_value(RefusalCode::MaternityStartOutOfRange).unwrap()),
            "maternity_start_out_of_range"
        );
        assert_eq!(
            json(serde_json::to_value(Relation::SpouseParent).unwrap()),
            "spouse_parent"
        );
    }

    #[test]
    fn leave_applications_read_the_span_at_the_top_level_and_dates_as_iso() {
        let body = r#"{
            "leave_type": "bereavement",
            "first_day": "2026-03-02", "first_half": "pm",
            "last_day": "2026-03-04", "last_half": "am",
            "facts": {"relation": "spouse_parent", "funeral_province": "sichuan"}
        }"#;
        let parsed: LeaveApplication = serde_json::from_str(body).unwrap();
        assert_eq!(
            parsed.span,
            halves(
                date!(2026 - 03 - 02),
                Half::Pm,
                date!(2026 - 03 - 04),
                Half::Am
            )
        );
        assert_eq!(parsed.facts.relation, Some(Relation::SpouseParent));
        assert_eq!(parsed.facts.funeral_province, Some(Province::Sichuan));
        assert!(!parsed.facts.emergency);
        let no_facts = r#"{"leave_type": "personal", "first_day": "2026-03-02",
            "first_half": "am", "last_day": "2026-03-02", "last_half": "pm"}"#;
        assert!(serde_json::from_str::<LeaveApplication>(no_facts).is_ok());
        let bad_date = body.replace("2026-03-04", "2026-02-30");
        assert!(serde_json::from_str::<LeaveApplication>(&bad_date).is_err());
    }

    #[test]
    fn leave_assessments_write_instants_in_rfc_3339_and_dates_as_iso() {
        let span = halves(
            date!(2026 - 03 - 10),
            Half::Am,
            date!(2026 - 03 - 11),
            Half::Am,
        );
        let json = serde_json::to_value(assess(&sick(span, None)).unwrap()).unwrap();
        assert_eq!(json["certificate_due_by"], "2026-03-12T12:00:00+08:00");
        assert_eq!(json["duration"], 1.5);
        assert_eq!(
            json["chain"],
            serde_json::json!(["department_head", "hr", "general_manager"])
        );
        let three = personal(whole_days(date!(2026 - 03 - 10), date!(2026 - 03 - 12)));
        let assessment = assess_for(&on_probation(), &three, &[], datetime!(2026-03-05 10:00 +8));
        let json = serde_json::to_value(assessment.unwrap()).unwrap();
        assert_eq!(json["consequences"]["probation_end_after"], "2026-04-02");
    }

    // ---- properties ----

    fn any_leave_type() -> impl Strategy<Value = LeaveType> {
        prop::sample::select(LEAVE_TYPES.to_vec())
    }

    fn any_half() -> impl Strategy<Value = Half> {
        prop::sample::select(vec![Half::Am, Half::Pm])
    }

    proptest! {
        #[test]
        fn leave_duration_never_exceeds_two_halves_per_calendar_day(
            offset in 0i64..730, length in 0i64..120,
            first_half in any_half(), last_half in any_half(), leave_type in any_leave_type(),
        ) {
            let first_day = date!(2026 - 01 - 01) + Duration::days(offset);
            let span = halves(first_day, first_half, first_day + Duration::days(length), last_half);
            let counted = leave_duration(&official_2026(), Roster::default(), leave_type, &span);
            prop_assert!(i64::from(counted.half_days()) <= 2 * (length + 1));
        }

        #[test]
        fn leave_1_every_chain_starts_with_the_department_head_and_ends_with_hr_or_the_gm(
            half_days in 0u32..400, leave_type in any_leave_type(),
        ) {
            let (chain, _) = approval_chain(&LeavePolicy::default(), leave_type, HalfDays(half_days));
            prop_assert_eq!(chain.first(), Some(&ApprovalStep::DepartmentHead));
            prop_assert!(matches!(
                chain.last(),
                Some(ApprovalStep::Hr | ApprovalStep::GeneralManager)
            ));
        }

        #[test]
        fn emp_1_a_probation_extension_never_runs_past_6_months_after_hiring(
            hired in 0i64..1500, served in 0i64..184, earlier in 0u32..20, request in 0u32..40,
        ) {
            let policy = LeavePolicy::default();
            let hired_on = date!(2026 - 01 - 01) + Duration::days(hired);
            let cap = probation_last_possible_day(&policy, hired_on);
            prop_assert!(cap <= add_months(hired_on, policy.probation_cap_months));
            let probation_end = (hired_on + Duration::days(served)).min(cap);
            let extension = probation_extension(
                &policy, hired_on, probation_end, HalfDays(earlier), HalfDays(request),
            );
            prop_assert!(extension.new_end <= cap);
            prop_assert!(extension.new_end >= probation_end);
            prop_assert!(extension.days <= extension.excess.whole_days_rounded_up());
        }
    }

    #[test]
    fn leave_types_round_trip() {
        use crate::text_enum::{assert_round_trips, assert_serde_names_match};
        assert_round_trips(&LeaveType::ALL, LeaveType::as_str);
        assert_serde_names_match(&LeaveType::ALL, LeaveType::as_str);
        assert_eq!(
            LeaveType::ALL.map(LeaveType::as_str),
            [
                "personal",
                "sick",
                "marriage",
                "maternity",
                "paternity",
                "bereavement"
            ]
        );
    }
}

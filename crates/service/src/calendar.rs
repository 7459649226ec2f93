//! CAL-1..4: the business calendar — importing a year's official schedule, reading a year, a
//! day, and counting working days on the calendar as stored.

use time::Date;
use zhidu_domain::calendar::{
    BusinessCalendar, CalendarDay, OnCalendar, ScheduleDay, ScheduleProblem, YearSchedule,
    validate_year_schedule,
};
use zhidu_store::audit::Actor;
use zhidu_store::calendar;
use zhidu_store::db::DbConnection;

use crate::error::{ServiceError, ServiceResult};

pub use zhidu_store::StoreError;
pub use zhidu_store::calendar::StoredYear;

/// A year's schedule as a file gives it (holiday-cn): the year it declares, the notices it
/// comes from, its special days.
#[derive(Debug, Clone)]
pub struct ScheduleFile {
    pub year: i32,
    pub papers: Vec<String>,
    pub days: Vec<ScheduleDay>,
}

/// CAL-1: checks a schedule file sent for `year`, naming each bad entry; the schedule and its
/// papers when it is admitted.
pub fn schedule_from_file(
    year: i32,
    file: ScheduleFile,
) -> Result<(YearSchedule, Vec<String>), Vec<ScheduleProblem>> {
    let schedule = validate_year_schedule(year, file.year, file.days)?;
    Ok((schedule, file.papers))
}

/// CAL-1: imports or replaces a year's checked schedule; past stored results are not
/// recomputed (CAL-2).
pub fn import_year(
    connection: &mut DbConnection,
    actor: &Actor,
    schedule: &YearSchedule,
    papers: &[String],
) -> ServiceResult<StoredYear> {
    Ok(calendar::replace_year(connection, actor, schedule, papers)?)
}

/// A year's stored schedule; `None` for a year never imported (provisional, CAL-2).
pub fn find_year(connection: &mut DbConnection, year: i32) -> ServiceResult<Option<StoredYear>> {
    Ok(calendar::find_year(connection, year)?)
}

/// The business calendar as stored: every imported year, the rest provisional.
pub fn business_calendar(connection: &mut DbConnection) -> ServiceResult<BusinessCalendar> {
    Ok(calendar::load_calendar(connection)?)
}

/// CAL-1, CAL-2: whether `date` is a working day, and why.
pub fn day(connection: &mut DbConnection, date: Date) -> ServiceResult<CalendarDay> {
    Ok(business_calendar(connection)?.day(date))
}

/// CAL-4: the `days`th working day after `from`.
pub fn add_working_days(
    connection: &mut DbConnection,
    from: Date,
    days: u32,
) -> ServiceResult<OnCalendar<Date>> {
    business_calendar(connection)?
        .add_working_days(from, days)
        .map_err(|e| ServiceError::field_refused("days", e.to_string()))
}

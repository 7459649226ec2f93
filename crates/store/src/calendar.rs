//! CAL: the official schedules per year.

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, PrimitiveDateTime};
use zhidu_domain::calendar::{BusinessCalendar, ScheduleDay, YearSchedule, validate_year_schedule};

use crate::audit::{self, Actor};
use crate::db::{DbConnection, insert_rows};
use crate::schema::{calendar_days, calendar_years};
use crate::{StoreError, StoreResult};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = calendar_years)]
pub struct CalendarYear {
    pub year: i32,
    /// JSON array of the State Council notices the schedule came from.
    pub papers: String,
    pub published: bool,
    pub imported_at: PrimitiveDateTime,
    pub imported_by: String,
}

impl CalendarYear {
    /// The notices, as kept.
    pub fn paper_list(&self) -> StoreResult<Vec<String>> {
        serde_json::from_str(&self.papers).map_err(|error| {
            StoreError::Corrupt(format!("calendar year {} papers: {error}", self.year))
        })
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = calendar_days)]
pub struct CalendarDayRow {
    pub date: Date,
    pub year: i32,
    pub name: String,
    pub is_off_day: bool,
}

/// A stored year with its days, in date order.
#[derive(Debug, Clone, Serialize)]
pub struct StoredYear {
    pub year: CalendarYear,
    pub days: Vec<CalendarDayRow>,
}

pub fn find_year(connection: &mut DbConnection, year: i32) -> StoreResult<Option<StoredYear>> {
    let Some(header) = calendar_years::table
        .find(year)
        .select(CalendarYear::as_select())
        .first(connection)
        .optional()?
    else {
        return Ok(None);
    };
    let days = calendar_days::table
        .filter(calendar_days::year.eq(year))
        .order(calendar_days::date.asc())
        .select(CalendarDayRow::as_select())
        .load(connection)?;
    Ok(Some(StoredYear { year: header, days }))
}

/// The business calendar as stored now; a few hundred rows, read per use so every replica
/// sees an import at once.
pub fn load_calendar(connection: &mut DbConnection) -> StoreResult<BusinessCalendar> {
    Ok(BusinessCalendar::new(load_schedules(connection)?))
}

/// Every stored schedule, ready for `BusinessCalendar::new`: a few hundred rows at most.
pub fn load_schedules(connection: &mut DbConnection) -> StoreResult<Vec<YearSchedule>> {
    let years: Vec<i32> = calendar_years::table
        .select(calendar_years::year)
        .load(connection)?;
    let days = calendar_days::table
        .order(calendar_days::date.asc())
        .select(CalendarDayRow::as_select())
        .load(connection)?;
    years
        .into_iter()
        .map(|year| {
            let year_days = days
                .iter()
                .filter(|d| d.year == year)
                .map(|d| ScheduleDay {
                    date: d.date,
                    name: d.name.clone(),
                    is_off_day: d.is_off_day,
                })
                .collect();
            validate_year_schedule(year, year, year_days)
                .map_err(|_| StoreError::Corrupt(format!("calendar year {year}")))
        })
        .collect()
}

/// Replaces a year's schedule with `schedule` (CAL-1); the previous one goes to the audit.
pub fn replace_year(
    connection: &mut DbConnection,
    actor: &Actor,
    schedule: &YearSchedule,
    papers: &[String],
) -> StoreResult<StoredYear> {
    let year = schedule.year();
    let before = find_year(connection, year)?;
    diesel::delete(calendar_days::table.filter(calendar_days::year.eq(year)))
        .execute(connection)?;
    diesel::delete(calendar_years::table.find(year)).execute(connection)?;
    let header = CalendarYear {
        year,
        papers: serde_json::to_string(papers).unwrap_or_else(|_| "[]".into()),
        published: schedule.is_published(),
        imported_at: actor.at.stored(),
        imported_by: actor.subject.clone(),
    };
    diesel::insert_into(calendar_years::table)
        .values(&header)
        .execute(connection)?;
    let days: Vec<CalendarDayRow> = schedule
        .days()
        .iter()
        .map(|d| CalendarDayRow {
            date: d.date,
            year,
            name: d.name.clone(),
            is_off_day: d.is_off_day,
        })
        .collect();
    insert_rows!(connection, calendar_days::table, &days)?;
    let after = StoredYear { year: header, days };
    audit::record(
        connection,
        actor,
        "calendar.import_year",
        ("calendar_year", &year.to_string()),
        before.as_ref(),
        Some(&after),
    )?;
    Ok(after)
}

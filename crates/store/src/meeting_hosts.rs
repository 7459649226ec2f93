//! DISC meeting host (每日开会负责人): the host set for each working day, and the days owed
//! from confirmed discipline records.

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, PrimitiveDateTime};

use crate::StoreResult;
use crate::audit::{self, Actor};
use crate::db::{DbConnection, insert_rows, save_versioned};
use crate::schema::{meeting_host_days, meeting_host_duties};

/// The host set for one day.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = meeting_host_days)]
pub struct MeetingHostDay {
    pub day: Date,
    pub employee_id: String,
    pub set_by: String,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

/// A day owed under DISC by a confirmed record.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = meeting_host_duties)]
pub struct MeetingHostDuty {
    pub day: Date,
    pub employee_id: String,
    pub discipline_record_id: String,
    pub created_at: PrimitiveDateTime,
}

pub fn find_host_day(
    connection: &mut DbConnection,
    day: Date,
) -> StoreResult<Option<MeetingHostDay>> {
    Ok(meeting_host_days::table
        .find(day)
        .select(MeetingHostDay::as_select())
        .first(connection)
        .optional()?)
}

/// Sets or changes a day's host; a row changed since `before` was read is `StaleVersion`.
pub fn save_host_day(
    connection: &mut DbConnection,
    actor: &Actor,
    before: Option<&MeetingHostDay>,
    after: &MeetingHostDay,
) -> StoreResult<()> {
    save_versioned!(&mut *connection, meeting_host_days, before, after, |row| {
        &row.day
    })?;
    audit::record(
        connection,
        actor,
        "meeting_host_day.set",
        ("meeting_host_day", &after.day.to_string()),
        before,
        Some(after),
    )
}

/// The hosts set for the days `first..=last`.
pub fn host_days_between(
    connection: &mut DbConnection,
    first: Date,
    last: Date,
) -> StoreResult<Vec<MeetingHostDay>> {
    Ok(meeting_host_days::table
        .filter(meeting_host_days::day.between(first, last))
        .order(meeting_host_days::day.asc())
        .select(MeetingHostDay::as_select())
        .load(connection)?)
}

/// The days owed on or after `first` (through `last` when given).
pub fn duties_from(
    connection: &mut DbConnection,
    first: Date,
    last: Option<Date>,
) -> StoreResult<Vec<MeetingHostDuty>> {
    let mut query = meeting_host_duties::table
        .filter(meeting_host_duties::day.ge(first))
        .order(meeting_host_duties::day.asc())
        .select(MeetingHostDuty::as_select())
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(last) = last {
        query = query.filter(meeting_host_duties::day.le(last));
    }
    Ok(query.load(connection)?)
}

/// Stores the days a confirmed record owes, with an audit row each.
pub fn insert_duties(
    connection: &mut DbConnection,
    actor: &Actor,
    duties: &[MeetingHostDuty],
) -> StoreResult<()> {
    if duties.is_empty() {
        return Ok(());
    }
    insert_rows!(&mut *connection, meeting_host_duties::table, duties)?;
    let rows: Vec<audit::AuditRecord> = duties
        .iter()
        .map(|duty| {
            audit::entry(
                actor,
                "meeting_host_duty.owe",
                ("meeting_host_duty", &duty.day.to_string()),
                None::<&()>,
                Some(duty),
            )
        })
        .collect();
    audit::record_all(connection, &rows)
}

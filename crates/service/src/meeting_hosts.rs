//! DISC meeting host (每日开会负责人): who hosts the daily meeting on each working day — the
//! host a manager set for the day, unless someone owes the day from a confirmed discipline
//! record (a forgotten call, a late report).

use std::collections::{BTreeMap, BTreeSet};

use time::{Date, Duration, OffsetDateTime};
use zhidu_domain::calendar::SHANGHAI;
use zhidu_domain::discipline::Penalty;
use zhidu_domain::meeting::{
    HostDay, MeetingPolicy, host_roster, owed_hosting_days, report_is_late,
};
use zhidu_store::audit::Actor;
use zhidu_store::clock::stored_utc;
use zhidu_store::db::DbConnection;
use zhidu_store::meeting_hosts as store;

pub use zhidu_store::meeting_hosts::{MeetingHostDay, MeetingHostDuty};

use crate::access::Identity;
use crate::calendar::business_calendar;
use crate::discipline::{DisciplineRecord, NewRecord, RecordFlags, may_decide_for, record_offense};
use crate::error::{ServiceError, ServiceResult};
use crate::people::{ensure_employed, existing_employee};

/// The offense a late report is recorded as (in the DISC catalog).
pub const MEETING_REPORT_LATE: &str = "meeting_report_late";

/// The longest span one roster request covers, in days.
const LONGEST_ROSTER_DAYS: i64 = 366;

/// DISC meeting host: each working day of `from..=to` with its host (or none yet).
pub fn roster(
    connection: &mut DbConnection,
    from: Date,
    to: Date,
) -> ServiceResult<Vec<HostDay<String>>> {
    if to < from {
        return Err(ServiceError::field_refused("to", "must not be before from"));
    }
    if to - from >= Duration::days(LONGEST_ROSTER_DAYS) {
        return Err(ServiceError::field_refused(
            "to",
            format!("a roster covers at most {LONGEST_ROSTER_DAYS} days"),
        ));
    }
    let calendar = business_calendar(connection)?;
    let base: BTreeMap<Date, String> = store::host_days_between(connection, from, to)?
        .into_iter()
        .map(|day| (day.day, day.employee_id))
        .collect();
    let owed: BTreeMap<Date, (String, String)> = store::duties_from(connection, from, Some(to))?
        .into_iter()
        .map(|duty| (duty.day, (duty.employee_id, duty.discipline_record_id)))
        .collect();
    Ok(host_roster(&calendar, (from, to), &base, &owed))
}

/// Sets who hosts the working day `day`, at the version read (none before the day's first
/// host); an employee who owes the day still hosts it.
pub fn set_host(
    connection: &mut DbConnection,
    caller: &impl Identity,
    day: Date,
    employee_id: &str,
    version: Option<i64>,
) -> ServiceResult<MeetingHostDay> {
    if !business_calendar(connection)?.is_working_day(day) {
        return Err(ServiceError::field_refused(
            "date",
            format!("{day} is not a working day; the meeting is held on working days"),
        ));
    }
    let employee = existing_employee(connection, "employee_id", employee_id)?;
    ensure_employed(&employee)?;
    let before = store::find_host_day(connection, day)?;
    if before.as_ref().map(|b| b.version) != version {
        return Err(ServiceError::Stale(
            "send the day's current version (none before its first host)".into(),
        ));
    }
    let actor = caller.actor();
    let now = actor.at.stored();
    let after = MeetingHostDay {
        day,
        employee_id: employee.id,
        set_by: caller.subject().to_owned(),
        version: before.as_ref().map_or(1, |b| b.version + 1),
        created_at: before.as_ref().map_or(now, |b| b.created_at),
        updated_at: now,
    };
    store::save_host_day(connection, actor, before.as_ref(), &after)?;
    Ok(after)
}

/// DISC meeting host: the hosting days a confirmed record's penalty owes, stored in the
/// confirmation's transaction: the next working days after the offense day (or after the
/// confirmation day, when the record was confirmed later), queued after the days already owed.
pub fn owe_hosting_days(
    connection: &mut DbConnection,
    actor: &Actor,
    (employee_id, record_id): (&str, &str),
    occurred_at: time::PrimitiveDateTime,
    penalty: &Penalty,
) -> ServiceResult<Vec<MeetingHostDuty>> {
    let days = penalty.hosting_days();
    if days == 0 {
        return Ok(Vec::new());
    }
    let offense_day = occurred_at.assume_utc().to_offset(SHANGHAI).date();
    let after = offense_day.max(actor.at.today());
    let calendar = business_calendar(connection)?;
    let first = after.next_day().unwrap_or(after);
    let already_owed: BTreeSet<Date> = store::duties_from(connection, first, None)?
        .into_iter()
        .map(|duty| duty.day)
        .collect();
    let owed = owed_hosting_days(&calendar, after, days, &already_owed)
        .map_err(|e| ServiceError::conflict(e.to_string()))?;
    let now = actor.at.stored();
    let duties: Vec<MeetingHostDuty> = owed
        .into_iter()
        .map(|day| MeetingHostDuty {
            day,
            employee_id: employee_id.to_owned(),
            discipline_record_id: record_id.to_owned(),
            created_at: now,
        })
        .collect();
    store::insert_duties(connection, actor, &duties)?;
    Ok(duties)
}

/// DISC meeting host: a member's report on the host's call at `called_at`. A report more than
/// the policy's grace after the call (or none) records `meeting_report_late` for the member,
/// as occurring at the call, through the discipline desk (ACC-3 applies before it is
/// confirmed); a report in time records nothing.
pub fn record_report(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &MeetingPolicy,
    employee_id: &str,
    called_at: OffsetDateTime,
    reported_at: Option<OffsetDateTime>,
) -> ServiceResult<Option<DisciplineRecord>> {
    if reported_at.is_some_and(|reported| reported < called_at) {
        return Err(ServiceError::field_refused(
            "reported_at",
            "a report comes after the call",
        ));
    }
    let employee = existing_employee(connection, "employee_id", employee_id)?;
    if !may_decide_for(connection, caller, &employee)? {
        return Err(ServiceError::forbidden(
            "a manager records meeting reports only for the employees they manage",
        ));
    }
    if !report_is_late(policy, called_at, reported_at) {
        return Ok(None);
    }
    let details = match reported_at {
        Some(reported) => format!(
            "reported {} s after the call (more than {} s)",
            (reported - called_at).whole_seconds(),
            policy.report_grace_seconds
        ),
        None => "did not report after the call".to_owned(),
    };
    let record = record_offense(
        connection,
        caller,
        NewRecord {
            employee_id: employee.id,
            offense_code: MEETING_REPORT_LATE.to_owned(),
            occurred_at: stored_utc(called_at),
            details,
            count: None,
            flags: RecordFlags::default(),
        },
    )?;
    Ok(Some(record))
}

//! Bringing a database to a usable state: migrations, the official calendars, the first admin.

use zhidu_store::audit::Actor;
use zhidu_store::clock::Moment;
use zhidu_store::db::{DbConnection, run_migrations, write_transaction};
use zhidu_store::{calendar, users};

use crate::auth::{self, Role};
use crate::error::ApiError;
use crate::extract::parse_json;
use crate::routes::calendar::{HolidaySchedule, schedule_refused};
use zhidu_service::users::new_user;

/// The official schedules shipped with the service (holiday-cn, MIT), loaded on the first
/// migration (CAL-1). Later years are imported with `PUT /api/v1/calendar/years/{year}`.
const SHIPPED_SCHEDULES: [(i32, &str); 3] = [
    (2024, include_str!("../seed/holiday-cn/2024.json")),
    (2025, include_str!("../seed/holiday-cn/2025.json")),
    (2026, include_str!("../seed/holiday-cn/2026.json")),
];

/// What `prepare` did, for the start-up log.
#[derive(Debug, Default)]
pub struct Prepared {
    pub migrations_applied: Vec<String>,
    pub calendar_years_loaded: Vec<i32>,
    /// Set when the first admin was created with a generated password, to print once.
    pub generated_admin_password: Option<String>,
    pub admin_created: bool,
}

/// Applies pending migrations; on the first one, loads the shipped calendars; on an empty
/// user table, creates `admin` with `admin_password` or a generated one.
pub fn prepare(
    connection: &mut DbConnection,
    admin_password: Option<&str>,
    now: Moment,
) -> Result<Prepared, ApiError> {
    let mut prepared = Prepared {
        migrations_applied: run_migrations(connection)?,
        ..Prepared::default()
    };
    let actor = Actor::system(now);
    write_transaction(connection, |connection| {
        if !prepared.migrations_applied.is_empty()
            && calendar::load_schedules(connection)?.is_empty()
        {
            for (year, file) in SHIPPED_SCHEDULES {
                let file = parse_json::<HolidaySchedule>(file.as_bytes())?;
                let (schedule, papers) =
                    zhidu_service::calendar::schedule_from_file(year, file.into())
                        .map_err(schedule_refused)?;
                calendar::replace_year(connection, &actor, &schedule, &papers)?;
                prepared.calendar_years_loaded.push(year);
            }
        }
        zhidu_service::discipline::seed_catalog(connection, &actor)?;
        if users::count(connection)? == 0 {
            let (password, generated) = match admin_password {
                Some(password) => (password.to_owned(), false),
                None => (crate::config::random_secret(18), true),
            };
            let admin = new_user(
                "admin",
                "Administrator",
                auth::hash_password(&password)?,
                &[Role::Admin],
                now,
            );
            users::insert(connection, &actor, &admin)?;
            prepared.admin_created = true;
            prepared.generated_admin_password = generated.then_some(password);
        }
        Ok::<_, ApiError>(())
    })?;
    Ok(prepared)
}

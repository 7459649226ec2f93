//! The test clock: integrators who test a frontend or a partner integration move the server's
//! time forward to see an SLA breach, an overdue return visit or a month close without waiting.
//! Served only by a server started with `--test-clock` (`ZHIDU_TEST_CLOCK=1`); elsewhere the
//! path answers 404, as if it did not exist.

use actix_web::{HttpResponse, delete, get, put, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_service::Moment;

use crate::auth::{Admins, Authorized};
use crate::error::{ApiError, AuthErrors, BodyErrors, Invalid, NotFound};
use crate::extract::Json;
use crate::state::AppState;
use crate::wire::Instant;

/// Under `/test-clock`.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(read_clock)
        .service(set_clock)
        .service(follow_real_time);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClockReading {
    /// The server's now, in the company's zone.
    pub now: Instant,
    /// True while the clock follows real time; false while it stands where it was set.
    pub real: bool,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetClock {
    /// Where the clock stands from now on; never earlier than it reads.
    pub now: Instant,
}

fn reading(state: &AppState, moment: Moment) -> ClockReading {
    ClockReading {
        now: Instant(moment.local()),
        real: !state.clock.is_standing(),
    }
}

/// A server on the real clock has no test clock to show: 404, as for any unknown path.
fn test_clock_only(state: &AppState) -> Result<(), ApiError> {
    if state.clock.is_test() {
        Ok(())
    } else {
        Err(ApiError::not_found(
            "this server runs on the real clock; the test clock exists only on a server started with --test-clock (ZHIDU_TEST_CLOCK=1)",
        ))
    }
}

fn refused(error: impl std::fmt::Display) -> ApiError {
    ApiError::field_refused("now", error.to_string())
}

/// The server's now (admin; only with `--test-clock`, else 404).
#[utoipa::path(
    tag = "test-clock",
    responses((status = 200, description = "The test clock's reading", body = ClockReading), AuthErrors, NotFound),
    security(("bearer" = []))
)]
#[get("")]
async fn read_clock(
    state: web::Data<AppState>,
    _caller: Authorized<Admins>,
) -> Result<HttpResponse, ApiError> {
    test_clock_only(&state)?;
    Ok(HttpResponse::Ok().json(reading(&state, state.now())))
}

/// Moves the clock forward to `now`, where it stands until moved again (admin; only with
/// `--test-clock`, else 404). Sweeps, reminders and every due or overdue list read it.
/// Moving it backwards is refused with 422: stored history must not go back in time.
#[utoipa::path(
    tag = "test-clock",
    request_body = SetClock,
    responses((status = 200, description = "The clock now stands at the given instant", body = ClockReading), BodyErrors, AuthErrors, NotFound),
    security(("bearer" = []))
)]
#[put("")]
async fn set_clock(
    state: web::Data<AppState>,
    caller: Authorized<Admins>,
    Json(request): Json<SetClock>,
) -> Result<HttpResponse, ApiError> {
    test_clock_only(&state)?;
    let moment = state.clock.set(request.now.0).map_err(refused)?;
    tracing::warn!(subject = %caller.actor.subject, now = %moment.local(), "test clock set");
    Ok(HttpResponse::Ok().json(reading(&state, moment)))
}

/// Returns to real time (admin; only with `--test-clock`, else 404). Refused with 422 while
/// the clock stands ahead of real time, which would move it backwards.
#[utoipa::path(
    tag = "test-clock",
    responses((status = 200, description = "The clock follows real time again", body = ClockReading), AuthErrors, NotFound, Invalid),
    security(("bearer" = []))
)]
#[delete("")]
async fn follow_real_time(
    state: web::Data<AppState>,
    caller: Authorized<Admins>,
) -> Result<HttpResponse, ApiError> {
    test_clock_only(&state)?;
    let moment = state.clock.follow_real_time().map_err(refused)?;
    tracing::warn!(subject = %caller.actor.subject, "test clock follows real time again");
    Ok(HttpResponse::Ok().json(reading(&state, moment)))
}

//! Liveness and readiness.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::{ApiError, Unavailable};
use crate::state::AppState;

pub fn configure(config: &mut ServiceConfig) {
    config.service(healthz).service(readyz);
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
    /// True on a server started with `--test-clock`: its time may be set by an admin.
    pub test_clock: bool,
}

/// The process is up.
#[utoipa::path(tag = "health", responses((status = 200, body = Health)))]
#[get("/healthz")]
async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok",
        test_clock: state.clock.is_test(),
    })
}

/// The process is up and the database answers.
#[utoipa::path(tag = "health", responses((status = 200, body = Health), Unavailable))]
#[get("/readyz")]
async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state
        .read(|connection| {
            if zhidu_service::health::database_answers(connection) {
                Ok(())
            } else {
                Err(ApiError::unavailable("the database does not answer"))
            }
        })
        .await?;
    Ok(HttpResponse::Ok().json(Health {
        status: "ready",
        test_clock: state.clock.is_test(),
    }))
}

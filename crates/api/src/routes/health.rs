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
}

/// The process is up.
#[utoipa::path(tag = "health", responses((status = 200, body = Health)))]
#[get("/healthz")]
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// The process is up and the database answers.
#[utoipa::path(tag = "health", responses((status = 200, body = Health), Unavailable))]
#[get("/readyz")]
async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state
        .read(|connection| {
            zhidu_store::db::ping(connection)
                .map_err(|_| ApiError::unavailable("the database does not answer"))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Health { status: "ready" }))
}

//! Operator metrics in the Prometheus text format: `GET /metrics` on the address of
//! `ZHIDU_METRICS_BIND` only, never on the API's own address, so they are not public unless
//! an operator publishes that address. Without it no recorder is installed and recording
//! costs nothing.
//!
//! - `http_requests_total{method, route, status}` and
//!   `http_request_duration_seconds{method, route}`: by route template (`/api/v1/customers/{id}`),
//!   so ids never multiply the series;
//! - `db_pool_connections`, `db_pool_idle_connections`, `db_pool_max_connections`, and
//!   `db_pool_wait_seconds` (time a request waited for a database permit) with
//!   `db_pool_timeouts_total` (waits that ended in a 503);
//! - `outbox_backlog` (messages waiting to be sent);
//! - `sla_sweep_duration_seconds` (the last SLA-5 sweep) and `sla_sweep_failures_total`.

use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{App, HttpResponse, HttpServer, web};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::Fatal;
use crate::state::AppState;

const REQUEST_SECONDS: &str = "http_request_duration_seconds";
const POOL_WAIT_SECONDS: &str = "db_pool_wait_seconds";

/// Installs the process's recorder; from here on every `metrics::` call is kept.
pub fn install() -> Result<PrometheusHandle, Fatal> {
    // From 1 ms to 10 s: a read is a few ms, anything near the acquire timeout is an outage.
    let buckets = [
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
    ];
    PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(REQUEST_SECONDS.to_owned()), &buckets)
        .and_then(|builder| {
            builder.set_buckets_for_metric(Matcher::Full(POOL_WAIT_SECONDS.to_owned()), &buckets)
        })
        .and_then(PrometheusBuilder::install_recorder)
        .map_err(|e| {
            Fatal(format!(
                "ZHIDU_METRICS_BIND: cannot start the metrics recorder: {e}"
            ))
        })
}

/// Middleware: counts and times every request by its route template and status.
pub async fn record_request(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = std::time::Instant::now();
    let method = request.method().to_string();
    let response = next.call(request).await?;
    let route = response
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let status = response.status().as_u16().to_string();
    metrics::histogram!(REQUEST_SECONDS, "method" => method.clone(), "route" => route.clone())
        .record(started.elapsed().as_secs_f64());
    metrics::counter!("http_requests_total", "method" => method, "route" => route, "status" => status)
        .increment(1);
    Ok(response)
}

/// A request waited `waited` for a database permit, and got one or timed out.
pub fn record_pool_wait(waited: Duration, admitted: bool) {
    metrics::histogram!(POOL_WAIT_SECONDS).record(waited.as_secs_f64());
    if !admitted {
        metrics::counter!("db_pool_timeouts_total").increment(1);
    }
}

/// An SLA-5 sweep took `took`; `succeeded` is false when it failed and will run again.
pub fn record_sweep(took: Duration, succeeded: bool) {
    metrics::gauge!("sla_sweep_duration_seconds").set(took.as_secs_f64());
    if !succeeded {
        metrics::counter!("sla_sweep_failures_total").increment(1);
    }
}

/// `GET /metrics`: the gauges read at scrape time (pool, outbox), then everything rendered.
async fn scrape(state: web::Data<AppState>, handle: web::Data<PrometheusHandle>) -> HttpResponse {
    let pool = state.pool.state();
    metrics::gauge!("db_pool_connections").set(f64::from(pool.connections));
    metrics::gauge!("db_pool_idle_connections").set(f64::from(pool.idle_connections));
    metrics::gauge!("db_pool_max_connections").set(f64::from(state.pool.max_size()));
    match state
        .read(|connection| Ok(zhidu_store::touches::pending_count(connection)?))
        .await
    {
        // A backlog is far below 2^52, where an f64 stops counting exactly.
        Ok(backlog) => metrics::gauge!("outbox_backlog").set(backlog as f64),
        Err(error) => tracing::warn!(%error, "metrics: cannot count the outbox backlog"),
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(handle.render())
}

/// The metrics server on `listener`: one worker, nothing but `GET /metrics`.
pub fn serve(
    listener: std::net::TcpListener,
    state: web::Data<AppState>,
    handle: PrometheusHandle,
) -> Result<actix_web::dev::Server, Fatal> {
    let handle = web::Data::new(handle);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(handle.clone())
            .route("/metrics", web::get().to(scrape))
    })
    .workers(1)
    .listen(listener)
    .map_err(|e| Fatal(format!("ZHIDU_METRICS_BIND: cannot serve metrics: {e}")))?;
    Ok(server.run())
}

//! The HTTP server: middleware, routes, the OpenAPI document and Swagger UI.

use std::sync::Arc;
use std::time::Duration;

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::Service;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{
    ACCEPT, ALLOW, AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue, LOCATION,
};
use actix_web::middleware::{Condition, ErrorHandlers};
use actix_web::{App, HttpMessage, HttpRequest, HttpServer, ResponseError, web};
use tokio::sync::Semaphore;
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RequestId, RootSpanBuilder, TracingLogger};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;
use zhidu_domain::after_sales::AfterSalesPolicy;
use zhidu_domain::area_contract::AreaPolicy;
use zhidu_domain::attendance::AttendancePolicy;
use zhidu_domain::care::CarePolicy;
use zhidu_domain::inbox::InboxPolicy;
use zhidu_domain::inspection::InspectionPolicy;
use zhidu_domain::leave::LeavePolicy;
use zhidu_domain::meeting::MeetingPolicy;
use zhidu_domain::payroll::PayrollPolicy;
use zhidu_domain::person::EmploymentPolicy;
use zhidu_domain::settlement::SettlementPolicy;
use zhidu_domain::sla::SlaPolicy;
use zhidu_domain::touch::TouchPolicy;
use zhidu_domain::training::TrainingPolicy;
use zhidu_domain::vip::VipPolicy;
use zhidu_service::policies::PolicyBook;
use zhidu_store::audit::Actor;
use zhidu_store::db::DatabaseUrl;

use crate::Fatal;
use crate::allowed_methods::AllowedMethods;
use crate::auth::{self, TokenKeys};
use crate::bootstrap;
use crate::config::{Config, CorsOrigins, LogFormat};
use crate::error::{ApiError, problem_for_bare_errors};
use crate::policy_cache::PolicyCache;
use crate::routes;
use crate::routes::sla::sweep_breaches;
use crate::state::AppState;

pub fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log_filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Colour only for a person at a terminal: a log redirected to a file or a collector gets
    // no escape sequences.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    match config.log_format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

/// The span of one request: method, path, request id and outcome. Unlike the default builder,
/// it computes nothing (client address, host, user agent) when the log filter disables it.
struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        tracing::info_span!(
            "http_request",
            http.method = %request.method(),
            http.target = %request.path(),
            request_id = %request
                .extensions()
                .get::<RequestId>()
                .map(ToString::to_string)
                .unwrap_or_default(),
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(
        span: Span,
        outcome: &Result<ServiceResponse<B>, actix_web::Error>,
    ) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

/// SLA-5 in the background: every replica sweeps; they share the work through row locks.
fn spawn_sla_sweeps(state: web::Data<AppState>, every: Duration) {
    actix_web::rt::spawn(async move {
        let mut ticker = actix_web::rt::time::interval(every);
        loop {
            ticker.tick().await;
            let started = std::time::Instant::now();
            let swept = sweep_breaches(&state, Actor::system(state.now())).await;
            crate::metrics::record_sweep(started.elapsed(), swept.is_ok());
            match swept {
                Ok(marked) if !marked.is_empty() => {
                    tracing::info!(
                        count = marked.len(),
                        "SLA sweep marked work orders breached"
                    );
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "SLA sweep failed; it will run again"),
            }
        }
    });
}

const OPENAPI_PATH: &str = "/api-docs/openapi.json";

/// A handler answering with the serialized OpenAPI document.
fn serve_document(
    document: web::Bytes,
) -> impl Fn() -> std::future::Ready<actix_web::HttpResponse> + Clone + 'static {
    move || {
        std::future::ready(
            actix_web::HttpResponse::Ok()
                .content_type("application/json")
                .body(document.clone()),
        )
    }
}

/// CORS for browser frontends on other origins (`ZHIDU_CORS_ORIGINS`): preflights answered,
/// the headers a client sends and reads allowed. Credentials (cookies) are never allowed: a
/// token travels in the Authorization header, which a listed origin may send.
fn cors(origins: &CorsOrigins) -> Cors {
    let cors = match origins {
        CorsOrigins::None => return Cors::default(),
        CorsOrigins::Any => Cors::default().allow_any_origin(),
        CorsOrigins::Listed(listed) => listed
            .iter()
            .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin)),
    };
    cors.allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            AUTHORIZATION,
            CONTENT_TYPE,
            ACCEPT,
            HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            LOCATION,
            HeaderName::from_static("x-request-id"),
            HeaderName::from_static("idempotent-replayed"),
        ])
        .max_age(3600)
}

/// No handler took the request: 405 with `Allow` when the path is documented for other
/// methods, else 404.
async fn no_route(
    request: HttpRequest,
    allowed: web::Data<AllowedMethods>,
) -> actix_web::HttpResponse {
    let methods = allowed.for_path(request.path());
    if methods.is_empty() {
        return ApiError::not_found(format!(
            "no route for {} {}",
            request.method(),
            request.path()
        ))
        .error_response();
    }
    let allow = methods
        .iter()
        .map(Method::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    let mut response = ApiError::method_not_allowed(format!(
        "{} does not answer {}; it answers {allow}",
        request.path(),
        request.method()
    ))
    .error_response();
    if let Ok(value) = HeaderValue::from_str(&allow) {
        response.headers_mut().insert(ALLOW, value);
    }
    response
}

/// Opens the database, prepares it, and serves until stopped.
pub async fn serve(config: Config) -> Result<(), Fatal> {
    // The address first: a port in use stops the start before a database is created or
    // migrated.
    let listener = std::net::TcpListener::bind(&config.bind)
        .map_err(|e| Fatal(format!("ZHIDU_BIND: cannot listen on {}: {e}", config.bind)))?;
    let metrics_listener = config
        .metrics_bind
        .as_ref()
        .map(|bind| {
            std::net::TcpListener::bind(bind)
                .map_err(|e| Fatal(format!("ZHIDU_METRICS_BIND: cannot listen on {bind}: {e}")))
        })
        .transpose()?;
    let metrics_handle = metrics_listener
        .is_some()
        .then(crate::metrics::install)
        .transpose()?;
    let clock = config.clock.build();
    if clock.is_test() {
        tracing::warn!(
            "TEST CLOCK ON: any admin may set this server's time through /api/v1/test-clock; never run it like this in production"
        );
        eprintln!(
            "zhidu: WARNING: the test clock is on (--test-clock / ZHIDU_TEST_CLOCK); it now reads {}",
            clock
                .now()
                .local()
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default()
        );
    }
    let admin_password = config.admin_password.clone();
    let now = clock.now();
    let setup_config = config.clone();
    let (pool, prepared, policy_book) = web::block(move || {
        let (pool, mut connection) = crate::connect(&setup_config)?;
        let prepared = bootstrap::prepare(&mut connection, admin_password.as_deref(), now)
            .map_err(|e| {
                Fatal::database(&setup_config.database_url, "cannot prepare the database", e)
            })?;
        let policy_book = PolicyBook::load(&mut connection).map_err(|e| {
            Fatal::database(&setup_config.database_url, "cannot read the policies", e)
        })?;
        Ok::<_, Fatal>((pool, prepared, policy_book))
    })
    .await
    .map_err(|e| Fatal(e.to_string()))??;
    tracing::info!(
        database = %config.database_url.redacted(),
        migrations = ?prepared.migrations_applied,
        calendar_years = ?prepared.calendar_years_loaded,
        "database ready"
    );
    if let Some(password) = &prepared.generated_admin_password {
        println!("created user admin with generated password: {password}");
        println!(
            "(shown once; set ZHIDU_ADMIN_PASSWORD to choose it, or run `zhidu admin reset-password admin`)"
        );
    } else if prepared.admin_created {
        println!("created user admin with the password from ZHIDU_ADMIN_PASSWORD");
    }
    if config.jwt_secret_generated {
        tracing::warn!(
            "ZHIDU_JWT_SECRET is not set: tokens are signed with a random key and die with this process"
        );
    }
    let state = web::Data::new(AppState {
        pool,
        clock,
        tokens: TokenKeys::new(&config.jwt_secret, config.token_ttl_seconds),
        policy_cache: PolicyCache::new(policy_book),
        sla_policy: SlaPolicy::default(),
        area_policy: AreaPolicy::default(),
        employment_policy: EmploymentPolicy::default(),
        attendance_policy: AttendancePolicy::default(),
        leave_policy: LeavePolicy::default(),
        payroll_policy: PayrollPolicy::default(),
        settlement_policy: SettlementPolicy::default(),
        care_policy: CarePolicy::default(),
        touch_policy: TouchPolicy::default(),
        after_sales_policy: AfterSalesPolicy::default(),
        inbox_policy: InboxPolicy::default(),
        inspection_policy: InspectionPolicy::default(),
        training_policy: TrainingPolicy::default(),
        vip_policy: VipPolicy::default(),
        meeting_policy: MeetingPolicy::default(),
        decoy_hash: auth::decoy_hash(),
        db_permits: Arc::new(Semaphore::new(config.pool.max_size as usize)),
        acquire_timeout: config.pool.acquire_timeout,
        reads_inline: matches!(config.database_url, DatabaseUrl::Sqlite(_)),
        concurrent_writes: matches!(config.database_url, DatabaseUrl::Postgres(_)),
    });
    // Database work is admitted by `db_permits`, so no more than the pool's size of blocking
    // tasks exist at once; each worker may need to run all of them.
    let blocking_threads = config.pool.max_size as usize;
    if !config.outbox.dispatch_every.is_zero() {
        crate::outbox::spawn_dispatcher(
            state.clone(),
            config.outbox.sender.build(),
            config.outbox.retry.clone(),
            config.outbox.dispatch_every,
        );
    }
    if config.sla_sweep_seconds > 0 {
        spawn_sla_sweeps(state.clone(), Duration::from_secs(config.sla_sweep_seconds));
    }
    let metrics_on = metrics_handle.is_some();
    if let (Some(listener), Some(handle)) = (metrics_listener, metrics_handle) {
        println!("zhidu metrics on http://{}/metrics", listener.local_addr()?);
        actix_web::rt::spawn(crate::metrics::serve(listener, state.clone(), handle)?);
    }
    // Serialized once and shared by every worker; Swagger UI reads it from the same URL.
    let specification = crate::openapi::document();
    let allowed_methods = web::Data::new(AllowedMethods::of(&specification));
    let document = web::Bytes::from(
        specification
            .to_json()
            .map_err(|e| Fatal(format!("cannot serialize the OpenAPI document: {e}")))?,
    );
    let cors_origins = config.cors_origins.clone();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(allowed_methods.clone())
            // A path segment that cannot be the parameter's type (`/calendar/years/x`) is an
            // invalid parameter, as a bad query parameter is.
            .app_data(web::PathConfig::default().error_handler(|error, _| {
                ApiError::invalid_field("path", error.to_string()).into()
            }))
            .wrap(ErrorHandlers::new().default_handler(problem_for_bare_errors))
            .wrap_fn(|request, service| {
                let request_id = request
                    .extensions()
                    .get::<RequestId>()
                    .map(ToString::to_string);
                let response = service.call(request);
                async move {
                    let mut response = response.await?;
                    if let Some(value) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
                        response
                            .headers_mut()
                            .insert(HeaderName::from_static("x-request-id"), value);
                    }
                    Ok(response)
                }
            })
            .wrap(TracingLogger::<RequestSpan>::new())
            .wrap(Condition::new(
                metrics_on,
                actix_web::middleware::from_fn(crate::metrics::record_request),
            ))
            .wrap(Condition::new(
                cors_origins != CorsOrigins::None,
                cors(&cors_origins),
            ))
            .into_utoipa_app()
            .configure(routes::configure)
            .into_app()
            .service(
                SwaggerUi::new("/swagger-ui/{_:.*}")
                    .config(utoipa_swagger_ui::Config::from(OPENAPI_PATH)),
            )
            .route(
                OPENAPI_PATH,
                web::get().to(serve_document(document.clone())),
            )
            .default_service(web::to(no_route))
    })
    .workers(config.workers)
    .worker_max_blocking_threads(blocking_threads)
    .listen(listener)?;
    for address in server.addrs() {
        println!(
            "zhidu listening on http://{address} ({} database)",
            config.database_url.backend_name()
        );
    }
    server.run().await?;
    Ok(())
}

//! The company's people: departments and employees with rank and superior (the model HR
//! extends; SLA-7 and complaint routing read the ranks).

use actix_web::{HttpResponse, get, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::sla::Rank;
use zhidu_store::db::DbConnection;
use zhidu_store::people::{self, Department, Employee};
use zhidu_store::{new_id, now_utc, users};

use crate::auth::{Authorized, PeopleAdmins, Staff};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::routes::{Page, PageParams};
use crate::state::AppState;
use crate::wire::Instant;

/// Under `/departments`.
pub fn configure_departments(config: &mut ServiceConfig) {
    config
        .service(create_department)
        .service(list_departments)
        .service(set_manager);
}

/// Under `/employees`.
pub fn configure_employees(config: &mut ServiceConfig) {
    config
        .service(create_employee)
        .service(list_employees)
        .service(get_employee);
}

pub fn rank_of(employee: &Employee) -> Rank {
    match employee.rank.as_str() {
        "general_manager" => Rank::GeneralManager,
        "manager" => Rank::Manager,
        _ => Rank::Staff,
    }
}

fn rank_text(rank: Rank) -> &'static str {
    match rank {
        Rank::Staff => "staff",
        Rank::Manager => "manager",
        Rank::GeneralManager => "general_manager",
    }
}

/// An employee by id, or a 422 naming `field`.
pub fn existing_employee(
    connection: &mut DbConnection,
    field: &str,
    id: &str,
) -> Result<Employee, ApiError> {
    people::find_employee(connection, id)?
        .ok_or_else(|| ApiError::invalid_field(field, format!("no employee {id}")))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentView {
    pub id: String,
    pub name: String,
    pub manager_id: Option<String>,
    pub version: i64,
    pub created_at: Instant,
}

impl From<Department> for DepartmentView {
    fn from(d: Department) -> Self {
        DepartmentView {
            id: d.id,
            name: d.name,
            manager_id: d.manager_id,
            version: d.version,
            created_at: Instant::from_utc(d.created_at),
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDepartment {
    #[validate(
        length(min = 1, max = 100, message = "must be 1–100 characters"),
        custom(function = "crate::checks::not_blank")
    )]
    #[schema(example = "客户服务中心", min_length = 1, max_length = 100)]
    pub name: String,
}

/// Create a department (admin, HR).
#[utoipa::path(
    tag = "people",
    request_body = CreateDepartment,
    responses((status = 201, body = DepartmentView), BodyErrors, AuthErrors, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn create_department(
    state: web::Data<AppState>,
    caller: Authorized<PeopleAdmins>,
    Json(request): Json<CreateDepartment>,
) -> Result<HttpResponse, ApiError> {
    let now = now_utc();
    let department = Department {
        id: new_id(),
        name: request.name.trim().to_owned(),
        manager_id: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let actor = caller.actor;
    let created = state
        .write(move |connection| {
            people::insert_department(connection, &actor, &department)?;
            Ok(department)
        })
        .await?;
    Ok(HttpResponse::Created().json(DepartmentView::from(created)))
}

/// Every department, by name.
#[utoipa::path(
    tag = "people",
    responses((status = 200, body = Vec<DepartmentView>), AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn list_departments(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
) -> Result<HttpResponse, ApiError> {
    let departments = state
        .read(|connection| Ok(people::list_departments(connection)?))
        .await?;
    let views: Vec<DepartmentView> = departments.into_iter().map(DepartmentView::from).collect();
    Ok(HttpResponse::Ok().json(views))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetManager {
    /// An employee of rank `manager` or `general_manager`.
    pub employee_id: String,
    pub version: i64,
}

/// Name a department's manager (admin, HR).
#[utoipa::path(
    tag = "people",
    params(("id" = String, Path, description = "Department id")),
    request_body = SetManager,
    responses((status = 200, body = DepartmentView), BodyErrors, AuthErrors, NotFound, Stale, Unavailable),
    security(("bearer" = []))
)]
#[put("/{id}/manager")]
async fn set_manager(
    state: web::Data<AppState>,
    caller: Authorized<PeopleAdmins>,
    id: web::Path<String>,
    Json(request): Json<SetManager>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor;
    let department = state
        .write(move |connection| {
            let department = people::find_department(connection, &id)?
                .ok_or_else(|| ApiError::not_found(format!("no department {id}")))?;
            if department.version != request.version {
                return Err(ApiError::stale("the department changed since you read it"));
            }
            let manager = existing_employee(connection, "employee_id", &request.employee_id)?;
            if rank_of(&manager) == Rank::Staff {
                return Err(ApiError::invalid_field(
                    "employee_id",
                    "a department manager must rank manager or above",
                ));
            }
            Ok(people::set_department_manager(
                connection,
                &actor,
                &department,
                &manager.id,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(DepartmentView::from(department)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EmployeeView {
    pub id: String,
    pub name: String,
    pub department_id: String,
    pub rank: Rank,
    pub superior_id: Option<String>,
    /// The staff account this employee signs in with.
    pub user_id: Option<String>,
    pub version: i64,
    pub created_at: Instant,
}

impl From<Employee> for EmployeeView {
    fn from(e: Employee) -> Self {
        EmployeeView {
            rank: rank_of(&e),
            id: e.id,
            name: e.name,
            department_id: e.department_id,
            superior_id: e.superior_id,
            user_id: e.user_id,
            version: e.version,
            created_at: Instant::from_utc(e.created_at),
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEmployee {
    #[validate(
        length(min = 1, max = 100, message = "must be 1–100 characters"),
        custom(function = "crate::checks::not_blank")
    )]
    #[schema(example = "王芳", min_length = 1, max_length = 100)]
    pub name: String,
    pub department_id: String,
    pub rank: Rank,
    pub superior_id: Option<String>,
    pub user_id: Option<String>,
}

/// Create an employee (admin, HR).
#[utoipa::path(
    tag = "people",
    request_body = CreateEmployee,
    responses((status = 201, body = EmployeeView), BodyErrors, AuthErrors, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn create_employee(
    state: web::Data<AppState>,
    caller: Authorized<PeopleAdmins>,
    Json(request): Json<CreateEmployee>,
) -> Result<HttpResponse, ApiError> {
    let now = now_utc();
    let employee = Employee {
        id: new_id(),
        name: request.name.trim().to_owned(),
        department_id: request.department_id,
        rank: rank_text(request.rank).to_owned(),
        superior_id: request.superior_id,
        user_id: request.user_id,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let actor = caller.actor;
    let created = state
        .write(move |connection| {
            if people::find_department(connection, &employee.department_id)?.is_none() {
                return Err(ApiError::invalid_field(
                    "department_id",
                    format!("no department {}", employee.department_id),
                ));
            }
            if let Some(superior) = &employee.superior_id {
                existing_employee(connection, "superior_id", superior)?;
            }
            if let Some(user) = &employee.user_id
                && !users::exists(connection, user)?
            {
                return Err(ApiError::invalid_field(
                    "user_id",
                    format!("no staff account {user}"),
                ));
            }
            people::insert_employee(connection, &actor, &employee)?;
            Ok(employee)
        })
        .await?;
    Ok(HttpResponse::Created().json(EmployeeView::from(created)))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct EmployeeListParams {
    pub department_id: Option<String>,
    #[validate(range(min = 1, max = 500, message = "must be between 1 and 500"))]
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Employees in creation order, optionally of one department.
#[utoipa::path(
    tag = "people",
    params(EmployeeListParams),
    responses((status = 200, body = Page<EmployeeView>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn list_employees(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
    Query(params): Query<EmployeeListParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let after = page.after_id()?;
    let limit = page.limit();
    let department = params.department_id;
    let rows = state
        .read(move |connection| {
            Ok(people::list_employees(
                connection,
                department.as_deref(),
                after.as_deref(),
                limit,
            )?)
        })
        .await?;
    let page = Page::from_rows(rows, limit, |e: &Employee| &e.id).map(EmployeeView::from);
    Ok(HttpResponse::Ok().json(page))
}

/// One employee.
#[utoipa::path(
    tag = "people",
    params(("id" = String, Path, description = "Employee id")),
    responses((status = 200, body = EmployeeView), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}")]
async fn get_employee(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let employee = state
        .read(move |connection| {
            people::find_employee(connection, &id)?
                .ok_or_else(|| ApiError::not_found(format!("no employee {id}")))
        })
        .await?;
    Ok(HttpResponse::Ok().json(EmployeeView::from(employee)))
}

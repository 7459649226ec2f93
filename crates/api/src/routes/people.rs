//! The company's people: departments with their shifts (CAL-3) and employees with rank,
//! superior and the HR facts the attendance, leave and payroll rules read. One model for the
//! service desk and HR.
//!
//! Reading is narrowed: admin, HR and the general manager read everyone; anyone else reads
//! their own record and those of the people they manage (as department head or superior).

use actix_web::{HttpResponse, get, patch, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::money::Money;
use zhidu_domain::person::{Gender, LeavingReason};
use zhidu_domain::roster::{DayOfWeek, Shift};
use zhidu_domain::sla::Rank;

use zhidu_service::people::{
    self as service, Department, Employee, EmployeeChanges, NewEmployee, gender_of, rank_of,
    shift_of,
};

use crate::auth::{Authorized, PeopleAdmins, Staff};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::{Amount, Text};
use crate::page::{Cursor, Page, PageLimit, PageParams};
use crate::state::AppState;
use crate::wire::{ClockTime, Instant, IsoDate};

/// Under `/departments`.
pub fn configure_departments(config: &mut ServiceConfig) {
    config
        .service(create_department)
        .service(list_departments)
        .service(set_manager)
        .service(set_shift)
        .service(set_customer_service);
}

/// Under `/employees`.
pub fn configure_employees(config: &mut ServiceConfig) {
    config
        .service(create_employee)
        .service(list_employees)
        .service(get_employee)
        .service(update_employee);
}

/// CAL-3: a department's office hours with its lunch and rest breaks (local times).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShiftTimes {
    #[schema(example = "09:00")]
    pub start: ClockTime,
    #[schema(example = "17:30")]
    pub end: ClockTime,
    #[schema(example = "12:00")]
    pub lunch_start: ClockTime,
    #[schema(example = "12:30")]
    pub lunch_end: ClockTime,
    #[schema(example = "12:30")]
    pub rest_start: ClockTime,
    #[schema(example = "13:30")]
    pub rest_end: ClockTime,
}

impl ShiftTimes {
    /// The rule's view of these times, or a 422 when they are out of order.
    fn shift(&self, field: &str) -> Result<Shift, ApiError> {
        Shift::new(
            self.start.0,
            self.end.0,
            (self.lunch_start.0, self.lunch_end.0),
            (self.rest_start.0, self.rest_end.0),
        )
        .map_err(|e| ApiError::field_refused(field, e.to_string()))
    }
}

impl From<Shift> for ShiftTimes {
    fn from(shift: Shift) -> Self {
        ShiftTimes {
            start: ClockTime(shift.start),
            end: ClockTime(shift.end),
            lunch_start: ClockTime(shift.lunch_start),
            lunch_end: ClockTime(shift.lunch_end),
            rest_start: ClockTime(shift.rest_start),
            rest_end: ClockTime(shift.rest_end),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentView {
    pub id: String,
    pub name: String,
    pub manager_id: Option<String>,
    pub shift: ShiftTimes,
    /// EMP-2, EMP-5: its employees are customer-service staff.
    pub customer_service: bool,
    pub version: i64,
    pub created_at: Instant,
}

impl From<Department> for DepartmentView {
    fn from(d: Department) -> Self {
        DepartmentView {
            shift: shift_of(&d).into(),
            id: d.id,
            name: d.name,
            manager_id: d.manager_id,
            customer_service: d.customer_service,
            version: d.version,
            created_at: Instant::from_utc(d.created_at),
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDepartment {
    #[schema(example = "客户服务中心")]
    pub name: Text<1, 100>,
    /// Defaults to the company hours of CAL-3 (09:00–17:30, lunch 12:00–12:30, rest
    /// 12:30–13:30).
    pub shift: Option<ShiftTimes>,
    /// EMP-2, EMP-5: its employees are customer-service staff. Defaults to false.
    pub customer_service: Option<bool>,
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
    let shift = match &request.shift {
        Some(times) => times.shift("shift")?,
        None => Shift::default(),
    };
    let customer_service = request.customer_service.unwrap_or(false);
    let created = state
        .write(move |connection| {
            Ok(service::create_department(
                connection,
                &caller,
                &request.name,
                shift,
                customer_service,
            )?)
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
        .read(|connection| Ok(service::list_departments(connection)?))
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
    let department = state
        .write(move |connection| {
            Ok(service::set_manager(
                connection,
                &caller,
                &id,
                request.version,
                &request.employee_id,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(DepartmentView::from(department)))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetShift {
    pub shift: ShiftTimes,
    pub version: i64,
}

/// Set a department's shift and breaks (CAL-3; admin, HR). Attendance is evaluated against
/// the shift in force when it is read.
#[utoipa::path(
    tag = "people",
    params(("id" = String, Path, description = "Department id")),
    request_body = SetShift,
    responses((status = 200, body = DepartmentView), BodyErrors, AuthErrors, NotFound, Stale, Unavailable),
    security(("bearer" = []))
)]
#[put("/{id}/shift")]
async fn set_shift(
    state: web::Data<AppState>,
    caller: Authorized<PeopleAdmins>,
    id: web::Path<String>,
    Json(request): Json<SetShift>,
) -> Result<HttpResponse, ApiError> {
    let shift = request.shift.shift("shift")?;
    let id = id.into_inner();
    let department = state
        .write(move |connection| {
            Ok(service::set_shift(
                connection,
                &caller,
                &id,
                request.version,
                shift,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(DepartmentView::from(department)))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetCustomerService {
    pub customer_service: bool,
    pub version: i64,
}

/// Mark whether a department's employees are customer-service staff (admin, HR): they need
/// 60,000.00 of recorded performance to be regularized (EMP-2) and their company-funded spend
/// decides their promotion eligibility (EMP-5).
#[utoipa::path(
    tag = "people",
    params(("id" = String, Path, description = "Department id")),
    request_body = SetCustomerService,
    responses((status = 200, body = DepartmentView), BodyErrors, AuthErrors, NotFound, Stale, Unavailable),
    security(("bearer" = []))
)]
#[put("/{id}/customer-service")]
async fn set_customer_service(
    state: web::Data<AppState>,
    caller: Authorized<PeopleAdmins>,
    id: web::Path<String>,
    Json(request): Json<SetCustomerService>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let department = state
        .write(move |connection| {
            Ok(service::set_customer_service(
                connection,
                &caller,
                &id,
                request.version,
                request.customer_service,
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
    /// Absent only on records created before HR kept it.
    pub gender: Option<Gender>,
    pub birth_date: Option<IsoDate>,
    pub hired_on: Option<IsoDate>,
    /// EMP-1: one month after hiring unless set; LEAVE-4 extensions move it.
    pub probation_end: Option<IsoDate>,
    pub left_on: Option<IsoDate>,
    /// Why the employment ended (PAY-4 treats a resignation on probation apart).
    pub leaving_reason: Option<LeavingReason>,
    /// Monthly base salary.
    pub base_salary: Money,
    /// CAL-3: the roster's weekly rest day.
    pub rest_day: DayOfWeek,
    pub version: i64,
    pub created_at: Instant,
}

impl TryFrom<Employee> for EmployeeView {
    type Error = ApiError;

    fn try_from(e: Employee) -> Result<Self, ApiError> {
        Ok(EmployeeView {
            rank: rank_of(&e)?,
            gender: gender_of(&e)?,
            rest_day: service::rest_day_of(&e)?,
            leaving_reason: service::leaving_reason_of(&e)?,
            id: e.id,
            name: e.name,
            department_id: e.department_id,
            superior_id: e.superior_id,
            user_id: e.user_id,
            birth_date: e.birth_date.map(IsoDate),
            hired_on: e.hired_on.map(IsoDate),
            probation_end: e.probation_end.map(IsoDate),
            left_on: e.left_on.map(IsoDate),
            base_salary: Money::from_fen(e.base_salary_fen),
            version: e.version,
            created_at: Instant::from_utc(e.created_at),
        })
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEmployee {
    #[schema(example = "王芳")]
    pub name: Text<1, 100>,
    pub department_id: String,
    pub rank: Rank,
    pub superior_id: Option<String>,
    pub user_id: Option<String>,
    pub gender: Gender,
    /// As on the ID card (PAY-2's birthday month, LEAVE-6's age).
    pub birth_date: IsoDate,
    pub hired_on: IsoDate,
    /// Defaults to one month after `hired_on` (EMP-1).
    pub probation_end: Option<IsoDate>,
    pub base_salary: Amount<false>,
    /// Defaults to `sunday` (CAL-3: the roster works Monday–Saturday).
    pub rest_day: Option<DayOfWeek>,
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
    let policy = state.employment_policy;
    let new = NewEmployee {
        name: request.name.to_string(),
        department_id: request.department_id,
        rank: request.rank,
        superior_id: request.superior_id,
        user_id: request.user_id,
        gender: request.gender,
        birth_date: request.birth_date.0,
        hired_on: request.hired_on.0,
        probation_end: request.probation_end.map(|end| end.0),
        base_salary: request.base_salary.get(),
        rest_day: request.rest_day,
    };
    let created = state
        .write(move |connection| Ok(service::create_employee(connection, &caller, &policy, new)?))
        .await?;
    Ok(HttpResponse::Created().json(EmployeeView::try_from(created)?))
}

/// Changes to an employee record: absent fields stay as they are; `null` clears the
/// clearable ones.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateEmployee {
    pub name: Option<Text<1, 100>>,
    pub department_id: Option<String>,
    pub rank: Option<Rank>,
    #[serde(default, deserialize_with = "crate::wire::present")]
    #[schema(value_type = Option<String>)]
    pub superior_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::wire::present")]
    #[schema(value_type = Option<String>)]
    pub user_id: Option<Option<String>>,
    pub gender: Option<Gender>,
    pub birth_date: Option<IsoDate>,
    pub hired_on: Option<IsoDate>,
    pub probation_end: Option<IsoDate>,
    /// The last day of employment; `null` reinstates.
    #[serde(default, deserialize_with = "crate::wire::present")]
    #[schema(value_type = Option<IsoDate>)]
    pub left_on: Option<Option<IsoDate>>,
    /// Why the employment ended; `null` clears it. Required whenever `left_on` is set.
    #[serde(default, deserialize_with = "crate::wire::present")]
    #[schema(value_type = Option<LeavingReason>)]
    pub leaving_reason: Option<Option<LeavingReason>>,
    /// CARE-4: who takes over the leaver's customers when `left_on` is first set; the
    /// leaver's superior when absent.
    pub successor_id: Option<String>,
    pub base_salary: Option<Amount<false>>,
    pub rest_day: Option<DayOfWeek>,
    /// The version you read.
    pub version: i64,
}

impl From<UpdateEmployee> for EmployeeChanges {
    fn from(request: UpdateEmployee) -> Self {
        let date = |d: Option<IsoDate>| d.map(|d| d.0);
        EmployeeChanges {
            name: request.name.map(|n| n.to_string()),
            department_id: request.department_id,
            rank: request.rank,
            superior_id: request.superior_id,
            user_id: request.user_id,
            gender: request.gender,
            birth_date: date(request.birth_date),
            hired_on: date(request.hired_on),
            probation_end: date(request.probation_end),
            left_on: request.left_on.map(date),
            leaving_reason: request.leaving_reason,
            base_salary: request.base_salary.map(Amount::get),
            rest_day: request.rest_day,
        }
    }
}

/// Change an employee record (admin, HR): HR facts, department, superior, leaving date.
/// Setting the leaving date opens the departure: the EMP-4 hand-back checklist and a CARE-4
/// hand-over task for each customer the leaver owned, passed to `successor_id` (default: the
/// superior).
#[utoipa::path(
    tag = "people",
    params(("id" = String, Path, description = "Employee id")),
    request_body = UpdateEmployee,
    responses((status = 200, body = EmployeeView), BodyErrors, AuthErrors, NotFound, Stale, Unavailable),
    security(("bearer" = []))
)]
#[patch("/{id}")]
async fn update_employee(
    state: web::Data<AppState>,
    caller: Authorized<PeopleAdmins>,
    id: web::Path<String>,
    Json(request): Json<UpdateEmployee>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let version = request.version;
    let successor = request.successor_id.clone();
    let employee = state
        .write(move |connection| {
            Ok(service::update_employee(
                connection,
                &caller,
                &id,
                version,
                request.into(),
                successor.as_deref(),
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(EmployeeView::try_from(employee)?))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct EmployeeListParams {
    pub department_id: Option<String>,
    pub limit: Option<PageLimit>,
    pub cursor: Option<Cursor>,
}

/// Employees in creation order, optionally of one department: everyone for admin, HR and the
/// general manager; otherwise the caller and the people they manage.
#[utoipa::path(
    tag = "people",
    params(EmployeeListParams),
    responses((status = 200, body = Page<EmployeeView>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn list_employees(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    Query(params): Query<EmployeeListParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let after = page.after_id();
    let limit = page.limit();
    let department = params.department_id;
    let rows = state
        .read(move |connection| {
            Ok(service::list_employees(
                connection,
                &caller,
                department.as_deref(),
                after.as_deref(),
                limit,
            )?)
        })
        .await?;
    let page =
        Page::from_rows(rows, limit, |e: &Employee| &e.id).try_map(EmployeeView::try_from)?;
    Ok(HttpResponse::Ok().json(page))
}

/// One employee, if the caller may read their record (else 404).
#[utoipa::path(
    tag = "people",
    params(("id" = String, Path, description = "Employee id")),
    responses((status = 200, body = EmployeeView), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}")]
async fn get_employee(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let employee = state
        .read(move |connection| Ok(service::find_readable_employee(connection, &caller, &id)?))
        .await?;
    Ok(HttpResponse::Ok().json(EmployeeView::try_from(employee)?))
}

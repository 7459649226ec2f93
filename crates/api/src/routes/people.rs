//! The company's people: departments with their shifts (CAL-3) and employees with rank,
//! superior and the HR facts the attendance, leave and payroll rules read. One model for the
//! service desk and HR.
//!
//! Reading is narrowed: admin, HR and the general manager read everyone; anyone else reads
//! their own record and those of the people they manage (as department head or superior).

use actix_web::{HttpResponse, get, patch, post, put, web};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::money::Money;
use zhidu_domain::person::{Gender, LeavingReason, default_probation_end};
use zhidu_domain::roster::{DayOfWeek, Shift};
use zhidu_domain::sla::Rank;
use zhidu_store::audit::Actor;
use zhidu_store::clock::Moment;
use zhidu_store::db::DbConnection;
use zhidu_store::people::{self, Department, Employee};
use zhidu_store::{StoreError, new_id, read_stored, users};

use zhidu_service::access::employees::{readable_employee, reading_scope};
use zhidu_service::people::{existing_employee, gender_of, rank_of, shift_of};

use crate::auth::{Authorized, PeopleAdmins, Staff};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::{Amount, Text};
use crate::page::{Cursor, Page, PageLimit, PageParams};
use crate::state::AppState;
use crate::wire::{ClockTime, Instant, IsoDate};
use zhidu_service::departures::open_departure;

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

fn rank_text(rank: Rank) -> &'static str {
    match rank {
        Rank::Staff => "staff",
        Rank::Manager => "manager",
        Rank::GeneralManager => "general_manager",
    }
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

fn with_shift(department: Department, shift: Shift) -> Department {
    Department {
        shift_start: shift.start,
        shift_end: shift.end,
        lunch_start: shift.lunch_start,
        lunch_end: shift.lunch_end,
        rest_start: shift.rest_start,
        rest_end: shift.rest_end,
        ..department
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
    let now = caller.actor.at.stored();
    let department = Department {
        id: new_id(),
        name: request.name.trim().to_owned(),
        manager_id: None,
        version: 1,
        created_at: now,
        updated_at: now,
        shift_start: shift.start,
        shift_end: shift.end,
        lunch_start: shift.lunch_start,
        lunch_end: shift.lunch_end,
        rest_start: shift.rest_start,
        rest_end: shift.rest_end,
        customer_service: request.customer_service.unwrap_or(false),
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
    let department = change_department(
        &state,
        caller.actor,
        id.into_inner(),
        request.version,
        "department.set_manager",
        move |connection, department| {
            let manager = existing_employee(connection, "employee_id", &request.employee_id)?;
            if rank_of(&manager)? == Rank::Staff {
                return Err(ApiError::field_refused(
                    "employee_id",
                    "a department manager must rank manager or above",
                ));
            }
            Ok(Department {
                manager_id: Some(manager.id),
                ..department
            })
        },
    )
    .await?;
    Ok(HttpResponse::Ok().json(DepartmentView::from(department)))
}

/// Loads department `id`, checks the version the client read, applies `change` and stores
/// the next version with its audit row.
async fn change_department(
    state: &AppState,
    actor: Actor,
    id: String,
    version: i64,
    action: &'static str,
    change: impl FnOnce(&mut DbConnection, Department) -> Result<Department, ApiError> + Send + 'static,
) -> Result<Department, ApiError> {
    state
        .write(move |connection| {
            let before = people::find_department(connection, &id)?
                .ok_or_else(|| ApiError::not_found(format!("no department {id}")))?;
            if before.version != version {
                return Err(ApiError::stale("the department changed since you read it"));
            }
            let after = Department {
                version: before.version + 1,
                updated_at: actor.at.stored(),
                ..change(connection, before.clone())?
            };
            people::update_department(connection, &actor, action, &before, &after)?;
            Ok(after)
        })
        .await
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
    let department = change_department(
        &state,
        caller.actor,
        id.into_inner(),
        request.version,
        "department.set_shift",
        move |_, department| Ok(with_shift(department, shift)),
    )
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
    let department = change_department(
        &state,
        caller.actor,
        id.into_inner(),
        request.version,
        "department.set_customer_service",
        move |_, department| {
            Ok(Department {
                customer_service: request.customer_service,
                ..department
            })
        },
    )
    .await?;
    Ok(HttpResponse::Ok().json(DepartmentView::from(department)))
}

fn gender_text(gender: Gender) -> &'static str {
    match gender {
        Gender::Male => "male",
        Gender::Female => "female",
    }
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
    type Error = StoreError;

    fn try_from(e: Employee) -> Result<Self, StoreError> {
        Ok(EmployeeView {
            rank: rank_of(&e)?,
            gender: gender_of(&e)?,
            rest_day: read_stored(&e.rest_day)?,
            id: e.id,
            name: e.name,
            department_id: e.department_id,
            superior_id: e.superior_id,
            user_id: e.user_id,
            birth_date: e.birth_date.map(IsoDate),
            hired_on: e.hired_on.map(IsoDate),
            probation_end: e.probation_end.map(IsoDate),
            left_on: e.left_on.map(IsoDate),
            leaving_reason: e.leaving_reason.as_deref().map(read_stored).transpose()?,
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

/// Checks that refer to other records: the department, the superior and the staff account.
fn check_references(connection: &mut DbConnection, employee: &Employee) -> Result<(), ApiError> {
    if people::find_department(connection, &employee.department_id)?.is_none() {
        return Err(ApiError::field_refused(
            "department_id",
            format!("no department {}", employee.department_id),
        ));
    }
    if let Some(superior) = &employee.superior_id {
        if *superior == employee.id {
            return Err(ApiError::field_refused(
                "superior_id",
                "an employee cannot be their own superior",
            ));
        }
        existing_employee(connection, "superior_id", superior)?;
    }
    if let Some(user) = &employee.user_id
        && !users::exists(connection, user)?
    {
        return Err(ApiError::field_refused(
            "user_id",
            format!("no staff account {user}"),
        ));
    }
    Ok(())
}

/// Checks the dates of an employment against each other.
fn check_employment_dates(employee: &Employee) -> Result<(), ApiError> {
    if employee.left_on.is_some() != employee.leaving_reason.is_some() {
        return Err(ApiError::field_refused(
            "leaving_reason",
            "is given exactly when left_on is set",
        ));
    }
    let (Some(hired_on), Some(birth_date)) = (employee.hired_on, employee.birth_date) else {
        return Ok(());
    };
    if birth_date >= hired_on {
        return Err(ApiError::field_refused(
            "birth_date",
            "must be before hired_on",
        ));
    }
    if employee.probation_end.is_some_and(|end| end < hired_on) {
        return Err(ApiError::field_refused(
            "probation_end",
            "must not be before hired_on",
        ));
    }
    if employee.left_on.is_some_and(|left| left < hired_on) {
        return Err(ApiError::field_refused(
            "left_on",
            "must not be before hired_on",
        ));
    }
    Ok(())
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
    let now = caller.actor.at.stored();
    let hired_on = request.hired_on.0;
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
        gender: Some(gender_text(request.gender).to_owned()),
        birth_date: Some(request.birth_date.0),
        hired_on: Some(hired_on),
        probation_end: Some(request.probation_end.map_or_else(
            || default_probation_end(&state.employment_policy, hired_on),
            |end| end.0,
        )),
        left_on: None,
        leaving_reason: None,
        base_salary_fen: request.base_salary.get().fen(),
        rest_day: request
            .rest_day
            .unwrap_or(DayOfWeek::Sunday)
            .name()
            .to_owned(),
    };
    check_employment_dates(&employee)?;
    let actor = caller.actor;
    let created = state
        .write(move |connection| {
            check_references(connection, &employee)?;
            people::insert_employee(connection, &actor, &employee)?;
            Ok(employee)
        })
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

impl UpdateEmployee {
    fn apply(self, before: &Employee, at: Moment) -> Employee {
        let or_keep = |new: Option<IsoDate>, old: Option<Date>| new.map(|d| d.0).or(old);
        Employee {
            name: self
                .name
                .map_or_else(|| before.name.clone(), |n| n.trim().to_owned()),
            department_id: self
                .department_id
                .unwrap_or_else(|| before.department_id.clone()),
            rank: self
                .rank
                .map_or_else(|| before.rank.clone(), |r| rank_text(r).to_owned()),
            superior_id: self
                .superior_id
                .unwrap_or_else(|| before.superior_id.clone()),
            user_id: self.user_id.unwrap_or_else(|| before.user_id.clone()),
            gender: self
                .gender
                .map(|g| gender_text(g).to_owned())
                .or_else(|| before.gender.clone()),
            birth_date: or_keep(self.birth_date, before.birth_date),
            hired_on: or_keep(self.hired_on, before.hired_on),
            probation_end: or_keep(self.probation_end, before.probation_end),
            left_on: self
                .left_on
                .map_or(before.left_on, |left| left.map(|d| d.0)),
            leaving_reason: self.leaving_reason.map_or_else(
                || before.leaving_reason.clone(),
                |reason| reason.map(|r| r.name().to_owned()),
            ),
            base_salary_fen: self
                .base_salary
                .map_or(before.base_salary_fen, |salary| salary.get().fen()),
            rest_day: self
                .rest_day
                .map_or_else(|| before.rest_day.clone(), |d| d.name().to_owned()),
            version: before.version + 1,
            updated_at: at.stored(),
            ..before.clone()
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
    let employee = state
        .write(move |connection| {
            let before = people::find_employee(connection, &id)?
                .ok_or_else(|| ApiError::not_found(format!("no employee {id}")))?;
            if before.version != request.version {
                return Err(ApiError::stale(
                    "the employee record changed since you read it",
                ));
            }
            let successor = request.successor_id.clone();
            let after = request.apply(&before, caller.actor.at);
            check_employment_dates(&after)?;
            check_references(connection, &after)?;
            people::update_employee(
                connection,
                &caller.actor,
                "employee.update",
                &before,
                &after,
            )?;
            if before.left_on.is_none() && after.left_on.is_some() {
                open_departure(connection, &caller, &after, successor.as_deref())?;
            }
            Ok(after)
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
            let Some(scope) = reading_scope(connection, &caller)? else {
                return Ok(Vec::new());
            };
            Ok(people::list_employees(
                connection,
                &scope,
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
        .read(move |connection| Ok(readable_employee(connection, &caller, &id)?))
        .await?;
    Ok(HttpResponse::Ok().json(EmployeeView::try_from(employee)?))
}

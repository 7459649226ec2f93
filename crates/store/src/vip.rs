//! VIP: big-customer visit plans (VIP-1), their visits and the work orders their issues
//! opened (VIP-2), and what the quarter report and the overdue list read (VIP-3).

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, PrimitiveDateTime};

use crate::StoreResult;
use crate::audit::{self, Actor};
use crate::db::{DbConnection, MultiBackend, update_versioned};
use crate::schema::{customers, vip_plans, vip_visit_issues, vip_visits, work_orders};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = vip_plans, treat_none_as_null = true)]
pub struct VipPlan {
    pub id: String,
    pub customer_id: String,
    pub started_on: Date,
    /// Set when the customer left tier A (VIP-3).
    pub ended_on: Option<Date>,
    /// The policy's number when the plan was opened.
    pub visit_every_months: i32,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = vip_visits)]
pub struct VipVisit {
    pub id: String,
    pub plan_id: String,
    pub customer_id: String,
    pub visited_on: Date,
    /// The employee who visited.
    pub visitor_id: String,
    /// Whom they met at the customer.
    pub contact: String,
    /// `satisfied`, `neutral` or `dissatisfied`.
    pub satisfaction: String,
    pub note: String,
    pub recorded_by: String,
    pub created_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = vip_visit_issues)]
pub struct VipVisitIssue {
    pub id: String,
    pub visit_id: String,
    pub description: String,
    /// The work order the issue opened.
    pub work_order_id: String,
}

/// A plan with what the lists show of its customer, read live.
#[derive(Debug, Clone, Queryable)]
pub struct PlanListing {
    pub plan: VipPlan,
    pub customer_name: String,
    /// The customer's dedicated account owner (TIER-5), a user id; `None` is an owner gap.
    pub owner_id: Option<String>,
}

/// An issue with the kind of the work order it opened.
#[derive(Debug, Clone, Queryable)]
pub struct IssueListing {
    pub issue: VipVisitIssue,
    pub kind: String,
}

pub fn insert_plan(
    connection: &mut DbConnection,
    actor: &Actor,
    plan: &VipPlan,
) -> StoreResult<()> {
    diesel::insert_into(vip_plans::table)
        .values(plan)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "vip_plan.open",
        ("vip_plan", &plan.id),
        None::<&()>,
        Some(plan),
    )
}

/// Writes `after` (ended) over `before` while it is still at `before`'s version.
pub fn end_plan(
    connection: &mut DbConnection,
    actor: &Actor,
    before: &VipPlan,
    after: &VipPlan,
) -> StoreResult<()> {
    update_versioned!(&mut *connection, vip_plans, before, after)?;
    audit::record(
        connection,
        actor,
        "vip_plan.end",
        ("vip_plan", &before.id),
        Some(before),
        Some(after),
    )
}

/// The ids of the customers whose current tier is `tier` and who hold no open plan, in id
/// order; only `customer_id` when given.
pub fn customers_without_open_plan(
    connection: &mut DbConnection,
    tier: &str,
    customer_id: Option<&str>,
) -> StoreResult<Vec<String>> {
    let open = vip_plans::table
        .filter(vip_plans::ended_on.is_null())
        .select(vip_plans::customer_id);
    let mut query = customers::table
        .filter(customers::current_tier.eq(tier.to_owned()))
        .filter(customers::id.ne_all(open))
        .select(customers::id)
        .order(customers::id.asc())
        .into_boxed::<MultiBackend>();
    if let Some(id) = customer_id {
        query = query.filter(customers::id.eq(id.to_owned()));
    }
    Ok(query.load(connection)?)
}

/// The open plans of customers whose current tier is not `tier` (or who have none); only
/// `customer_id`'s when given.
pub fn open_plans_outside_tier(
    connection: &mut DbConnection,
    tier: &str,
    customer_id: Option<&str>,
) -> StoreResult<Vec<VipPlan>> {
    let mut query = vip_plans::table
        .inner_join(customers::table)
        .filter(vip_plans::ended_on.is_null())
        .filter(
            customers::current_tier
                .is_null()
                .or(customers::current_tier.ne(tier.to_owned())),
        )
        .select(VipPlan::as_select())
        .order(vip_plans::id.asc())
        .into_boxed::<MultiBackend>();
    if let Some(id) = customer_id {
        query = query.filter(vip_plans::customer_id.eq(id.to_owned()));
    }
    Ok(query.load(connection)?)
}

pub fn find_plan(connection: &mut DbConnection, id: &str) -> StoreResult<Option<PlanListing>> {
    Ok(vip_plans::table
        .inner_join(customers::table)
        .filter(vip_plans::id.eq(id))
        .select((
            VipPlan::as_select(),
            customers::full_name,
            customers::owner_id,
        ))
        .first::<(VipPlan, String, Option<String>)>(connection)
        .optional()?
        .map(listing))
}

fn listing((plan, customer_name, owner_id): (VipPlan, String, Option<String>)) -> PlanListing {
    PlanListing {
        plan,
        customer_name,
        owner_id,
    }
}

/// What a list of plans is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct PlanFilter {
    /// `Some(true)`: open plans only; `Some(false)`: ended ones only.
    pub open: Option<bool>,
    pub owner_id: Option<String>,
    /// Plans open on this day (started on or before it, not ended before it).
    pub open_on: Option<Date>,
    /// Plans that may have a period due within these days (started on or before the last,
    /// not ended before the first).
    pub overlapping: Option<(Date, Date)>,
}

/// Plans in id order after `after_id`, narrowed by `filter`; `limit` at most.
pub fn list_plans(
    connection: &mut DbConnection,
    filter: &PlanFilter,
    after_id: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<PlanListing>> {
    let mut query = vip_plans::table
        .inner_join(customers::table)
        .select((
            VipPlan::as_select(),
            customers::full_name,
            customers::owner_id,
        ))
        .order(vip_plans::id.asc())
        .limit(limit)
        .into_boxed::<MultiBackend>();
    match filter.open {
        Some(true) => query = query.filter(vip_plans::ended_on.is_null()),
        Some(false) => query = query.filter(vip_plans::ended_on.is_not_null()),
        None => {}
    }
    if let Some(owner) = &filter.owner_id {
        query = query.filter(customers::owner_id.eq(owner.clone()));
    }
    if let Some(on) = filter.open_on {
        query = query
            .filter(vip_plans::started_on.le(on))
            .filter(vip_plans::ended_on.is_null().or(vip_plans::ended_on.ge(on)));
    }
    if let Some((first, last)) = filter.overlapping {
        query = query.filter(vip_plans::started_on.le(last)).filter(
            vip_plans::ended_on
                .is_null()
                .or(vip_plans::ended_on.ge(first)),
        );
    }
    if let Some(after) = after_id {
        query = query.filter(vip_plans::id.gt(after.to_owned()));
    }
    let rows: Vec<(VipPlan, String, Option<String>)> = query.load(connection)?;
    Ok(rows.into_iter().map(listing).collect())
}

/// `(plan, day)` of every visit of `plan_ids`.
pub fn visit_days(
    connection: &mut DbConnection,
    plan_ids: &[String],
) -> StoreResult<Vec<(String, Date)>> {
    Ok(vip_visits::table
        .filter(vip_visits::plan_id.eq_any(plan_ids))
        .select((vip_visits::plan_id, vip_visits::visited_on))
        .load(connection)?)
}

/// The plan's visits, by day then id.
pub fn visits_of(connection: &mut DbConnection, plan_id: &str) -> StoreResult<Vec<VipVisit>> {
    Ok(vip_visits::table
        .filter(vip_visits::plan_id.eq(plan_id))
        .select(VipVisit::as_select())
        .order((vip_visits::visited_on.asc(), vip_visits::id.asc()))
        .load(connection)?)
}

/// The issues of `visit_ids`, each with its work order's kind, by id.
pub fn issues_of(
    connection: &mut DbConnection,
    visit_ids: &[String],
) -> StoreResult<Vec<IssueListing>> {
    let rows: Vec<(VipVisitIssue, String)> = vip_visit_issues::table
        .inner_join(work_orders::table)
        .filter(vip_visit_issues::visit_id.eq_any(visit_ids))
        .select((VipVisitIssue::as_select(), work_orders::kind))
        .order(vip_visit_issues::id.asc())
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(|(issue, kind)| IssueListing { issue, kind })
        .collect())
}

/// A visit with its issues, as audited.
#[derive(Serialize)]
struct VisitRecord<'a> {
    visit: &'a VipVisit,
    issues: &'a [VipVisitIssue],
}

/// Stores a visit and its issues (their work orders already stored).
pub fn insert_visit(
    connection: &mut DbConnection,
    actor: &Actor,
    visit: &VipVisit,
    issues: &[VipVisitIssue],
) -> StoreResult<()> {
    diesel::insert_into(vip_visits::table)
        .values(visit)
        .execute(connection)?;
    for issue in issues {
        diesel::insert_into(vip_visit_issues::table)
            .values(issue)
            .execute(connection)?;
    }
    audit::record(
        connection,
        actor,
        "vip_visit.record",
        ("vip_visit", &visit.id),
        None::<&()>,
        Some(&VisitRecord { visit, issues }),
    )
}

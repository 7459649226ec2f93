//! VIP — big-customer visit plans (客户回访制度 第五条): a plan for every tier-A customer,
//! opened and ended as tiers change (VIP-1, VIP-3), visits with the work orders their issues
//! open (VIP-2), the overdue plans and the quarter's planned vs done per owner (VIP-3).

use std::collections::BTreeMap;

use time::Date;
use zhidu_domain::policy::InForce;
use zhidu_domain::quarter::Quarter;
use zhidu_domain::sla::Satisfaction;
use zhidu_domain::sla::{SlaPolicy, WorkOrderKind};
use zhidu_domain::tier::Tier;
use zhidu_domain::vip::{
    PlanTerm, VipPlanStatus, VipPolicy, VisitDateRefusal, VisitTally, next_due_on, overdue_since,
    visit_date_allowed, visit_tally,
};
use zhidu_store::audit::Actor;
use zhidu_store::db::DbConnection;
use zhidu_store::new_id;
use zhidu_store::vip::{self as store, PlanFilter, PlanListing};

pub use zhidu_store::vip::{IssueListing, VipPlan, VipVisit, VipVisitIssue};

use crate::access::Identity;
use crate::error::{ServiceError, ServiceResult};
use crate::people::existing_employee;
use crate::work_orders::{NewWorkOrder, open_order};

fn term(plan: &VipPlan) -> PlanTerm {
    PlanTerm {
        started_on: plan.started_on,
        ended_on: plan.ended_on,
        visit_every_months: u32::try_from(plan.visit_every_months).unwrap_or(1),
    }
}

/// VIP-1, VIP-3: after tiers changed (a quarter close, a tier override), opens a plan
/// starting today for each tier-A customer without an open one, and ends today the open plans
/// of customers no longer tier A; their plans and visits stay. Only customer `only` when
/// given. Returns how many plans were opened and ended.
pub fn sync_plans(
    connection: &mut DbConnection,
    actor: &Actor,
    policy: &VipPolicy,
    only: Option<&str>,
) -> ServiceResult<(usize, usize)> {
    let today = actor.at.today();
    let now = actor.at.stored();
    let big = Tier::A.as_str();
    let months = i32::try_from(policy.visit_every_months.max(1)).unwrap_or(1);
    let leaving = store::open_plans_outside_tier(connection, big, only)?;
    for before in &leaving {
        let after = VipPlan {
            ended_on: Some(today.max(before.started_on)),
            version: before.version + 1,
            updated_at: now,
            ..before.clone()
        };
        store::end_plan(connection, actor, before, &after)?;
    }
    let joining = store::customers_without_open_plan(connection, big, only)?;
    for customer_id in &joining {
        let plan = VipPlan {
            id: new_id(),
            customer_id: customer_id.clone(),
            started_on: today,
            ended_on: None,
            visit_every_months: months,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        store::insert_plan(connection, actor, &plan)?;
    }
    Ok((joining.len(), leaving.len()))
}

/// A plan as the lists show it, judged on a day.
#[derive(Debug, Clone)]
pub struct PlanRow {
    pub listing: PlanListing,
    pub status: VipPlanStatus,
    /// VIP-1: open plans only: the due date of the first unvisited period not yet past.
    pub next_due_on: Option<Date>,
    /// VIP-3: the due date of the latest past period left without a visit.
    pub overdue_since: Option<Date>,
}

fn plan_row(listing: PlanListing, visits: &[Date], on: Date) -> PlanRow {
    let term = term(&listing.plan);
    PlanRow {
        status: if listing.plan.ended_on.is_some() {
            VipPlanStatus::Ended
        } else {
            VipPlanStatus::Open
        },
        next_due_on: next_due_on(&term, visits, on),
        overdue_since: overdue_since(&term, visits, on),
        listing,
    }
}

/// The visit days of each of `listings`' plans.
fn visit_days_of(
    connection: &mut DbConnection,
    listings: &[PlanListing],
) -> ServiceResult<BTreeMap<String, Vec<Date>>> {
    let ids: Vec<String> = listings.iter().map(|l| l.plan.id.clone()).collect();
    let mut days: BTreeMap<String, Vec<Date>> = BTreeMap::new();
    for (plan, day) in store::visit_days(connection, &ids)? {
        days.entry(plan).or_default().push(day);
    }
    Ok(days)
}

fn rows_of(
    connection: &mut DbConnection,
    listings: Vec<PlanListing>,
    on: Date,
) -> ServiceResult<Vec<PlanRow>> {
    let days = visit_days_of(connection, &listings)?;
    Ok(listings
        .into_iter()
        .map(|listing| {
            let visits = days.get(&listing.plan.id).map_or(&[][..], Vec::as_slice);
            plan_row(listing, visits, on)
        })
        .collect())
}

/// VIP-1: plans in id order after `after_id`, open or ended ones only when `status` is given,
/// of one owner's customers when `owner_id` is; judged on `on`; `limit + 1` at most.
pub fn list_plans(
    connection: &mut DbConnection,
    status: Option<VipPlanStatus>,
    owner_id: Option<String>,
    on: Date,
    after_id: Option<&str>,
    limit: i64,
) -> ServiceResult<Vec<PlanRow>> {
    let filter = PlanFilter {
        open: status.map(|s| s == VipPlanStatus::Open),
        owner_id,
        ..PlanFilter::default()
    };
    let listings = store::list_plans(connection, &filter, after_id, limit + 1)?;
    rows_of(connection, listings, on)
}

/// How many plans are read at a time while a page of overdue plans fills.
const PLAN_BATCH: i64 = 200;

/// VIP-3: the plans open on `on` whose latest period due before it has no visit, in id order
/// after `after_id`; `limit + 1` at most.
pub fn overdue_plans(
    connection: &mut DbConnection,
    on: Date,
    after_id: Option<&str>,
    limit: i64,
) -> ServiceResult<Vec<PlanRow>> {
    let filter = PlanFilter {
        open_on: Some(on),
        ..PlanFilter::default()
    };
    let wanted = usize::try_from(limit + 1).unwrap_or(usize::MAX);
    let mut rows = Vec::new();
    let mut after = after_id.map(str::to_owned);
    loop {
        let batch = store::list_plans(connection, &filter, after.as_deref(), PLAN_BATCH)?;
        let Some(last) = batch.last() else {
            return Ok(rows);
        };
        after = Some(last.plan.id.clone());
        let exhausted = i64::try_from(batch.len()).unwrap_or(0) < PLAN_BATCH;
        for row in rows_of(connection, batch, on)? {
            if row.overdue_since.is_some() {
                rows.push(row);
                if rows.len() >= wanted {
                    return Ok(rows);
                }
            }
        }
        if exhausted {
            return Ok(rows);
        }
    }
}

/// A visit with its issues.
#[derive(Debug, Clone)]
pub struct VisitRecords {
    pub visit: VipVisit,
    pub issues: Vec<IssueListing>,
}

/// A plan with its visits, judged on a day.
#[derive(Debug, Clone)]
pub struct PlanRecords {
    pub row: PlanRow,
    pub visits: Vec<VisitRecords>,
}

fn find_listing(connection: &mut DbConnection, id: &str) -> ServiceResult<PlanListing> {
    store::find_plan(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no VIP visit plan {id}")))
}

/// VIP-1, VIP-3: plan `id` with every visit and issue, judged on `on`; an ended plan keeps
/// its history.
pub fn find_plan(connection: &mut DbConnection, id: &str, on: Date) -> ServiceResult<PlanRecords> {
    let listing = find_listing(connection, id)?;
    let visits = store::visits_of(connection, id)?;
    let ids: Vec<String> = visits.iter().map(|v| v.id.clone()).collect();
    let mut issues: BTreeMap<String, Vec<IssueListing>> = BTreeMap::new();
    for issue in store::issues_of(connection, &ids)? {
        issues
            .entry(issue.issue.visit_id.clone())
            .or_default()
            .push(issue);
    }
    let days: Vec<Date> = visits.iter().map(|v| v.visited_on).collect();
    Ok(PlanRecords {
        row: plan_row(listing, &days, on),
        visits: visits
            .into_iter()
            .map(|visit| VisitRecords {
                issues: issues.remove(&visit.id).unwrap_or_default(),
                visit,
            })
            .collect(),
    })
}

/// An issue a visit raised: it opens a work order of `kind`.
#[derive(Debug, Clone)]
pub struct NewIssue {
    pub kind: WorkOrderKind,
    pub description: String,
}

/// A visit as the caller gave it.
#[derive(Debug, Clone)]
pub struct NewVisit {
    pub visited_on: Date,
    pub visitor_id: String,
    pub contact: String,
    pub satisfaction: Satisfaction,
    pub note: String,
    pub issues: Vec<NewIssue>,
}

/// VIP-2: records a visit to plan `plan_id`'s customer: not in the future, not before the
/// plan started and, once it ended, not after its end (VIP-3); each issue opens a work order
/// for the customer received by the visitor (SLA-1), in the same transaction.
pub fn record_visit(
    connection: &mut DbConnection,
    caller: &impl Identity,
    sla_policy: &InForce<SlaPolicy>,
    plan_id: &str,
    new: NewVisit,
) -> ServiceResult<VisitRecords> {
    let actor = caller.actor();
    let listing = find_listing(connection, plan_id)?;
    let plan = listing.plan;
    visit_date_allowed(&term(&plan), new.visited_on, actor.at.today()).map_err(|refusal| {
        match refusal {
            VisitDateRefusal::InTheFuture => {
                ServiceError::field_refused("visited_on", "must not be in the future")
            }
            VisitDateRefusal::BeforePlan(started) => ServiceError::field_refused(
                "visited_on",
                format!("must not be before the plan started on {started}"),
            ),
            VisitDateRefusal::AfterEnd(refusal) => {
                ServiceError::from(refusal).concerning("visited_on", "after the plan's end")
            }
        }
    })?;
    let visitor = existing_employee(connection, "visitor_id", &new.visitor_id)?;
    let visit_id = new_id();
    let mut issues = Vec::with_capacity(new.issues.len());
    for issue in &new.issues {
        let order = open_order(
            connection,
            actor,
            sla_policy,
            &NewWorkOrder {
                customer_id: plan.customer_id.clone(),
                kind: issue.kind,
                description: issue.description.trim().to_owned(),
                received_by: vec![visitor.id.clone()],
                required_materials: Vec::new(),
                provided_materials: Vec::new(),
                network_ready: false,
                flagged_major: false,
            },
        )?;
        issues.push(IssueListing {
            issue: VipVisitIssue {
                id: new_id(),
                visit_id: visit_id.clone(),
                description: order.description.clone(),
                work_order_id: order.id,
            },
            kind: order.kind,
        });
    }
    let visit = VipVisit {
        id: visit_id,
        plan_id: plan.id.clone(),
        customer_id: plan.customer_id.clone(),
        visited_on: new.visited_on,
        visitor_id: visitor.id,
        contact: new.contact.trim().to_owned(),
        satisfaction: new.satisfaction.as_str().to_owned(),
        note: new.note.trim().to_owned(),
        recorded_by: caller.subject().to_owned(),
        created_at: actor.at.stored(),
    };
    let stored: Vec<VipVisitIssue> = issues.iter().map(|i| i.issue.clone()).collect();
    store::insert_visit(connection, actor, &visit, &stored)?;
    Ok(VisitRecords { visit, issues })
}

/// VIP-3: one owner's count for a quarter; `owner_id` `None` gathers the customers without an
/// account owner (a TIER-5 gap).
#[derive(Debug, Clone)]
pub struct OwnerTally {
    pub owner_id: Option<String>,
    pub tally: VisitTally,
}

/// VIP-3: for `quarter`, per owner of the plans' customers (read now), the planned periods
/// due within it, those done and those missed by `today`; owners in id order, the owner gap
/// last.
pub fn quarter_report(
    connection: &mut DbConnection,
    quarter: Quarter,
    today: Date,
) -> ServiceResult<Vec<OwnerTally>> {
    let (first, last) = (quarter.first_day(), quarter.last_day());
    let filter = PlanFilter {
        overlapping: Some((first, last)),
        ..PlanFilter::default()
    };
    let mut owners: BTreeMap<Option<String>, VisitTally> = BTreeMap::new();
    let mut after: Option<String> = None;
    loop {
        let batch = store::list_plans(connection, &filter, after.as_deref(), PLAN_BATCH)?;
        let Some(last_plan) = batch.last() else { break };
        after = Some(last_plan.plan.id.clone());
        let exhausted = i64::try_from(batch.len()).unwrap_or(0) < PLAN_BATCH;
        let days = visit_days_of(connection, &batch)?;
        for listing in batch {
            let visits = days.get(&listing.plan.id).map_or(&[][..], Vec::as_slice);
            let tally = visit_tally(&term(&listing.plan), visits, first, last, today);
            if tally.planned > 0 {
                *owners.entry(listing.owner_id).or_default() += tally;
            }
        }
        if exhausted {
            break;
        }
    }
    let (mut named, gap): (Vec<OwnerTally>, Vec<OwnerTally>) = owners
        .into_iter()
        .map(|(owner_id, tally)| OwnerTally { owner_id, tally })
        .partition(|row| row.owner_id.is_some());
    named.extend(gap);
    Ok(named)
}

//! SLA-8, SLA-9: maintainer loads and the monthly KPIs per service area and per maintainer;
//! AREA-1..3: household figures, growth and stability, and dated maintainer and boundary
//! changes announced to the customer-service and call centers.

use std::collections::BTreeMap;

use time::{Date, Duration, PrimitiveDateTime};
use zhidu_domain::area_contract::{
    AreaPolicy, closing_households, default_growth_target, growth_target_met, stability_kpi,
};
use zhidu_domain::customer::AreaType;
use zhidu_domain::effective::{in_force_on, may_take_effect};
use zhidu_domain::sla::{
    Kpi, Satisfaction, SlaPolicy, WorkOrderKind, complaint_rate_kpi, maintainer_overloaded,
    reply_rate_kpi, satisfaction_kpi,
};
use zhidu_domain::touch::Channel;
use zhidu_store::audit::Actor;
use zhidu_store::db::DbConnection;
use zhidu_store::service_areas;
use zhidu_store::touches::OutboxMessage;
use zhidu_store::{StoreResult, new_id, read_stored};

use crate::error::{ServiceError, ServiceResult};
use crate::people::existing_employee;
use crate::statements::month_key;
use crate::touches::pending_message;

pub use zhidu_store::StoreError;
pub use zhidu_store::service_areas::{AreaChange, AreaMonthFigures, ServiceArea};

/// The stored area type; an unknown one is corrupt data, never urban by default.
pub fn area_type_of(area: &ServiceArea) -> StoreResult<AreaType> {
    read_stored(&area.area_type)
}

/// A service area as it is changed; `None` keeps what is stored. The maintainer and the
/// boundary change only by a dated AREA-3 change.
#[derive(Debug, Clone, Default)]
pub struct AreaFields {
    pub name: Option<String>,
    pub area_type: Option<AreaType>,
    pub households: Option<i64>,
}

/// A new service area with its one maintainer (an existing employee).
#[derive(Debug, Clone)]
pub struct NewArea {
    pub name: String,
    pub area_type: AreaType,
    pub households: i64,
    pub maintainer_id: String,
    pub boundary: String,
    /// When given, the area is published (AREA-3) from today with this job number, and the
    /// centers are told.
    pub maintainer_job_number: Option<String>,
}

/// A new service area; with a job number it is also announced as a change effective today.
pub fn create_area(
    connection: &mut DbConnection,
    actor: &Actor,
    policy: &AreaPolicy,
    new: NewArea,
) -> ServiceResult<ServiceArea> {
    let now = actor.at.stored();
    let area = ServiceArea {
        id: new_id(),
        name: new.name.trim().to_owned(),
        area_type: new.area_type.as_str().into(),
        households: new.households,
        maintainer_id: new.maintainer_id,
        version: 1,
        created_at: now,
        updated_at: now,
        boundary: new.boundary.trim().to_owned(),
    };
    existing_employee(connection, "maintainer_id", &area.maintainer_id)?;
    service_areas::insert(connection, actor, &area)?;
    if let Some(job_number) = new.maintainer_job_number {
        let change = AreaChange {
            id: new_id(),
            service_area_id: area.id.clone(),
            effective_on: actor.at.today(),
            maintainer_id: area.maintainer_id.clone(),
            maintainer_job_number: job_number.trim().to_owned(),
            boundary: area.boundary.clone(),
            reason: "新设服务片区".into(),
            created_by: actor.subject.clone(),
            created_at: now,
        };
        let notices = change_notices(&area.name, &change, policy, actor);
        service_areas::insert_change(connection, actor, &change, &notices)?;
    }
    Ok(area)
}

/// Every area's changes as `(effective_on, change)`, in the order they were recorded.
fn changes_by_area(
    connection: &mut DbConnection,
) -> ServiceResult<BTreeMap<String, Vec<(Date, AreaChange)>>> {
    let mut changes: BTreeMap<String, Vec<(Date, AreaChange)>> = BTreeMap::new();
    for change in service_areas::changes(connection, None)? {
        changes
            .entry(change.service_area_id.clone())
            .or_default()
            .push((change.effective_on, change));
    }
    Ok(changes)
}

/// AREA-3: every area as it stands on `on`: the maintainer and boundary of its latest change
/// in force by then, else those it was created with.
pub fn areas_on(connection: &mut DbConnection, on: Date) -> ServiceResult<Vec<ServiceArea>> {
    let changes = changes_by_area(connection)?;
    Ok(service_areas::list(connection)?
        .into_iter()
        .map(|area| {
            match changes
                .get(&area.id)
                .and_then(|dated| in_force_on(dated, on))
            {
                Some(change) => ServiceArea {
                    maintainer_id: change.maintainer_id.clone(),
                    boundary: change.boundary.clone(),
                    ..area
                },
                None => area,
            }
        })
        .collect())
}

/// Every service area as it stands on `on`, by name.
pub fn list_areas(connection: &mut DbConnection, on: Date) -> ServiceResult<Vec<ServiceArea>> {
    areas_on(connection, on)
}

/// The service area `id` as stored (its creation maintainer and boundary).
fn find_area(connection: &mut DbConnection, id: &str) -> ServiceResult<ServiceArea> {
    service_areas::find(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no service area {id}")))
}

/// Changes service area `id` as read at `version`.
pub fn update_area(
    connection: &mut DbConnection,
    actor: &Actor,
    id: &str,
    version: i64,
    change: AreaFields,
) -> ServiceResult<ServiceArea> {
    let before = find_area(connection, id)?;
    if before.version != version {
        return Err(ServiceError::Stale(format!(
            "service area {id} is at version {}",
            before.version
        )));
    }
    let after = ServiceArea {
        name: change
            .name
            .map_or(before.name.clone(), |n| n.trim().to_owned()),
        area_type: change
            .area_type
            .map_or(before.area_type.clone(), |a| a.as_str().into()),
        households: change.households.unwrap_or(before.households),
        version: before.version + 1,
        updated_at: actor.at.stored(),
        ..before.clone()
    };
    service_areas::save(connection, actor, &before, &after)?;
    Ok(areas_on(connection, actor.at.today())?
        .into_iter()
        .find(|area| area.id == after.id)
        .unwrap_or(after))
}

/// One maintainer's households against the standard load.
#[derive(Debug, Clone)]
pub struct MaintainerLoad {
    pub maintainer_id: String,
    pub urban_households: i64,
    pub rural_households: i64,
    pub service_area_ids: Vec<String>,
    pub overloaded: bool,
}

/// SLA-8: every maintainer's load on `on`, the overloaded first.
pub fn maintainer_loads(
    connection: &mut DbConnection,
    policy: &SlaPolicy,
    on: Date,
) -> ServiceResult<Vec<MaintainerLoad>> {
    let mut by_maintainer: BTreeMap<String, Vec<(AreaType, ServiceArea)>> = BTreeMap::new();
    for area in areas_on(connection, on)? {
        by_maintainer
            .entry(area.maintainer_id.clone())
            .or_default()
            .push((read_stored(&area.area_type)?, area));
    }
    let mut loads: Vec<MaintainerLoad> = by_maintainer
        .into_iter()
        .map(|(maintainer_id, areas)| {
            let sized: Vec<(AreaType, u64)> = areas
                .iter()
                .map(|(kind, a)| (*kind, u64::try_from(a.households).unwrap_or(0)))
                .collect();
            let sum = |wanted: AreaType| {
                areas
                    .iter()
                    .filter(|(kind, _)| *kind == wanted)
                    .map(|(_, a)| a.households)
                    .sum()
            };
            MaintainerLoad {
                overloaded: maintainer_overloaded(&sized, policy),
                urban_households: sum(AreaType::Urban),
                rural_households: sum(AreaType::Rural),
                service_area_ids: areas.into_iter().map(|(_, a)| a.id).collect(),
                maintainer_id,
            }
        })
        .collect();
    loads.sort_by_key(|load| !load.overloaded);
    Ok(loads)
}

/// Counts of one area (or one maintainer's areas) in a month.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    complaints: u64,
    orders: u64,
    answered_in_time: u64,
    visits: u64,
    satisfied: u64,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.complaints += other.complaints;
        self.orders += other.orders;
        self.answered_in_time += other.answered_in_time;
        self.visits += other.visits;
        self.satisfied += other.satisfied;
    }

    fn kpis(self, households: i64) -> MonthKpis {
        MonthKpis {
            complaint_rate: complaint_rate_kpi(
                self.complaints,
                u64::try_from(households).unwrap_or(0),
            ),
            reply_rate: reply_rate_kpi(self.answered_in_time, self.orders),
            satisfaction: satisfaction_kpi(self.satisfied, self.visits),
        }
    }
}

/// SLA-9's three measures of a month.
#[derive(Debug, Clone, Copy)]
pub struct MonthKpis {
    pub complaint_rate: Kpi,
    pub reply_rate: Kpi,
    pub satisfaction: Kpi,
}

/// AREA-1, AREA-2: a month's household figures (one area's, or the sum of a maintainer's
/// areas) with their verdicts.
#[derive(Debug, Clone, Copy)]
pub struct HouseholdMonth {
    pub opening: i64,
    pub new: i64,
    pub lost: i64,
    pub closing: i64,
    pub growth_target: i64,
    pub growth_met: bool,
    pub stability: Kpi,
}

impl HouseholdMonth {
    /// The figures judged; stored figures that lose more than they had are corrupt (the
    /// database refuses them).
    fn judged(
        opening: i64,
        new: i64,
        lost: i64,
        target: i64,
        policy: &AreaPolicy,
    ) -> StoreResult<Self> {
        let closing = closing_households(opening, new, lost)
            .map_err(|e| StoreError::Corrupt(format!("area figures: {e}")))?;
        Ok(HouseholdMonth {
            opening,
            new,
            lost,
            closing,
            growth_target: target,
            growth_met: growth_target_met(closing, target),
            stability: stability_kpi(opening, lost, policy),
        })
    }

    fn of(figures: &AreaMonthFigures, policy: &AreaPolicy) -> StoreResult<Self> {
        Self::judged(
            figures.opening,
            figures.new_households,
            figures.lost,
            figures.growth_target,
            policy,
        )
    }

    fn plus(self, other: HouseholdMonth, policy: &AreaPolicy) -> StoreResult<Self> {
        Self::judged(
            self.opening + other.opening,
            self.new + other.new,
            self.lost + other.lost,
            self.growth_target + other.growth_target,
            policy,
        )
    }
}

#[derive(Debug, Clone)]
pub struct AreaMonth {
    pub area: ServiceArea,
    pub kpis: MonthKpis,
    /// AREA-1, AREA-2: absent when no figures were filed for the month.
    pub households: Option<HouseholdMonth>,
}

#[derive(Debug, Clone)]
pub struct MaintainerMonth {
    pub maintainer_id: String,
    pub households: i64,
    pub kpis: MonthKpis,
    /// AREA-1, AREA-2 over the maintainer's areas with figures filed.
    pub figures: Option<HouseholdMonth>,
}

/// The month a KPI report covers: its days, and its instants as stored.
#[derive(Debug, Clone, Copy)]
pub struct ReportMonth {
    pub first_day: Date,
    pub last_day: Date,
    pub from: PrimitiveDateTime,
    pub to: PrimitiveDateTime,
}

/// SLA-9: the KPIs of orders created and return visits made in the month, per service area
/// (an order belongs to its customer's area) and per maintainer (the sum of their areas; an
/// area counts for the maintainer in force on the month's last day, AREA-3), joined by the
/// month's household growth and stability (AREA-1, AREA-2).
pub fn month_kpis(
    connection: &mut DbConnection,
    month: ReportMonth,
    policy: &SlaPolicy,
    area_policy: &AreaPolicy,
) -> ServiceResult<(Vec<AreaMonth>, Vec<MaintainerMonth>)> {
    let areas = areas_on(connection, month.last_day)?;
    let orders = service_areas::orders_created_between(connection, month.from, month.to)?;
    let visits = service_areas::visits_between(connection, month.from, month.to)?;
    let figures: BTreeMap<String, HouseholdMonth> =
        service_areas::figures_of_month(connection, &month_key(month.first_day))?
            .iter()
            .map(|f| {
                Ok((
                    f.service_area_id.clone(),
                    HouseholdMonth::of(f, area_policy)?,
                ))
            })
            .collect::<StoreResult<_>>()?;
    let reply_window = Duration::hours(i64::from(policy.reply_within_hours));
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for order in &orders {
        let tally = tallies.entry(order.service_area_id.clone()).or_default();
        tally.orders += 1;
        if read_stored::<WorkOrderKind>(&order.kind)? == WorkOrderKind::Complaint {
            tally.complaints += 1;
        }
        if order
            .first_answered_at
            .is_some_and(|answered| answered <= order.created_at + reply_window)
        {
            tally.answered_in_time += 1;
        }
    }
    for (area, satisfaction) in &visits {
        let tally = tallies.entry(area.clone()).or_default();
        tally.visits += 1;
        if read_stored::<Satisfaction>(satisfaction)? == Satisfaction::Satisfied {
            tally.satisfied += 1;
        }
    }
    let mut per_maintainer: BTreeMap<String, MaintainerSum> = BTreeMap::new();
    let per_area = areas
        .into_iter()
        .map(|area| {
            let tally = tallies.get(&area.id).copied().unwrap_or_default();
            let households = figures.get(&area.id).copied();
            let sum = per_maintainer
                .entry(area.maintainer_id.clone())
                .or_default();
            sum.tally.add(tally);
            sum.households += area.households;
            sum.figures = match (sum.figures, households) {
                (Some(total), Some(month)) => Some(total.plus(month, area_policy)?),
                (total, month) => total.or(month),
            };
            Ok(AreaMonth {
                kpis: tally.kpis(area.households),
                households,
                area,
            })
        })
        .collect::<StoreResult<_>>()?;
    let maintainers = per_maintainer
        .into_iter()
        .map(|(maintainer_id, sum)| MaintainerMonth {
            maintainer_id,
            households: sum.households,
            kpis: sum.tally.kpis(sum.households),
            figures: sum.figures,
        })
        .collect();
    Ok((per_area, maintainers))
}

/// One maintainer's areas added up.
#[derive(Debug, Default)]
struct MaintainerSum {
    tally: Tally,
    households: i64,
    figures: Option<HouseholdMonth>,
}

/// AREA-1: a month's figures as filed. The opening defaults to the previous month's closing.
#[derive(Debug, Clone)]
pub struct FiledFigures {
    pub opening: Option<i64>,
    pub new: i64,
    pub lost: i64,
    /// The company's own target for the closing households; the policy's default otherwise.
    pub growth_target: Option<i64>,
    /// The version read when correcting a month; absent when filing it the first time.
    pub version: Option<i64>,
}

/// AREA-1, AREA-2: files (or corrects, at the version read) area `id`'s figures for the month
/// starting on `first_day`, no later than the current month. The opening must be the previous
/// month's closing when that was filed; the target is stored as decided now.
pub fn file_month(
    connection: &mut DbConnection,
    actor: &Actor,
    policy: &AreaPolicy,
    id: &str,
    first_day: Date,
    filed: FiledFigures,
) -> ServiceResult<(AreaMonthFigures, HouseholdMonth)> {
    let area = find_area(connection, id)?;
    if first_day > actor.at.today() {
        return Err(ServiceError::field_refused(
            "month",
            "figures are filed for the current month or an earlier one",
        ));
    }
    let month = month_key(first_day);
    let before = service_areas::find_figures(connection, &area.id, &month)?;
    match (&before, filed.version) {
        (None, None) => {}
        (Some(stored), Some(read)) if stored.version == read => {}
        (Some(stored), _) => {
            return Err(ServiceError::Stale(format!(
                "{month} of area {id} is at version {}; send the version you read",
                stored.version
            )));
        }
        (None, Some(_)) => {
            return Err(ServiceError::Stale(format!(
                "no figures were filed for {month} of area {id} yet; file them without a version"
            )));
        }
    }
    let previous_month = first_day
        .previous_day()
        .map(month_key)
        .ok_or_else(|| ServiceError::field_refused("month", "out of range"))?;
    let previous = service_areas::find_figures(connection, &area.id, &previous_month)?;
    let previous_closing = previous
        .map(|p| HouseholdMonth::of(&p, policy))
        .transpose()?
        .map(|p| p.closing);
    let opening = match (filed.opening, previous_closing) {
        (Some(given), Some(closing)) if given != closing => {
            return Err(ServiceError::field_refused(
                "opening",
                format!("must be {previous_month}'s closing, {closing} households"),
            ));
        }
        (Some(given), _) => given,
        (None, Some(closing)) => closing,
        (None, None) => {
            return Err(ServiceError::field_refused(
                "opening",
                format!("required: no figures were filed for {previous_month}"),
            ));
        }
    };
    closing_households(opening, filed.new, filed.lost)
        .map_err(|e| ServiceError::field_refused("lost", e.to_string()))?;
    let now = actor.at.stored();
    let after = AreaMonthFigures {
        service_area_id: area.id,
        month,
        opening,
        new_households: filed.new,
        lost: filed.lost,
        growth_target: filed
            .growth_target
            .unwrap_or_else(|| default_growth_target(opening, policy)),
        target_set_by_company: filed.growth_target.is_some(),
        recorded_by: actor.subject.clone(),
        version: before.as_ref().map_or(1, |b| b.version + 1),
        created_at: before.as_ref().map_or(now, |b| b.created_at),
        updated_at: now,
    };
    service_areas::save_figures(connection, actor, before.as_ref(), &after).map_err(
        |e| match e {
            StoreError::StaleVersion => {
                ServiceError::Stale(format!("{} changed meanwhile; read it again", after.month))
            }
            other => other.into(),
        },
    )?;
    let judged = HouseholdMonth::of(&after, policy)?;
    Ok((after, judged))
}

/// AREA-1, AREA-2: every month filed for area `id`, the earliest first, with its verdicts.
pub fn months_of(
    connection: &mut DbConnection,
    policy: &AreaPolicy,
    id: &str,
) -> ServiceResult<Vec<(AreaMonthFigures, HouseholdMonth)>> {
    let area = find_area(connection, id)?;
    Ok(service_areas::figures_of_area(connection, &area.id)?
        .into_iter()
        .map(|f| {
            let judged = HouseholdMonth::of(&f, policy)?;
            Ok((f, judged))
        })
        .collect::<StoreResult<_>>()?)
}

/// AREA-3: a maintainer and boundary change as requested.
#[derive(Debug, Clone)]
pub struct NewChange {
    pub effective_on: Date,
    pub maintainer_id: String,
    pub maintainer_job_number: String,
    pub boundary: String,
    pub reason: String,
}

/// AREA-3: schedules a change of area `id`'s maintainer and boundary from `effective_on` (today
/// or later) and tells the customer-service and call centers through the outbox, in one
/// transaction.
pub fn schedule_change(
    connection: &mut DbConnection,
    actor: &Actor,
    policy: &AreaPolicy,
    id: &str,
    new: NewChange,
) -> ServiceResult<AreaChange> {
    let area = find_area(connection, id)?;
    if !may_take_effect(new.effective_on, actor.at.today()) {
        return Err(ServiceError::refused(
            "AREA-3",
            "a change takes effect today or later; what was in force is history",
        )
        .concerning(
            "effective_on",
            format!("must be on or after {}", actor.at.today()),
        ));
    }
    existing_employee(connection, "maintainer_id", &new.maintainer_id)?;
    let change = AreaChange {
        id: new_id(),
        service_area_id: area.id.clone(),
        effective_on: new.effective_on,
        maintainer_id: new.maintainer_id,
        maintainer_job_number: new.maintainer_job_number.trim().to_owned(),
        boundary: new.boundary.trim().to_owned(),
        reason: new.reason.trim().to_owned(),
        created_by: actor.subject.clone(),
        created_at: actor.at.stored(),
    };
    let notices = change_notices(&area.name, &change, policy, actor);
    service_areas::insert_change(connection, actor, &change, &notices)?;
    Ok(change)
}

/// AREA-3: the emails that tell each center named by the policy of a change.
fn change_notices(
    area_name: &str,
    change: &AreaChange,
    policy: &AreaPolicy,
    actor: &Actor,
) -> Vec<OutboxMessage> {
    let now = actor.at.stored();
    let body = format!(
        "服务片区「{area_name}」自 {} 起由工号 {} 的维护人员负责，片区范围：{}。原因：{}",
        change.effective_on,
        change.maintainer_job_number,
        if change.boundary.is_empty() {
            "不变"
        } else {
            &change.boundary
        },
        change.reason,
    );
    policy
        .change_notified
        .iter()
        .map(|recipient| {
            pending_message(
                Channel::Email,
                recipient,
                Some(format!(
                    "服务片区变更：{area_name}（{}起）",
                    change.effective_on
                )),
                &body,
                now,
            )
        })
        .collect()
}

/// AREA-3: area `id`'s changes in the order they were recorded.
pub fn changes_of(connection: &mut DbConnection, id: &str) -> ServiceResult<Vec<AreaChange>> {
    let area = find_area(connection, id)?;
    Ok(service_areas::changes(connection, Some(&area.id))?)
}

/// AREA-3: what the public service page shows of an area: its boundary and maintainer's job
/// number in force on the day, and the next change announced.
#[derive(Debug, Clone)]
pub struct PublicArea {
    pub name: String,
    pub boundary: String,
    pub maintainer_job_number: Option<String>,
    pub next_change: Option<AreaChange>,
}

/// AREA-3: every area as the public page shows it on `on`, by name.
pub fn public_areas(connection: &mut DbConnection, on: Date) -> ServiceResult<Vec<PublicArea>> {
    let mut changes = changes_by_area(connection)?;
    Ok(service_areas::list(connection)?
        .into_iter()
        .map(|area| {
            let dated = changes.remove(&area.id).unwrap_or_default();
            let in_force = in_force_on(&dated, on);
            let next_change = dated
                .iter()
                .map(|(effective_on, _)| *effective_on)
                .filter(|effective_on| *effective_on > on)
                .min()
                .and_then(|next_day| in_force_on(&dated, next_day))
                .cloned();
            PublicArea {
                boundary: in_force.map_or(area.boundary.clone(), |c| c.boundary.clone()),
                maintainer_job_number: in_force.map(|c| c.maintainer_job_number.clone()),
                next_change,
                name: area.name,
            }
        })
        .collect())
}

//! SLA-8, SLA-9: maintainer loads and the monthly KPIs per service area and per maintainer.

use std::collections::BTreeMap;

use time::{Duration, PrimitiveDateTime};
use zhidu_domain::customer::AreaType;
use zhidu_domain::sla::{
    Kpi, Satisfaction, SlaPolicy, WorkOrderKind, complaint_rate_kpi, maintainer_overloaded,
    reply_rate_kpi, satisfaction_kpi,
};
use zhidu_store::audit::Actor;
use zhidu_store::db::DbConnection;
use zhidu_store::service_areas;
use zhidu_store::{StoreResult, new_id, read_stored};

use crate::error::{ServiceError, ServiceResult};
use crate::people::existing_employee;

pub use zhidu_store::StoreError;
pub use zhidu_store::service_areas::ServiceArea;

/// The stored area type; an unknown one is corrupt data, never urban by default.
pub fn area_type_of(area: &ServiceArea) -> StoreResult<AreaType> {
    read_stored(&area.area_type)
}

/// A service area as it is created or changed; `None` keeps what is stored.
#[derive(Debug, Clone, Default)]
pub struct AreaFields {
    pub name: Option<String>,
    pub area_type: Option<AreaType>,
    pub households: Option<i64>,
    pub maintainer_id: Option<String>,
}

/// A new service area with its one maintainer (an existing employee).
pub fn create_area(
    connection: &mut DbConnection,
    actor: &Actor,
    name: &str,
    area_type: AreaType,
    households: i64,
    maintainer_id: &str,
) -> ServiceResult<ServiceArea> {
    let now = actor.at.stored();
    let area = ServiceArea {
        id: new_id(),
        name: name.trim().to_owned(),
        area_type: area_type.as_str().into(),
        households,
        maintainer_id: maintainer_id.to_owned(),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    existing_employee(connection, "maintainer_id", &area.maintainer_id)?;
    service_areas::insert(connection, actor, &area)?;
    Ok(area)
}

/// Every service area, by name.
pub fn list_areas(connection: &mut DbConnection) -> ServiceResult<Vec<ServiceArea>> {
    Ok(service_areas::list(connection)?)
}

/// Changes service area `id` as read at `version`.
pub fn update_area(
    connection: &mut DbConnection,
    actor: &Actor,
    id: &str,
    version: i64,
    change: AreaFields,
) -> ServiceResult<ServiceArea> {
    let before = service_areas::find(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no service area {id}")))?;
    if before.version != version {
        return Err(ServiceError::Stale(format!(
            "service area {id} is at version {}",
            before.version
        )));
    }
    if let Some(maintainer) = &change.maintainer_id {
        existing_employee(connection, "maintainer_id", maintainer)?;
    }
    let after = ServiceArea {
        name: change
            .name
            .map_or(before.name.clone(), |n| n.trim().to_owned()),
        area_type: change
            .area_type
            .map_or(before.area_type.clone(), |a| a.as_str().into()),
        households: change.households.unwrap_or(before.households),
        maintainer_id: change.maintainer_id.unwrap_or(before.maintainer_id.clone()),
        version: before.version + 1,
        updated_at: actor.at.stored(),
        ..before.clone()
    };
    service_areas::save(connection, actor, &before, &after)?;
    Ok(after)
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

/// SLA-8: every maintainer's load, the overloaded first.
pub fn maintainer_loads(
    connection: &mut DbConnection,
    policy: &SlaPolicy,
) -> ServiceResult<Vec<MaintainerLoad>> {
    let mut by_maintainer: BTreeMap<String, Vec<(AreaType, ServiceArea)>> = BTreeMap::new();
    for area in service_areas::list(connection)? {
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

#[derive(Debug, Clone)]
pub struct AreaMonth {
    pub area: ServiceArea,
    pub kpis: MonthKpis,
}

#[derive(Debug, Clone)]
pub struct MaintainerMonth {
    pub maintainer_id: String,
    pub households: i64,
    pub kpis: MonthKpis,
}

/// SLA-9: the KPIs of orders created and return visits made in `[from, to)`, per service area
/// (an order belongs to its customer's area) and per maintainer (the sum of their areas).
pub fn month_kpis(
    connection: &mut DbConnection,
    from: PrimitiveDateTime,
    to: PrimitiveDateTime,
    policy: &SlaPolicy,
) -> ServiceResult<(Vec<AreaMonth>, Vec<MaintainerMonth>)> {
    let areas = service_areas::list(connection)?;
    let orders = service_areas::orders_created_between(connection, from, to)?;
    let visits = service_areas::visits_between(connection, from, to)?;
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
    let mut per_maintainer: BTreeMap<String, (Tally, i64)> = BTreeMap::new();
    let per_area = areas
        .into_iter()
        .map(|area| {
            let tally = tallies.get(&area.id).copied().unwrap_or_default();
            let (sum, households) = per_maintainer
                .entry(area.maintainer_id.clone())
                .or_default();
            sum.add(tally);
            *households += area.households;
            AreaMonth {
                kpis: tally.kpis(area.households),
                area,
            }
        })
        .collect();
    let maintainers = per_maintainer
        .into_iter()
        .map(|(maintainer_id, (tally, households))| MaintainerMonth {
            maintainer_id,
            households,
            kpis: tally.kpis(households),
        })
        .collect();
    Ok((per_area, maintainers))
}

//! SET-7: app-user points. The earning rate is configured by finance (earning is refused until
//! it is set); app orders earn points once each; a cash redemption takes its points at once,
//! goes through finance review, a leader's approval and the recorded transfer, and a rejection
//! gives the points back, once.

use zhidu_domain::money::Money;
use zhidu_domain::points::{
    RedemptionStatus, RedemptionStep, next_redemption_status, points_earned,
};
use zhidu_domain::role::Role;
use zhidu_store::audit::Actor;
use zhidu_store::db::DbConnection;
use zhidu_store::points::{self as store, Setting};
use zhidu_store::{StoreResult, new_id, read_stored};

use crate::access::{Identity, roles};
use crate::customers::{existing_customer, find_customer};
use crate::error::{ServiceError, ServiceResult};

pub use zhidu_store::StoreError;
pub use zhidu_store::points::{PointEntry, Redemption};

/// The stored status of a redemption; an unknown one is corrupt data.
pub fn status_of(redemption: &Redemption) -> StoreResult<RedemptionStatus> {
    read_stored(&redemption.status)
}

const RATE_KEY: &str = "points.yuan_per_point";

/// The kinds of ledger entry, as stored.
const EARNED: &str = "earned";
const REDEEMED: &str = "redeemed";
const RETURNED: &str = "returned";

/// The configured earning rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// Yuan spent per point earned.
    pub yuan_per_point: Money,
    /// The setting's version, sent back to change it.
    pub version: i64,
}

/// SET-7: the earning rate, absent until finance configures it. A stored rate that is not an
/// amount is corruption.
pub fn earning_rate(connection: &mut DbConnection) -> ServiceResult<Option<Rate>> {
    Ok(configured(connection)?.map(|(_, rate)| rate))
}

fn configured(connection: &mut DbConnection) -> ServiceResult<Option<(Setting, Rate)>> {
    store::find_setting(connection, RATE_KEY)?
        .map(|setting| {
            let yuan_per_point = setting.value.parse::<Money>().map_err(|e| {
                StoreError::Corrupt(format!("setting {RATE_KEY} = {:?}: {e}", setting.value))
            })?;
            let rate = Rate {
                yuan_per_point,
                version: setting.version,
            };
            Ok((setting, rate))
        })
        .transpose()
}

/// SET-7: sets the earning rate; `version` is the one read (`None` before the first setting).
/// Past earnings keep the rate they were earned at.
pub fn set_rate(
    connection: &mut DbConnection,
    actor: &Actor,
    yuan_per_point: Money,
    version: Option<i64>,
) -> ServiceResult<Rate> {
    let before = configured(connection)?.map(|(setting, _)| setting);
    if before.as_ref().map(|s| s.version) != version {
        return Err(ServiceError::Stale(
            "send the rate's current version (none before the first setting)".into(),
        ));
    }
    let after = Setting {
        key: RATE_KEY.into(),
        value: yuan_per_point.to_string(),
        version: before.as_ref().map_or(1, |s| s.version + 1),
        updated_at: actor.at.stored(),
    };
    store::save_setting(connection, actor, before.as_ref(), &after)?;
    Ok(Rate {
        yuan_per_point,
        version: after.version,
    })
}

/// What an app order earned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Earned {
    pub customer_id: String,
    pub reference: String,
    pub points_earned: i64,
    pub balance: i64,
}

/// SET-7: the app order `reference` of `customer_id`, for `amount`, earns its points once; refused
/// until the rate is configured, a conflict when the order already earned.
pub fn earn(
    connection: &mut DbConnection,
    actor: &Actor,
    customer_id: &str,
    reference: &str,
    amount: Money,
) -> ServiceResult<Earned> {
    existing_customer(connection, "customer_id", customer_id)?;
    let rate = earning_rate(connection)?.map(|rate| rate.yuan_per_point);
    let earned =
        points_earned(amount, rate).map_err(|e| ServiceError::refused("SET-7", e.to_string()))?;
    let balance = store::apply_points(
        connection,
        actor,
        customer_id,
        EARNED,
        &format!("app-order:{reference}"),
        earned,
    )
    .map_err(|e| match e {
        StoreError::Conflict(_) => {
            ServiceError::conflict("this app order has already earned its points")
        }
        other => other.into(),
    })?
    .ok_or_else(|| StoreError::Corrupt(format!("an earning overdrew {customer_id}'s points")))?;
    Ok(Earned {
        customer_id: customer_id.to_owned(),
        reference: reference.to_owned(),
        points_earned: earned,
        balance,
    })
}

/// A customer's points and their history.
#[derive(Debug, Clone)]
pub struct Balance {
    pub customer_id: String,
    pub balance: i64,
    /// Newest first.
    pub entries: Vec<PointEntry>,
}

/// The points of customer `id` (not found names it).
pub fn customer_points(connection: &mut DbConnection, id: &str) -> ServiceResult<Balance> {
    let customer = find_customer(connection, id)?;
    Ok(Balance {
        balance: store::balance_of(connection, &customer.id)?,
        entries: store::entries_of(connection, &customer.id)?,
        customer_id: customer.id,
    })
}

/// SET-7: a cash redemption of `points` to `alipay_account`; the points leave the balance now,
/// exactly once, refused when the balance does not cover them.
pub fn request_redemption(
    connection: &mut DbConnection,
    actor: &Actor,
    customer_id: &str,
    points: i64,
    alipay_account: &str,
) -> ServiceResult<Redemption> {
    existing_customer(connection, "customer_id", customer_id)?;
    let now = actor.at.stored();
    let redemption = Redemption {
        id: new_id(),
        customer_id: customer_id.to_owned(),
        points,
        alipay_account: alipay_account.trim().to_owned(),
        status: RedemptionStatus::PendingReview.as_str().into(),
        reviewed_by: None,
        approved_by: None,
        transfer_reference: None,
        transferred_fen: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    store::apply_points(
        connection,
        actor,
        &redemption.customer_id,
        REDEEMED,
        &redemption.id,
        -redemption.points,
    )?
    .ok_or_else(|| {
        ServiceError::refused(
            "SET-7",
            format!("the balance does not cover {} points", redemption.points),
        )
    })?;
    store::insert_redemption(connection, actor, &redemption)?;
    Ok(redemption)
}

/// SET-7: finance reviews redemption `id` (read at `version`); a rejection gives the points
/// back.
pub fn review_redemption(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    version: i64,
    approve: bool,
) -> ServiceResult<Redemption> {
    permitted(caller, roles::FINANCE_DESK, "finance reviews")?;
    take_step(
        connection,
        caller,
        id,
        version,
        RedemptionStep::Review { approve },
        |r, who| r.reviewed_by = Some(who.to_owned()),
    )
}

/// SET-7: a leader approves reviewed redemption `id` (read at `version`); the approver is not
/// the finance reviewer, and a rejection gives the points back.
pub fn approve_redemption(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    version: i64,
    approve: bool,
) -> ServiceResult<Redemption> {
    permitted(caller, roles::MANAGERS, "a leader approves")?;
    take_step(
        connection,
        caller,
        id,
        version,
        RedemptionStep::Approval { approve },
        |r, who| r.approved_by = Some(who.to_owned()),
    )
}

/// The Alipay transfer of an approved redemption.
#[derive(Debug, Clone)]
pub struct Transfer {
    pub transaction_reference: String,
    pub amount: Money,
}

/// SET-7: finance records the transfer of approved redemption `id` (read at `version`).
pub fn record_transfer(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    version: i64,
    transfer: Transfer,
) -> ServiceResult<Redemption> {
    permitted(
        caller,
        roles::FINANCE_DESK,
        "finance records the transfer of",
    )?;
    let reference = transfer.transaction_reference.trim().to_owned();
    let fen = transfer.amount.fen();
    take_step(
        connection,
        caller,
        id,
        version,
        RedemptionStep::Transfer,
        move |r, _| {
            r.transfer_reference = Some(reference);
            r.transferred_fen = Some(fen);
        },
    )
}

/// The caller holds one of `allowed`, who `does` this step.
fn permitted(caller: &impl Identity, allowed: &[Role], does: &str) -> ServiceResult<()> {
    if caller.has_any(allowed) {
        return Ok(());
    }
    let names: Vec<&str> = allowed.iter().map(|role| role.as_str()).collect();
    Err(ServiceError::forbidden(format!(
        "SET-7: {does} a redemption ({})",
        names.join(", ")
    )))
}

/// Takes `step` on redemption `id` (read at `version`) and, on a rejection, gives its points
/// back once.
fn take_step(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    version: i64,
    step: RedemptionStep,
    change: impl FnOnce(&mut Redemption, &str),
) -> ServiceResult<Redemption> {
    let before = store::find_redemption(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no redemption {id}")))?;
    if before.version != version {
        return Err(ServiceError::Stale(
            "the redemption changed since you read it".into(),
        ));
    }
    let status = next_redemption_status(status_of(&before)?, step)
        .map_err(|e| ServiceError::conflict(e.to_string()))?;
    let mut after = Redemption {
        status: status.as_str().into(),
        version: before.version + 1,
        updated_at: caller.actor().at.stored(),
        ..before.clone()
    };
    change(&mut after, caller.subject());
    if after.reviewed_by.is_some() && after.reviewed_by == after.approved_by {
        return Err(ServiceError::forbidden(
            "the leader who approves cannot be the finance reviewer",
        ));
    }
    store::update_redemption(
        connection,
        caller.actor(),
        &format!("point_redemption.{}", after.status),
        &before,
        &after,
    )?;
    if status == RedemptionStatus::Rejected {
        store::apply_points(
            connection,
            caller.actor(),
            &after.customer_id,
            RETURNED,
            &after.id,
            after.points,
        )?;
    }
    Ok(after)
}
